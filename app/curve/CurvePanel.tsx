/** "Draw the curve": the α grid, the button, the sweep's progress and ETA, and its chart with the fronts. */
import { useCallback, useMemo, useRef, useState } from 'react';
import { MODEL_CATALOG } from '../../src/models/catalog';
import { CURVE_ALPHAS, parseAlphaGrid, sweepEtaSeconds, sweepSize, sweepSpecProblem, type SweepSpec, type SweepStatus } from '../../src/train/sweepPlan';
import { formatSeconds } from '../format';
import { Help } from '../help/Help';
import { useAppStore } from '../store';
import { setupProblems } from '../train/setupRules';
import { CurveChart, METHOD_NAMES } from './CurveChart';
import { METHOD_COLOURS } from '../charts/MethodMark';
import { download } from '../download';
import { ChartExport } from '../charts/ChartExport';
import { SWEEP_METHODS } from './curveGeometry';
import { cancelSweep, discardSweep, resumeSweep, startSweep, useSweepStore } from './sweepClient';
import './curve.css';

const defaultGrid = (modelId: keyof typeof MODEL_CATALOG): string => CURVE_ALPHAS[MODEL_CATALOG[modelId].input].join(', ');
/** Budgets in % of the full width's FLOP/s: spread from barely pruned to a sixth. */
const DEFAULT_BUDGET_GRID = '80, 50, 30, 15';

export function CurvePanel() {
  const status = useSweepStore((s) => s.status);
  const interrupted = useSweepStore((s) => s.interrupted);
  const running = status?.state === 'running' && !interrupted;
  return (
    <section className="panel curve" data-testid="curve-panel" data-sweep-state={status === null ? 'none' : interrupted ? 'interrupted' : status.state}>
      <h2>
        Trade-off curve <Help topic="curve" />
      </h2>
      {!running && <SweepForm />}
      {status !== null && <SweepProgress status={status} interrupted={interrupted} />}
      {status !== null && <SweepChart status={status} />}
    </section>
  );
}

function SweepForm() {
  const setup = useAppStore((s) => s.setup);
  const ready = useAppStore((s) => s.workerStatus === 'ready');
  const idle = useAppStore((s) => s.runState === 'idle');
  const fullFlops = useAppStore((s) => s.fullFlops[s.setup.modelId] ?? null);
  const [grid, setGrid] = useState({ modelId: setup.modelId, text: defaultGrid(setup.modelId) });
  const [byBudget, setByBudget] = useState(false);
  const [budgetText, setBudgetText] = useState(DEFAULT_BUDGET_GRID);
  // Another family has another useful α range: its own default grid.
  const text = grid.modelId === setup.modelId ? grid.text : defaultGrid(setup.modelId);
  let spec: SweepSpec = { base: setup, alphas: [] };
  let problem: string | null = null;
  try {
    if (!byBudget) spec = { base: setup, alphas: parseAlphaGrid(text) };
    else if (fullFlops === null) problem = 'Waiting for the worker to count the full width’s FLOP/s.';
    else spec = { base: setup, alphas: [], budgets: parseAlphaGrid(budgetText).map((percent) => Math.round((percent / 100) * fullFlops)) };
    problem ??= sweepSpecProblem(spec);
  } catch (error) {
    problem = `${byBudget ? 'budget' : 'α'} grid: ${(error as Error).message}`;
  }
  problem ??= setupProblems(setup)[0] ?? null;
  const runs = sweepSize(spec);
  return (
    <div className="sweep-form">
      <div className="mode-switch" role="radiogroup" aria-label="DCL runs over">
        <label>
          <input type="radio" name="sweep-grid" checked={!byBudget} data-testid="sweep-by-alpha" onChange={() => setByBudget(false)} /> α grid
        </label>
        <label>
          <input type="radio" name="sweep-grid" checked={byBudget} data-testid="sweep-by-budget" onChange={() => setByBudget(true)} /> budget grid
        </label>
      </div>
      {byBudget ? (
        <label className="field">
          <span>Budgets, % of full-width FLOP/s (one DCL run each, α steered to it)</span>
          <input type="text" value={budgetText} data-testid="sweep-budgets" aria-invalid={problem !== null} onChange={(event) => setBudgetText(event.target.value)} />
        </label>
      ) : (
        <label className="field">
          <span>α grid (one DCL run each)</span>
          <input
            type="text"
            value={text}
            data-testid="sweep-alphas"
            aria-invalid={problem !== null}
            onChange={(event) => setGrid({ modelId: setup.modelId, text: event.target.value })}
          />
        </label>
      )}
      <p className="hint">
        {runs} runs of {MODEL_CATALOG[setup.modelId].displayName}: DCL at each {byBudget ? 'budget' : 'α'}, then uniform widths and straight-through matched to the FLOP/s
        each reached; all {setup.steps} steps, batch {setup.batchSize}, seed {setup.seed}
        {setup.init === 'pretrained' ? ' (DCL and straight-through from the pretrained weights, uniform from scratch)' : ''}.
      </p>
      {problem !== null && (
        <p className="warning" data-testid="sweep-problem">
          {problem}
        </p>
      )}
      <button type="button" className="primary" data-testid="draw-curve" disabled={!ready || !idle || problem !== null} onClick={() => startSweep(spec)}>
        Draw the curve
      </button>
    </div>
  );
}

/** Seconds left: subscribes to the live progress, so only this line re-renders with it. */
function SweepEta({ status }: { status: SweepStatus }) {
  const currentEta = useAppStore((s) => (s.latest !== null && s.latest.runId === status.current?.runId ? s.latest.etaSeconds : null));
  const eta = sweepEtaSeconds(status.total, status.done, currentEta);
  return <span data-testid="sweep-eta">{eta === null ? 'ETA after the first run' : `about ${formatSeconds(eta)} left`}</span>;
}

function SweepProgress({ status, interrupted }: { status: SweepStatus; interrupted: boolean }) {
  const finished = status.done.length + status.failed.length;
  const left = status.total - finished;
  const resumable = (interrupted || status.state === 'cancelled') && left > 0;
  return (
    <div className="sweep-progress" data-testid="sweep-progress" data-done={status.done.length} data-total={status.total}>
      <progress value={finished} max={status.total} aria-label="sweep progress" />
      {status.state === 'running' && !interrupted && (
        <p>
          Run {Math.min(finished + 1, status.total)} of {status.total}
          {status.current !== null && <>: {status.current.label}</>} · <SweepEta status={status} />{' '}
          <button type="button" data-testid="cancel-sweep" onClick={cancelSweep}>
            Cancel
          </button>
        </p>
      )}
      {interrupted && (
        <p className="warning" data-testid="sweep-interrupted">
          The page was reloaded while the sweep ran: {status.done.length} of {status.total} runs finished and are kept; the run in progress was
          lost. {left} run{left === 1 ? '' : 's'} left.
        </p>
      )}
      {status.state === 'cancelled' && !interrupted && (
        <p data-testid="sweep-cancelled">
          Cancelled: {status.done.length} of {status.total} runs finished and are kept; {left} left.
        </p>
      )}
      {status.state === 'finished' && <p data-testid="sweep-finished">Finished: {status.done.length} runs.</p>}
      {status.failed.map((failure) => (
        <p key={failure.key} className="warning" data-testid="sweep-failed">
          {failure.label} failed: {failure.message}
        </p>
      ))}
      {status.state !== 'running' || interrupted ? (
        <p>
          {resumable && (
            <button type="button" className="primary" data-testid="resume-sweep" onClick={resumeSweep}>
              Resume ({left} left)
            </button>
          )}{' '}
          <button type="button" data-testid="discard-sweep" onClick={discardSweep}>
            Close the curve
          </button>
        </p>
      ) : null}
    </div>
  );
}

function resultsCsv(status: SweepStatus): string {
  const header = 'key,method,point,runId,flopsPerSecond,fullFlopsPerSecond,metric,value,wallSeconds';
  const rows = status.done.map((r) => [r.key, r.method, `"${r.point}"`, r.runId, r.flopsPerSecond, r.fullFlopsPerSecond, r.metric, r.value, r.wallSeconds].join(','));
  return `${[header, ...rows].join('\n')}\n`;
}

function SweepChart({ status }: { status: SweepStatus }) {
  const svg = useRef<SVGSVGElement>(null);
  const counts = useMemo(() => Object.fromEntries(SWEEP_METHODS.map((m) => [m, status.done.filter((r) => r.method === m).length])), [status.done]);
  const name = `curve-${status.spec.base.modelId}-${status.sweepId}`;
  const legend = useMemo(
    () =>
      SWEEP_METHODS.map((method) => ({
        label: `${method === 'dcl' ? '◆' : method === 'uniform' ? '■' : '▲'} ${METHOD_NAMES[method]} (${counts[method]})${method === 'dcl' ? ' — front solid' : ' — front dashed'}`,
        colour: METHOD_COLOURS[method],
      })),
    [counts],
  );
  const chartSvg = useCallback(() => svg.current, []);
  return (
    <div className="sweep-chart">
      <ul className="legend">
        {legend.map((entry) => (
          <li key={entry.label} style={{ color: entry.colour }}>
            {entry.label}
          </li>
        ))}
      </ul>
      <CurveChart ref={svg} results={status.done} />
      {status.done.length > 0 && <ChartExport name={name} title="Trade-off curve" legend={legend} svg={chartSvg} testId="export-curve" />}
      {status.done.length > 0 && (
        <p className="export-buttons">
          <button type="button" data-testid="export-curve-csv" onClick={() => download(`${name}.csv`, 'text/csv', resultsCsv(status))}>
            Save points (CSV)
          </button>{' '}
          <button type="button" data-testid="export-curve-json" onClick={() => download(`${name}.json`, 'application/json', JSON.stringify(status, null, 2))}>
            Save sweep (JSON)
          </button>
        </p>
      )}
    </div>
  );
}
