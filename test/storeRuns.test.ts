/** Stored finished runs: unreadable records are skipped and named; without IndexedDB, runs live in memory with a notice. */
import { describe, expect, it } from 'vitest';
import { clearRuns, deleteRun, loadRuns, saveRun } from '../app/runs/runStore';
import { readStoredRuns } from '../app/runs/storedRun';
import { DEFAULT_SETUP } from '../app/urlState';
import { storedSummary } from './fixtures';


describe('reading stored runs', () => {
  it('skips corrupt and old-format records, naming each, and keeps the rest in finishing order', () => {
    const { flopsPerSecond: _, ...oldFormat } = storedSummary('old', 1);
    const { runs, skipped } = readStoredRuns([
      storedSummary('b', 20),
      'garbage',
      { ...storedSummary('nan', 3), flopsPerSecond: NaN },
      oldFormat,
      { ...storedSummary('cfg', 4), config: { ...DEFAULT_SETUP, modelId: 'gpt' } },
      storedSummary('a', 10),
    ]);
    expect(runs.map((run) => run.runId)).toEqual(['a', 'b']);
    expect(skipped).toEqual([
      'record 2: not a run record',
      'nan: missing or malformed flopsPerSecond (corrupt, or stored by an older version)',
      'old: missing or malformed flopsPerSecond (corrupt, or stored by an older version)',
      'cfg: missing or malformed config.modelId (corrupt, or stored by an older version)',
    ]);
  });
});

describe('without IndexedDB (Node has none, like some private modes)', () => {
  it('keeps runs in memory, says so, and deletes one by one or all', async () => {
    expect(typeof indexedDB).toBe('undefined');
    await saveRun(storedSummary('r2', 2));
    await saveRun(storedSummary('r1', 1));
    await saveRun(storedSummary('r3', 3));
    const loaded = await loadRuns();
    expect(loaded.notice).toMatch(/kept only until this page is reloaded: IndexedDB is unavailable/);
    expect(loaded.runs.map((run) => run.runId)).toEqual(['r1', 'r2', 'r3']);
    await deleteRun('r2');
    expect((await loadRuns()).runs.map((run) => run.runId)).toEqual(['r1', 'r3']);
    await clearRuns();
    expect((await loadRuns()).runs).toEqual([]);
  });
});
