/**
 * Finished runs kept across reloads in IndexedDB (plain RunSummary objects), and beside them, in
 * a database of their own so that loading the run list stays light, each run's kept weights
 * (training weights and widths to continue it; a VAD's consolidated model to listen to it).
 * Where IndexedDB cannot be opened (some private modes, storage disabled) both are kept in
 * memory for this page's life instead, and `loadRuns` says so. Records that cannot be read are
 * skipped and named. Deleting a run deletes its weights and training curves; clearing clears them all.
 */
import { create } from 'zustand';
import type { RunSummary } from '../../src/protocol';
import type { ExportedModel } from '../../src/runtime/exportModel';
import type { KeptWeights } from '../../src/train/keptWeights';
import { indexedStore } from './indexedStore';
import { forgetRunCurves } from './runCurves';
import { readStoredRuns } from './storedRun';

const database = indexedStore('width-tradeoff-explorer', 'runs');
const weightsDatabase = indexedStore('width-tradeoff-explorer-weights', 'weights');

/** What is kept of a finished run's model. */
export interface KeptRunWeights {
  runId: string;
  /** The network as it trained, with its widths' κ: a continued run starts from them. */
  weights: KeptWeights;
  /** A VAD's consolidated model (the export format): what the listen panels test. Null for the synthetic MLP. */
  model: ExportedModel | null;
}

/** The runs whose weights are kept (known once loadRuns has run), for the details panel to react to. */
export const useKeptWeightIds = create<{ ids: ReadonlySet<string>; loaded: boolean }>(() => ({ ids: new Set(), loaded: false }));

function keptIds(update: (ids: Set<string>) => void): void {
  const ids = new Set(useKeptWeightIds.getState().ids);
  update(ids);
  useKeptWeightIds.setState({ ids });
}

export interface LoadedRuns {
  runs: RunSummary[];
  /** One line per stored record that was skipped (corrupt or an older format). */
  skipped: string[];
  /** Set when runs are kept in memory only, and why. */
  notice: string | null;
}

/** Runs of this page's life when IndexedDB cannot be opened; null while it can. */
let memory: Map<string, RunSummary> | null = null;
/** Kept weights of this page's life when IndexedDB cannot be opened (set with `memory`). */
let memoryWeights: Map<string, KeptRunWeights> | null = null;
let storageChecked: Promise<string | null> | null = null;

/** Opens IndexedDB once; on failure switches to memory. Resolves to the notice (null with IndexedDB). */
function checkStorage(): Promise<string | null> {
  storageChecked ??= database.check().then(
    () => null,
    (error: unknown) => {
      memory = new Map();
      memoryWeights = new Map();
      const why = error instanceof Error ? error.message : String(error);
      return `Finished runs are kept only until this page is reloaded: IndexedDB is unavailable (${why}).`;
    },
  );
  return storageChecked;
}

export async function loadRuns(): Promise<LoadedRuns> {
  const notice = await checkStorage();
  const records: unknown[] = memory !== null ? [...memory.values()] : await database.transact<unknown[]>('readonly', (store) => store.getAll());
  // Runs load even where their weights cannot be read: their details then say none are kept.
  const keys =
    memoryWeights !== null ? [...memoryWeights.keys()] : await weightsDatabase.transact<IDBValidKey[]>('readonly', (store) => store.getAllKeys()).catch(() => []);
  useKeptWeightIds.setState({ ids: new Set(keys.map(String)), loaded: true });
  return { ...readStoredRuns(records), notice };
}

export async function saveRunWeights(kept: KeptRunWeights): Promise<void> {
  await checkStorage();
  if (memoryWeights !== null) memoryWeights.set(kept.runId, kept);
  else await weightsDatabase.transact('readwrite', (store) => store.put(kept));
  keptIds((ids) => ids.add(kept.runId));
}

/** The run's kept weights, or null (a run from before weights were kept, imported, or deleted). */
export async function loadRunWeights(runId: string): Promise<KeptRunWeights | null> {
  await checkStorage();
  if (memoryWeights !== null) return memoryWeights.get(runId) ?? null;
  const found = await weightsDatabase.transact<KeptRunWeights | undefined>('readonly', (store) => store.get(runId) as IDBRequest<KeptRunWeights | undefined>);
  return found ?? null;
}

export async function saveRun(summary: RunSummary): Promise<void> {
  await checkStorage();
  if (memory !== null) memory.set(summary.runId, summary);
  else await database.transact('readwrite', (store) => store.put(summary));
}

export async function deleteRun(runId: string): Promise<void> {
  await checkStorage();
  if (memory !== null) {
    memory.delete(runId);
    memoryWeights!.delete(runId);
  } else {
    await database.transact('readwrite', (store) => store.delete(runId));
    await weightsDatabase.transact('readwrite', (store) => store.delete(runId));
  }
  keptIds((ids) => ids.delete(runId));
  await forgetRunCurves(runId);
}

export async function clearRuns(): Promise<void> {
  await checkStorage();
  if (memory !== null) {
    memory.clear();
    memoryWeights!.clear();
  } else {
    await database.transact('readwrite', (store) => store.clear());
    await weightsDatabase.transact('readwrite', (store) => store.clear());
  }
  keptIds((ids) => ids.clear());
  await forgetRunCurves(null);
}
