/**
 * Consolidate a paused or finished VAD run (in the trainer worker) into its physically
 * smaller model, compare it with the family's full-width model on the listen worker
 * (widths, counted FLOP/s and parameters, per-frame latency repeated until stable, validation
 * EER), export it as a zip, or import an exported model to listen to it later.
 */
import { useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { BUNDLED_SMALL_MODELS, MODEL_CATALOG } from '../../src/models/catalog';
import type { ModelMeasurement } from '../../src/protocol';
import { formatCount, formatFlops, formatMs, percent } from '../format';
import { useAppStore } from '../store';
import { compareModels, consolidateRun, exportModelZip, importModelFiles, loadBundledSmallModel } from './listenActions';
import { BUNDLED_SOURCE, useListenStore } from './listenStore';

/** The learnable widths, as units kept of the family's full size ("mel 41/80, conv 17/32, …"). */
function widthsText(widths: Record<string, number>, family: string): string {
  const entry = family === 'crnn' || family === 'transformer' ? MODEL_CATALOG[family] : null;
  if (entry === null) return JSON.stringify(widths);
  return entry.widthNames.map((name) => `${name} ${widths[name] ?? '?'}/${entry.fullSizes[name]}`).join(', ');
}

function latencyText(m: ModelMeasurement): string {
  const { medianMs, lowMs, highMs, rounds } = m.latency;
  return `${formatMs(medianMs * 1000)} µs (IQR ${formatMs(lowMs * 1000)}–${formatMs(highMs * 1000)}, ${rounds} rounds)`;
}

const eerText = (m: ModelMeasurement): string => `${(100 * m.validation.value).toFixed(2)} %${m.validation.auc !== null ? ` · AUC ${m.validation.auc.toFixed(3)}` : ''}`;

async function filesOfDrop(event: DragEvent): Promise<File[]> {
  const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const files: File[] = [];
  const visit = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      files.push(new File([file], `${path}${file.name}`, { type: file.type }));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      const children = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      for (const child of children) await visit(child, `${path}${entry.name}/`);
    }
  };
  for (const entry of entries) await visit(entry, '');
  return files.length > 0 ? files : [...event.dataTransfer.files];
}

export function ConsolidatePanel() {
  const runState = useAppStore((s) => s.runState);
  const runConfig = useAppStore((s) => s.runConfig);
  const lastSummary = useAppStore((s) => s.lastSummary);
  const { model, modelSource, lane, bundledError, comparison, comparing, consolidating, consolidateError, importError } = useListenStore(
    useShallow((s) => ({
      model: s.model,
      modelSource: s.modelSource,
      lane: s.lanes.find((l) => l.lane === 'consolidated') ?? null,
      bundledError: s.bundledError,
      comparison: s.comparison,
      comparing: s.comparing,
      consolidating: s.consolidating,
      consolidateError: s.consolidateError,
      importError: s.importError,
    })),
  );
  const [dragging, setDragging] = useState(false);
  const family = model?.family ?? '';

  const isVad = (id: string | undefined): boolean => id !== undefined && id !== 'synthetic';
  const pausedVad = runState === 'paused' && isVad(runConfig?.modelId);
  const finishedVad = runState === 'idle' && isVad(lastSummary?.config.modelId);
  const canConsolidate = (pausedVad || finishedVad) && !consolidating;

  const drop = async (event: DragEvent): Promise<void> => {
    event.preventDefault();
    setDragging(false);
    await importModelFiles(await filesOfDrop(event));
  };

  return (
    <section className="panel listen-panel" data-testid="consolidate-panel">
      <h2>Consolidated model</h2>
      <div className="listen-row">
        <button type="button" data-testid="consolidate" disabled={!canConsolidate} onClick={consolidateRun}>
          {consolidating ? 'Consolidating…' : pausedVad ? 'Consolidate the paused run' : 'Consolidate the last finished run'}
        </button>
        <button type="button" data-testid="export-model" disabled={model === null} onClick={exportModelZip}>
          Export (zip)
        </button>
        <button type="button" data-testid="compare-models" disabled={model === null || comparing} onClick={compareModels}>
          {comparing ? 'Measuring…' : comparison === null ? 'Measure' : 'Measure again'}
        </button>
        <label
          className={`drop-zone${dragging ? ' dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => void drop(e)}
        >
          Import: drop an exported zip or folder here, or{' '}
          <input type="file" data-testid="import-model" multiple accept=".zip,.json,.bin" onChange={(e) => void importModelFiles([...(e.target.files ?? [])])} />
        </label>
      </div>
      <div className="listen-row">
        <span>Bundled small model:</span>
        {BUNDLED_SMALL_MODELS.map((name) => (
          <button
            key={name}
            type="button"
            data-testid={`load-${name}`}
            disabled={comparing || (modelSource === BUNDLED_SOURCE && model?.name === name)}
            onClick={() => loadBundledSmallModel(name)}
          >
            {name}
          </button>
        ))}
      </div>
      {!canConsolidate && !consolidating && <p className="hint">Pause a CRNN or transformer VAD run, or let one finish, to consolidate it here.</p>}
      {consolidateError !== null && (
        <p className="listen-error" role="alert" data-testid="consolidate-error">
          {consolidateError}
        </p>
      )}
      {importError !== null && (
        <p className="listen-error" role="alert" data-testid="import-error">
          {importError}
        </p>
      )}
      {bundledError !== null && (
        <p className="listen-error" role="alert" data-testid="bundled-error">
          {bundledError}
        </p>
      )}
      {model !== null && (
        <p className="hint" data-testid="consolidated-model" data-source={modelSource}>
          <strong>{model.name}</strong> ({family === 'crnn' || family === 'transformer' ? MODEL_CATALOG[family].displayName : family}), {modelSource}
          {/* What the lane runs, as its model's flops report says (for the bundled one: whatever its zip holds). */}
          {lane?.name === model.name && lane.widths !== null && lane.flopsPerSecond !== null && (
            <span data-testid="consolidated-model-size">
              : {widthsText(lane.widths, family)} · {formatFlops(lane.flopsPerSecond)} (counted){lane.parameters !== null && <> · {formatCount(lane.parameters)} parameters</>}
            </span>
          )}
          .
        </p>
      )}
      {comparison !== null && (
        <table data-testid="comparison">
          <thead>
            <tr>
              <th />
              <th>consolidated</th>
              <th>full width (bundled)</th>
              <th>ratio</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th>widths</th>
              <td data-testid="comparison-widths">{widthsText(comparison.consolidated.widths, family)}</td>
              <td>{widthsText(comparison.full.widths, family)}</td>
              <td />
            </tr>
            <tr>
              <th>FLOP/s (counted)</th>
              <td data-testid="comparison-flops">{formatFlops(comparison.consolidated.flopsPerSecond)}</td>
              <td>{formatFlops(comparison.full.flopsPerSecond)}</td>
              <td>{percent(comparison.consolidated.flopsPerSecond, comparison.full.flopsPerSecond)}</td>
            </tr>
            <tr>
              <th>parameters</th>
              <td>{formatCount(comparison.consolidated.parameters)}</td>
              <td>{formatCount(comparison.full.parameters)}</td>
              <td>{percent(comparison.consolidated.parameters, comparison.full.parameters)}</td>
            </tr>
            <tr>
              <th>latency per 10 ms frame (measured)</th>
              <td data-testid="comparison-latency" data-median-ms={comparison.consolidated.latency.medianMs} data-full-median-ms={comparison.full.latency.medianMs}>
                {latencyText(comparison.consolidated)}
              </td>
              <td>{latencyText(comparison.full)}</td>
              <td>{percent(comparison.consolidated.latency.medianMs, comparison.full.latency.medianMs)}</td>
            </tr>
            <tr>
              <th>validation EER</th>
              <td data-testid="comparison-eer" data-eer={comparison.consolidated.validation.value} data-full-eer={comparison.full.validation.value}>
                {eerText(comparison.consolidated)}
              </td>
              <td>{eerText(comparison.full)}</td>
              <td />
            </tr>
          </tbody>
        </table>
      )}
      {comparison !== null && (
        <p className="hint">
          Latency: one frame streamed at a time by the runtime's kernels in the listen worker (rounds of 1 s of audio, alternating between the two
          models, repeated until the median settles). EER: the trainer's 24 held-out validation scenes, streamed frame by frame.
        </p>
      )}
    </section>
  );
}
