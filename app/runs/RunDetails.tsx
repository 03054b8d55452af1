/**
 * A finished run as an object: its setup (restorable into the controls exactly), widths, EER per
 * SNR bin (VAD), the consolidated model's numbers; two runs side by side; every run exported as
 * CSV or JSON and imported back.
 */
import { useRef, useState } from 'react';
import type { RunSummary } from '../../src/protocol';
import { MODEL_CATALOG } from '../../src/models/catalog';
import { SNR_BINS } from '../../src/train/metrics';
import { formatAlpha } from '../train/alphaScale';
import { download } from '../download';
import { formatCount, formatFlops, formatMetric, formatSeconds, percent } from '../format';
import { Help } from '../help/Help';
import { methodText } from '../models';
import { saveRun } from './runStore';
import { ChartExport } from '../charts/ChartExport';
import { LineChart, type LineSeries } from '../charts/LineChart';
import { WIDTH_COLOURS } from '../charts/WidthChart';
import { useAppStore, type LossRow, type WidthRow } from '../store';
import { KeptWeightsActions } from './KeptWeightsActions';
import { restorable, setupOf } from './keptWeights';
import { useRunCurves } from './runCurves';
import { runsFromCsv, runsFromJson, runsToCsv } from './runCsv';
import { closeRuns, compareWith, useRunSelection } from './runSelection';
import './runs.css';

export function RunDetails() {
  const selected = useRunSelection((s) => s.selected);
  const runs = useAppStore((s) => s.finishedRuns);
  const shown = selected.flatMap((id) => runs.filter((run) => run.runId === id));
  return (
    <section className="panel run-details" data-testid="run-details" data-shown={shown.length}>
      <h2>
        Runs: details, compare, export <Help topic="runs" />
      </h2>
      <RunFiles runs={runs} />
      {shown.length === 0 ? (
        <p className="hint">Choose “show” on a finished run to see its details here, restore its setup, or compare it with another.</p>
      ) : (
        <>
          <p>
            <label className="field inline">
              <span>Compare with</span>
              <select data-testid="compare-select" value={shown[1]?.runId ?? ''} onChange={(event) => compareWith(event.target.value === '' ? null : event.target.value)}>
                <option value="">(none)</option>
                {runs
                  .filter((run) => run.runId !== shown[0]!.runId)
                  .map((run) => (
                    <option key={run.runId} value={run.runId}>
                      {runTitle(run)}
                    </option>
                  ))}
              </select>
            </label>{' '}
            <button type="button" data-testid="close-run-details" onClick={closeRuns}>
              Close
            </button>
          </p>
          <div className="run-cards">
            {shown.map((run) => (
              <RunCard key={run.runId} run={run} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function runTitle(run: RunSummary): string {
  const { config } = run;
  const steer = config.budgetFlopsPerSecond === null ? `α ${formatAlpha(config.alpha)}` : `budget ${formatFlops(config.budgetFlopsPerSecond)}`;
  const method = config.trainedAtWidthsOf === undefined ? config.method : `at the widths of ${config.trainedAtWidthsOf.runId}`;
  return `${config.modelId} · ${method} · ${steer} · seed ${config.seed} · ${formatMetric(run.evaluation.metric, run.evaluation.value)}`;
}

function RunCard({ run }: { run: RunSummary }) {
  const idle = useAppStore((s) => s.runState === 'idle');
  const { config } = run;
  const restore = () => {
    // Every field, so nothing of the setup before (e.g. a straight-through band) stays behind;
    // not the run a continued run started from (its weights come only with "Continue training").
    const setup = setupOf(run);
    useAppStore.getState().setSetup({ ...setup, budgetInterval: setup.budgetInterval });
  };
  return (
    <article className="run-card" data-testid="run-card" data-run-id={run.runId}>
      <h3>{runTitle(run)}</h3>
      <p className="hint">
        {MODEL_CATALOG[config.modelId].displayName} · {methodText(config)} · {run.steps} steps{run.stoppedEarly ? ' (stopped early)' : ''}, batch{' '}
        {config.batchSize}, lr {config.learningRate}, κ lr {config.kappaLearningRate}, init {config.init} · {formatSeconds(run.wallSeconds)} on {run.backend}
        {config.budgetInterval !== undefined &&
          ` · straight-through band ${(100 * config.budgetInterval.low).toFixed(1)}–${(100 * config.budgetInterval.high).toFixed(1)} % of full FLOP/s (kept in the setup, not in the URL)`}
        {config.continuedFrom !== undefined && ` · continued from run ${config.continuedFrom}'s kept weights and widths`}
      </p>
      <button
        type="button"
        data-testid="restore-setup"
        disabled={!idle || !restorable(run)}
        title={!restorable(run) ? `Its widths are those of run ${config.trainedAtWidthsOf?.runId}'s model, which the controls cannot hold: continue it instead` : idle ? undefined : 'Stop the running training first'}
        onClick={restore}
      >
        Restore this setup
      </button>
      <KeptWeightsActions run={run} />
      <dl className="run-numbers">
        <dt>FLOP/s (consolidated, counted)</dt>
        <dd>
          {formatFlops(run.flopsPerSecond)} ({percent(run.flopsPerSecond, run.fullFlopsPerSecond)} of {formatFlops(run.fullFlopsPerSecond)})
        </dd>
        <dt>Parameters</dt>
        <dd>
          {formatCount(run.parameters)} of {formatCount(run.fullParameters)}
        </dd>
        <dt>Validation</dt>
        <dd>
          {formatMetric(run.evaluation.metric, run.evaluation.value)}
          {run.evaluation.auc !== null && ` · AUC ${run.evaluation.auc.toFixed(3)}`}
        </dd>
      </dl>
      <WidthBars run={run} />
      {run.evaluation.eerBySnr !== null && <SnrChart eerBySnr={run.evaluation.eerBySnr} />}
      <RunCurvesView runId={run.runId} />
    </article>
  );
}

/** Each learnable width as a bar of K/N, κ_min marked. */
function WidthBars({ run }: { run: RunSummary }) {
  if (run.widths.length === 0) {
    const fixed = run.config.trainedAtWidthsOf === undefined ? `uniform × ${run.config.uniformFraction}` : `those of run ${run.config.trainedAtWidthsOf.runId}'s consolidated model`;
    return <p className="hint">Fixed widths ({fixed}): nothing learned.</p>;
  }
  return (
    <ul className="width-bars" data-testid="run-widths">
      {run.widths.map((width) => (
        <li key={width.name}>
          <span className="width-name">{width.name}</span>
          <span className="width-bar" title={`K = ${width.units.toFixed(2)} of ${width.full}; κ_min ${width.kappaMin}`}>
            <span className="width-fill" style={{ width: `${(100 * width.units) / width.full}%` }} />
            <span className="width-min" style={{ left: `${100 * width.kappaMin}%` }} />
          </span>
          <span>
            {Math.ceil(width.units - 1e-6)} / {width.full}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** EER per SNR bin as bars, like the paper's Fig. 7 (noisier scenes to the left). */
function SnrChart({ eerBySnr }: { eerBySnr: number[] }) {
  const svg = useRef<SVGSVGElement>(null);
  const width = 260;
  const height = 120;
  const top = Math.max(0.05, ...eerBySnr.filter(Number.isFinite));
  const bar = (width - 40) / eerBySnr.length;
  return (
    <figure className="snr-chart">
      <svg ref={svg} viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label="EER per SNR bin" data-testid="snr-chart" fontFamily="system-ui, sans-serif" fontSize={10}>
        {eerBySnr.map((eer, i) => {
          const h = Number.isFinite(eer) ? ((height - 36) * eer) / top : 0;
          const x = 30 + i * bar;
          return (
            <g key={SNR_BINS[i]?.label ?? i} className="snr-bar">
              <rect x={x + 4} y={height - 22 - h} width={bar - 8} height={h} fill="#1f77b4" />
              <text x={x + bar / 2} y={height - 26 - h} textAnchor="middle">
                {Number.isFinite(eer) ? `${(100 * eer).toFixed(1)} %` : 'n/a'}
              </text>
              <text x={x + bar / 2} y={height - 8} textAnchor="middle" fill="#5b6473">
                {SNR_BINS[i]?.label ?? ''}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        EER by SNR (validation){' '}
        <ChartExport name="eer-by-snr" title="EER by SNR (validation)" svg={() => svg.current} testId="export-snr" />
      </figcaption>
    </figure>
  );
}

/** Export every finished run (CSV, JSON) and import runs from such a file (added to the table and kept). */
function RunFiles({ runs }: { runs: RunSummary[] }) {
  const [message, setMessage] = useState<string | null>(null);
  const importFile = async (file: File) => {
    try {
      const text = await file.text();
      const read = file.name.toLowerCase().endsWith('.json') ? runsFromJson(text) : runsFromCsv(text);
      const { finishedRuns, setFinishedRuns } = useAppStore.getState();
      const ids = new Set(read.runs.map((run) => run.runId));
      setFinishedRuns([...finishedRuns.filter((run) => !ids.has(run.runId)), ...read.runs].sort((a, b) => a.finishedAt - b.finishedAt));
      await Promise.all(read.runs.map(saveRun));
      setMessage(`Imported ${read.runs.length} run(s) from ${file.name}${read.skipped.length > 0 ? `; skipped: ${read.skipped.join('; ')}` : ''}.`);
    } catch (error) {
      setMessage(`Could not import ${file.name}: ${(error as Error).message}`);
    }
  };
  return (
    <div className="run-files">
      <button type="button" data-testid="export-runs-csv" disabled={runs.length === 0} onClick={() => download('runs.csv', 'text/csv', runsToCsv(runs))}>
        Export runs (CSV)
      </button>{' '}
      <button type="button" data-testid="export-runs-json" disabled={runs.length === 0} onClick={() => download('runs.json', 'application/json', JSON.stringify(runs, null, 2))}>
        Export runs (JSON)
      </button>{' '}
      <label className="import-runs">
        Import runs (CSV or JSON){' '}
        <input
          type="file"
          accept=".csv,.json,text/csv,application/json"
          data-testid="import-runs"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file !== undefined) void importFile(file);
            event.target.value = '';
          }}
        />
      </label>
      {message !== null && (
        <p className="hint" role="status" data-testid="import-message">
          {message}
        </p>
      )}
    </div>
  );
}

const stepOf = (row: { step: number }): number => row.step;
const LOSS_SERIES: LineSeries[] = [
  { key: 'taskLoss', label: 'task loss', colour: '#1f77b4' },
  { key: 'complexityTerm', label: 'complexity term', colour: '#d62728' },
];

/** The run's kept training curves: widths κ = K/N and the losses over the steps. */
function RunCurvesView({ runId }: { runId: string }) {
  const curves = useRunCurves(runId);
  if (curves === 'loading') return null;
  if (curves === null) return <p className="hint">No training curves kept for this run (trained before they were kept, or imported).</p>;
  const widthSeries: LineSeries[] = curves.widthLegend.map((w, i) => ({ key: w.name, label: w.name, colour: WIDTH_COLOURS[i % WIDTH_COLOURS.length]! }));
  return (
    <div className="run-curves" data-testid="run-curves">
      {widthSeries.length > 0 && (
        <LineChart rows={curves.widthHistory} x={stepOf} y={(row: WidthRow, key) => row[key]} series={widthSeries} yDomain={[0, 1]} height={140} xLabel="step" />
      )}
      <LineChart
        rows={curves.lossHistory}
        x={stepOf}
        y={(row: LossRow, key) => (key === 'taskLoss' ? row.taskLoss : row.complexityTerm)}
        series={LOSS_SERIES}
        height={140}
        xLabel="step"
      />
    </div>
  );
}
