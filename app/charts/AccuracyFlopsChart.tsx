/**
 * Accuracy against FLOP/s: the running model's validation trajectory, every finished run
 * (DCL, baselines), the Pareto front of the DCL runs and, for the VAD models, the paper's points,
 * in plain SVG (as every chart here: a render costs a few milliseconds).
 *
 * Its axes come from what a run can reach (the model's full-width FLOP/s, counted by the worker
 * at startup; see accuracyAxes.ts) and are held still while a run trains; they grow, if a point
 * fell outside, once it has ended. The live validation trajectory is a layer of its own that
 * reads the store itself, so a validation pass re-renders only it; points beyond the axes sit
 * on the edge, hollow.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ModelId, RunSummary } from '../../src/protocol';
import { formatSi } from '../format';
import { MAX_POINTS_PER_SERIES } from '../history';
import { accuracyMetric, MODEL_CATALOG } from '../../src/models/catalog';
import { paperFamily, widthsLearnedBy } from '../models';
import { PAPER_LABEL, usePaperPoints, type PaperPoint } from './paperResults';
import { paretoFront } from './pareto';
import { plottedMetric, useAppStore } from '../store';
import { useSweepStore } from '../curve/sweepClient';
import { accuracySummary } from './accuracySummary';
import { clampToAxes, DEFAULT_AXES, growAxes, type Axes, type AxesInput } from './accuracyAxes';
import { axisScales, placeInPlot, type Placement, type PlotArea } from './placeInPlot';
import { spacedLogTicks } from './ticks';
import { useWidth } from './useWidth';
import { Help } from '../help/Help';
import { ChartExport } from './ChartExport';
import { METHOD_COLOURS, MethodMark } from './MethodMark';
import type { LegendEntry } from './exportChart';

interface RunPoint {
  x: number;
  y: number;
  runId: string;
}

type Method = RunSummary['config']['method'];

interface FinishedSeries {
  dcl: RunPoint[];
  uniform: RunPoint[];
  straightThrough: RunPoint[];
  front: RunPoint[];
}

function runPoint(run: RunSummary): RunPoint {
  return { x: run.flopsPerSecond, y: plottedMetric(run.evaluation), runId: run.runId };
}

/** The newest finished runs of one method, as points (bounded: a chart never draws more). */
function methodPoints(runs: readonly RunSummary[], method: Method): RunPoint[] {
  return runs
    .filter((run) => widthsLearnedBy(run.config) === method)
    .slice(-MAX_POINTS_PER_SERIES)
    .map(runPoint);
}

const COLOURS = { live: '#1f77b4', liveLine: '#9ec5e8', ...METHOD_COLOURS, paper: '#7f7f7f' };
const METHODS: readonly Method[] = ['dcl', 'uniform', 'straightThrough'];
/** The legend on the page and in a saved chart. */
const LEGEND: readonly LegendEntry[] = [
  { label: '● this run (validation, live)', colour: COLOURS.live },
  { label: '◆ finished runs: DCL', colour: COLOURS.dcl },
  { label: '— Pareto front (DCL runs)', colour: COLOURS.dcl },
  { label: '■ baseline: uniform widths', colour: COLOURS.uniform },
  { label: '▲ baseline: straight-through', colour: COLOURS.straightThrough },
];
const PAPER_LEGEND: LegendEntry = { label: `✚ ${PAPER_LABEL}`, colour: COLOURS.paper };
const LEGEND_WITH_PAPER: readonly LegendEntry[] = [...LEGEND, PAPER_LEGEND];
const HEIGHT = 320;
// The left margin holds the y title beside the tick labels (up to '0.005' on the MSE axis); the
// bottom one the x tick labels and the x title.
const MARGIN = { top: 8, right: 28, bottom: 50, left: 64 };
/** Round ticks without trailing zeros: '10', '2 k', '1.5 M'. */
const formatX = (value: number): string => formatSi(value).replace(/\.0+(?=\s|$)/, '');
const formatY = (value: number): string => Number(value.toPrecision(3)).toString();
/** Tick labels need this many pixels between them (x: '200 k' is about 35 px wide; y: one line). */
const X_TICK_GAP = 48;
const Y_TICK_GAP = 18;

/** A point as drawn: where it sits, and what its tooltip says (its true value, even when held on the edge). */
interface Mark {
  key: string;
  cx: number;
  cy: number;
  trueX: number;
  trueY: number;
  offChart: boolean;
  label?: string;
}

type Place = (x: number, y: number) => Placement | null;

/** A paper point as a mark's source: its model and method name it in the tooltip. */
const paperPoint = (point: PaperPoint, i: number) => ({ x: point.x, y: point.y, key: `paper-${i}`, label: `${point.model} (${point.method})` });
const runMarkSource = (point: RunPoint) => ({ x: point.x, y: point.y, key: point.runId });

/**
 * Points of one series placed in the plot: held inside the axes (on the edge when beyond them).
 * A non-finite error (a run that diverged before it was caught) sits on the top edge.
 */
function placed(axes: Axes, place: Place, points: readonly { x: number; y: number; key: string; label?: string }[]): Mark[] {
  return points.flatMap((point) => {
    const y = Number.isFinite(point.y) ? point.y : axes.yDomain[1];
    const at = clampToAxes(axes, point.x, y);
    const where = place(at.x, at.y);
    if (where === null) return [];
    return [{ key: point.key, cx: where.cx, cy: where.cy, trueX: point.x, trueY: point.y, offChart: at.offChart || y !== point.y, label: point.label }];
  });
}

/**
 * The axes for `input`, grown from the last ones (see accuracyAxes.ts); fresh ones for another
 * model. While `hold` they stay as they are (once there are any for this model).
 */
function useGrowingAxes(modelId: ModelId, input: AxesInput, hold: boolean): Axes {
  const last = useRef<{ modelId: ModelId; axes: Axes } | null>(null);
  const sameModel = last.current !== null && last.current.modelId === modelId;
  if (hold && sameModel && last.current!.axes.xFitted) return last.current!.axes;
  const axes = growAxes(sameModel ? last.current!.axes : DEFAULT_AXES[input.metric], input);
  // Idempotent: a render done twice (strict mode) or thrown away grows them to the same or a wider extent.
  last.current = { modelId, axes };
  return axes;
}

export function AccuracyFlopsChart() {
  const modelId = useAppStore((s) => s.runConfig?.modelId ?? s.setup.modelId);
  // Both keep their identity until a validation pass or a finished run adds to them.
  const trajectory = useAppStore((s) => s.trajectory);
  const fullFlops = useAppStore((s) => s.fullFlops[modelId]);
  const finishedRuns = useAppStore((s) => s.finishedRuns);
  const metric = accuracyMetric(MODEL_CATALOG[modelId]);
  const paper = usePaperPoints(paperFamily(modelId));
  // A sweep's runs follow one another: the axes hold from its first run to its end.
  const sweeping = useSweepStore((s) => s.status?.state === 'running' && !s.interrupted);
  const training = useAppStore((s) => s.runState === 'running') || sweeping;

  const series = useMemo<FinishedSeries>(() => {
    const runs = finishedRuns.filter((run) => run.config.modelId === modelId);
    const dcl = methodPoints(runs, 'dcl');
    return { dcl, uniform: methodPoints(runs, 'uniform'), straightThrough: methodPoints(runs, 'straightThrough'), front: paretoFront(dcl) };
  }, [finishedRuns, modelId]);

  // Recomputed on every validation pass, but a new object only when an axis has to grow,
  // and never while a run trains.
  const axes = useGrowingAxes(
    modelId,
    { metric, fullFlops, points: [...trajectory, ...series.dcl, ...series.uniform, ...series.straightThrough, ...paper] },
    training,
  );
  const legend = paper.length > 0 ? LEGEND_WITH_PAPER : LEGEND;
  const section = useRef<HTMLElement>(null);
  const chartSvg = useCallback(() => section.current?.querySelector<SVGSVGElement>('.accuracy-plot svg') ?? null, []);

  return (
    <section className="panel chart" data-testid="chart-accuracy-flops" ref={section}>
      <h2>
        Accuracy vs FLOP/s <Help topic="accuracy" />
      </h2>
      <ul className="legend">
        {legend.map((entry) => (
          <li key={entry.label} style={{ color: entry.colour }} data-testid={entry === PAPER_LEGEND ? 'paper-legend' : undefined}>
            {entry.label}
          </li>
        ))}
      </ul>
      <AccuracyFlopsPlot modelId={modelId} metric={metric} series={series} paper={paper} axes={axes} />
      <ChartExport name={`accuracy-vs-flops-${modelId}`} title="Accuracy vs FLOP/s" legend={legend} svg={chartSvg} testId="export-accuracy" />
    </section>
  );
}

interface PlotProps {
  modelId: ModelId;
  metric: 'EER' | 'MSE';
  series: FinishedSeries;
  paper: PaperPoint[];
  axes: Axes;
}

const AccuracyFlopsPlot = memo(function AccuracyFlopsPlot({ modelId, metric, series, paper, axes }: PlotProps) {
  const [ref, width] = useWidth(640);
  const [hovered, setHovered] = useState<Mark | null>(null);
  const yLabel = metric === 'EER' ? 'validation EER (%)' : 'validation MSE';
  // Counts this plot's renders (data-renders), for the tests and for devtools: the live layer
  // re-renders on its own, so a validation pass does not count here.
  const renders = useRef(0);
  useEffect(() => {
    renders.current += 1;
    ref.current?.setAttribute('data-renders', String(renders.current));
  });
  const area: PlotArea = { x: MARGIN.left, y: MARGIN.top, width: Math.max(1, width - MARGIN.left - MARGIN.right), height: HEIGHT - MARGIN.top - MARGIN.bottom };
  const scales = axisScales(axes, area);
  const place: Place = (x, y) => placeInPlot(scales.x, scales.y, area, x, y);
  const marks = Object.fromEntries(METHODS.map((method) => [method, placed(axes, place, series[method].map(runMarkSource))])) as Record<Method, Mark[]>;
  const front = placed(axes, place, series.front.map(runMarkSource));
  const paperMarks = placed(axes, place, paper.map(paperPoint));
  const beyond = METHODS.reduce((n, method) => n + marks[method].filter((m) => m.offChart).length, 0);
  const plottedCount = series.dcl.length + series.uniform.length + series.straightThrough.length;
  const summary = accuracySummary({
    modelName: MODEL_CATALOG[modelId].displayName,
    yLabel,
    axes,
    runs: { dcl: series.dcl, uniform: series.uniform, straightThrough: series.straightThrough },
    beyondAxes: beyond,
    paperPoints: paper.length,
  });
  const xTicks = spacedLogTicks(axes.xTicks, axes.xDomain, area.width, X_TICK_GAP);
  const yTicks = axes.yScale === 'log' ? spacedLogTicks(axes.yTicks, axes.yDomain, area.height, Y_TICK_GAP) : axes.yTicks;
  const right = area.x + area.width;
  const bottom = area.y + area.height;
  const hover = (mark: Mark) => ({ onMouseEnter: () => setHovered(mark), onMouseLeave: () => setHovered(null) });
  return (
    <div ref={ref} className="accuracy-plot" data-plotted-runs={plottedCount} data-x-ticks={xTicks.join(' ')} data-y-ticks={yTicks.join(' ')} data-x-domain={axes.xDomain.join(' ')} data-y-domain={axes.yDomain.join(' ')}>
      <p className="visually-hidden" data-testid="accuracy-summary">
        {summary}
      </p>
      {/* One tab stop, named by its title and described, in words, by the summary. */}
      <svg width={width} height={HEIGHT} role="img" tabIndex={0} fontFamily="system-ui, sans-serif" fontSize={12}>
        <title>Accuracy vs FLOP/s</title>
        <desc>{summary}</desc>
        <g className="accuracy-grid" stroke="#e3e5e8" strokeDasharray="3 3">
          {xTicks.map((tick) => (
            <line key={`x${tick}`} x1={scales.x(tick)} x2={scales.x(tick)} y1={area.y} y2={bottom} />
          ))}
          {yTicks.map((tick) => (
            <line key={`y${tick}`} x1={area.x} x2={right} y1={scales.y(tick)} y2={scales.y(tick)} />
          ))}
        </g>
        <g className="accuracy-axis" stroke="#808080">
          <line x1={area.x} x2={right} y1={bottom} y2={bottom} />
          <line x1={area.x} x2={area.x} y1={area.y} y2={bottom} />
        </g>
        <g className="x-tick-labels" fill="#666" textAnchor="middle">
          {xTicks.map((tick) => (
            <text key={tick} x={scales.x(tick)} y={bottom + 16}>
              {formatX(tick)}
            </text>
          ))}
        </g>
        <g className="y-tick-labels" fill="#666" textAnchor="end" dominantBaseline="central">
          {yTicks.map((tick) => (
            <text key={tick} x={area.x - 6} y={scales.y(tick)}>
              {formatY(tick)}
            </text>
          ))}
        </g>
        <g className="axis-titles" fill="#808080" textAnchor="middle">
          <text x={area.x + area.width / 2} y={bottom + 40}>
            FLOP/s (log)
          </text>
          <text x={12} y={area.y + area.height / 2} transform={`rotate(-90 12 ${area.y + area.height / 2})`} dominantBaseline="central">
            {axes.yScale === 'log' ? `${yLabel} (log)` : yLabel}
          </text>
        </g>
        {front.length > 0 && (
          <polyline className="pareto-front" points={front.map((m) => `${m.cx.toFixed(1)},${m.cy.toFixed(1)}`).join(' ')} fill="none" stroke={COLOURS.dcl} strokeWidth={2} />
        )}
        {paperMarks.length > 0 && (
          <g className="paper-points">
            {paperMarks.map((m) => (
              <path key={m.key} className="point-mark" d={`M${m.cx - 5},${m.cy}H${m.cx + 5}M${m.cx},${m.cy - 5}V${m.cy + 5}`} stroke={COLOURS.paper} strokeWidth={2.5} {...hover(m)} />
            ))}
          </g>
        )}
        {METHODS.map((method) => (
          <g key={method} className="run-marks" data-method={method}>
            {marks[method].map((m) =>
              m.offChart ? (
                <circle key={m.key} className="point-mark beyond-axes" cx={m.cx} cy={m.cy} r={5} fill="white" stroke="#444" {...hover(m)} />
              ) : (
                <g key={m.key} className="point-mark" {...hover(m)}>
                  <MethodMark method={method} cx={m.cx} cy={m.cy} />
                </g>
              ),
            )}
          </g>
        ))}
        <LiveTrajectory place={place} />
      </svg>
      {hovered !== null && <PointTooltip mark={hovered} yLabel={yLabel} />}
    </div>
  );
});

const OFF_CHART_NOTE = ' (beyond the axes: they grow when the run ends)';

/**
 * The running model's validation points, joined in step order. It subscribes to the store
 * itself, so a validation pass re-renders only it.
 */
function LiveTrajectory({ place }: { place: Place }) {
  const trajectory = useAppStore((s) => s.trajectory);
  const points = trajectory.flatMap((point) => {
    const at = place(point.x, point.y);
    return at === null ? [] : [{ ...at, point }];
  });
  if (points.length === 0) return null;
  return (
    <g className="live-trajectory">
      <polyline points={points.map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`).join(' ')} fill="none" stroke={COLOURS.liveLine} />
      {points.map((p) => (
        <circle
          key={p.point.step}
          className={p.offChart ? 'live-trajectory-point off-chart' : 'live-trajectory-point'}
          cx={p.cx}
          cy={p.cy}
          r={4}
          fill={p.offChart ? 'white' : COLOURS.live}
          stroke={COLOURS.live}
        >
          <title>{`step ${p.point.step}: ${formatSi(p.point.x, 'FLOP/s')}, ${formatY(p.point.y)}${p.offChart ? OFF_CHART_NOTE : ''}`}</title>
        </circle>
      ))}
    </g>
  );
}

/** A hovered point's values formatted as the axes format them; a point held on the edge shows its true value. */
function PointTooltip({ mark, yLabel }: { mark: Mark; yLabel: string }) {
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip" style={{ left: mark.cx + 12, top: mark.cy + 8 }}>
      {mark.label !== undefined && <div>{mark.label}</div>}
      <div>FLOP/s: {formatSi(mark.trueX, 'FLOP/s')}</div>
      <div>
        {yLabel}: {Number.isFinite(mark.trueY) ? formatY(mark.trueY) : String(mark.trueY)}
      </div>
      {mark.offChart && <div>(beyond the axes: drawn on the edge)</div>}
    </div>
  );
}
