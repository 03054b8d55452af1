/**
 * Accuracy against FLOP/s: the running model's validation trajectory, every finished run
 * (DCL, baselines), the Pareto front of the DCL runs and, for the VAD models, the paper's points.
 *
 * A Recharts render costs 50–150 ms on a small machine, so the Recharts chart does not
 * render while a run trains. Its axes come from what a run can reach (the model's
 * full-width FLOP/s, counted by the worker at startup; see accuracyAxes.ts) and are held
 * still while a run trains; they grow, if a point fell outside, once it has ended. The live
 * validation trajectory is a small layer inside the chart that reads Recharts' own axis
 * scales and re-renders alone on each validation pass; points beyond the axes sit on the
 * edge, hollow. A newly finished run appears at once in a similar layer; Recharts takes it
 * over in an idle callback, after the run's summary and table have rendered in tasks of
 * their own. Ticks are explicit with interval 0, and the legend and the axis titles are
 * drawn here, so Recharts measures no text.
 */
import { memo, startTransition, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Scatter, ScatterChart, Tooltip, usePlotArea, useXAxisScale, useYAxisScale, XAxis, YAxis } from 'recharts';
import type { ModelId, RunSummary } from '../../src/protocol';
import { formatSi } from '../format';
import { MAX_POINTS_PER_SERIES } from '../history';
import { accuracyMetric, MODEL_CATALOG } from '../../src/models/catalog';
import { paperFamily, widthsLearnedBy } from '../models';
import { PAPER_LABEL, usePaperPoints, type PaperPoint } from '../paperResults';
import { paretoFront } from '../pareto';
import { plottedMetric, useAppStore } from '../store';
import { useSweepStore } from '../curve/sweepClient';
import { accuracySummary } from './accuracySummary';
import { clampToAxes, DEFAULT_AXES, growAxes, type Axes, type AxesInput } from './accuracyAxes';
import { placeInPlot, type Placement } from './placeInPlot';
import { spacedLogTicks } from './ticks';
import { useWidth } from './useWidth';
import { Help } from '../help/Help';
import { ChartExport } from './ChartExport';
import type { LegendEntry } from './exportChart';

interface RunPoint {
  x: number;
  y: number;
  runId: string;
}

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
function methodPoints(runs: readonly RunSummary[], method: RunSummary['config']['method']): RunPoint[] {
  return runs
    .filter((run) => widthsLearnedBy(run.config) === method)
    .slice(-MAX_POINTS_PER_SERIES)
    .map(runPoint);
}

const COLOURS = { live: '#1f77b4', liveLine: '#9ec5e8', dcl: '#2ca02c', uniform: '#ff7f0e', straightThrough: '#9467bd', paper: '#7f7f7f' };
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
// The left margin holds the y title beside the tick labels (up to '0.005' on the MSE axis).
const MARGIN = { top: 8, right: 28, bottom: 24, left: 22 };
/** Round ticks without trailing zeros: '10', '2 k', '1.5 M'. */
const formatX = (value: number): string => formatSi(value).replace(/\.0+(?=\s|$)/, '');
const formatY = (value: number): string => Number(value.toPrecision(3)).toString();
/** Tick labels need this many pixels between them (x: '200 k' is about 35 px wide; y: one line). */
const X_TICK_GAP = 48;
const Y_TICK_GAP = 18;
/** Recharts' default y axis width. */
const Y_AXIS_WIDTH = 60;

/** A run's point as drawn: held inside the axes (on the edge when beyond them), with its true value. */
interface PlottedPoint {
  x: number;
  y: number;
  trueX: number;
  trueY: number;
  runId: string;
  offChart: boolean;
}

function plotted(axes: Axes, points: readonly RunPoint[]): PlottedPoint[] {
  return points.map((point) => {
    // A non-finite error (a run that diverged before it was caught) sits on the top edge.
    const y = Number.isFinite(point.y) ? point.y : axes.yDomain[1];
    const at = clampToAxes(axes, point.x, y);
    return { x: at.x, y: at.y, trueX: point.x, trueY: point.y, runId: point.runId, offChart: at.offChart || y !== point.y };
  });
}

/** Calls `work` when the main thread is idle (within a second at the latest); returns a cancel. */
function whenIdle(work: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(work, { timeout: 1000 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(work, 50);
  return () => clearTimeout(handle);
}

/** `value`, but taken over only when the main thread is idle: what Recharts draws. */
function useIdleValue<T>(value: T): T {
  const [idle, setIdle] = useState(value);
  useEffect(() => (idle === value ? undefined : whenIdle(() => startTransition(() => setIdle(value)))), [idle, value]);
  return idle;
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
  // Recharts draws the finished runs of an idle moment: a new one shows in the pending layer first.
  const plottedRuns = useIdleValue(finishedRuns);
  const metric = accuracyMetric(MODEL_CATALOG[modelId]);
  const paper = usePaperPoints(paperFamily(modelId));
  // A sweep's runs follow one another: the axes hold from its first run to its end.
  const sweeping = useSweepStore((s) => s.status?.state === 'running' && !s.interrupted);
  const training = useAppStore((s) => s.runState === 'running') || sweeping;

  const series = useMemo<FinishedSeries>(() => {
    const runs = plottedRuns.filter((run) => run.config.modelId === modelId);
    const dcl = methodPoints(runs, 'dcl');
    return { dcl, uniform: methodPoints(runs, 'uniform'), straightThrough: methodPoints(runs, 'straightThrough'), front: paretoFront(dcl) };
  }, [plottedRuns, modelId]);

  // Recomputed on every validation pass, but a new object only when an axis has to grow,
  // and never while a run trains.
  const axes = useGrowingAxes(
    modelId,
    { metric, fullFlops, points: [...trajectory, ...series.dcl, ...series.uniform, ...series.straightThrough, ...paper] },
    training,
  );
  // New axes re-render all of Recharts: as a deferred (transition) render React slices
  // its render phase into short tasks, where a store update would render it in one.
  const deferredAxes = useDeferredValue(axes);
  const legend = paper.length > 0 ? LEGEND_WITH_PAPER : LEGEND;
  const section = useRef<HTMLElement>(null);
  const chartSvg = useCallback(() => section.current?.querySelector<SVGSVGElement>('.accuracy-plot svg.recharts-surface') ?? null, []);

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
      <AccuracyFlopsPlot modelId={modelId} metric={metric} plottedRuns={plottedRuns} series={series} paper={paper} axes={deferredAxes} />
      <ChartExport name={`accuracy-vs-flops-${modelId}`} title="Accuracy vs FLOP/s" legend={legend} svg={chartSvg} testId="export-accuracy" />
    </section>
  );
}

interface PlotProps {
  modelId: ModelId;
  metric: 'EER' | 'MSE';
  /** The finished runs `series` was made of. */
  plottedRuns: readonly RunSummary[];
  series: FinishedSeries;
  paper: PaperPoint[];
  axes: Axes;
}

const AccuracyFlopsPlot = memo(function AccuracyFlopsPlot({ modelId, metric, plottedRuns, series, paper, axes }: PlotProps) {
  const [ref, width] = useWidth(640);
  const yLabel = metric === 'EER' ? 'validation EER (%)' : 'validation MSE';
  // Counts this chart's Recharts renders (data-renders), for the tests and for devtools.
  const renders = useRef(0);
  useEffect(() => {
    renders.current += 1;
    ref.current?.setAttribute('data-renders', String(renders.current));
  });
  const plottedCount = series.dcl.length + series.uniform.length + series.straightThrough.length;
  const drawn = useMemo(() => {
    const inside = (points: RunPoint[]) => plotted(axes, points).filter((p) => !p.offChart);
    const beyond = [...series.dcl, ...series.uniform, ...series.straightThrough].flatMap((point) => plotted(axes, [point]).filter((p) => p.offChart));
    return { dcl: inside(series.dcl), uniform: inside(series.uniform), straightThrough: inside(series.straightThrough), front: plotted(axes, series.front), beyond };
  }, [axes, series]);
  const summary = useMemo(
    () =>
      accuracySummary({
        modelName: MODEL_CATALOG[modelId].displayName,
        yLabel,
        axes,
        runs: { dcl: series.dcl, uniform: series.uniform, straightThrough: series.straightThrough },
        beyondAxes: drawn.beyond.length,
        paperPoints: paper.length,
      }),
    [modelId, yLabel, axes, series, drawn, paper],
  );
  const xTicks = spacedLogTicks(axes.xTicks, axes.xDomain, width - MARGIN.left - MARGIN.right - Y_AXIS_WIDTH, X_TICK_GAP);
  const yTicks = axes.yScale === 'log' ? spacedLogTicks(axes.yTicks, axes.yDomain, HEIGHT - MARGIN.top - MARGIN.bottom - 30, Y_TICK_GAP) : axes.yTicks;
  return (
    <div ref={ref} className="accuracy-plot" data-plotted-runs={plottedCount} data-x-ticks={xTicks.join(' ')} data-y-ticks={yTicks.join(' ')} data-x-domain={axes.xDomain.join(' ')} data-y-domain={axes.yDomain.join(' ')}>
      {/* The chart is one tab stop (Recharts' keyboard layer on the SVG); this is what it shows, in words. */}
      <p className="visually-hidden" data-testid="accuracy-summary">
        {summary}
      </p>
      <ScatterChart width={width} height={HEIGHT} margin={MARGIN} title="Accuracy vs FLOP/s" desc={summary}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="x"
          name="FLOP/s"
          scale="log"
          domain={axes.xDomain}
          ticks={xTicks}
          interval={0}
          allowDataOverflow
          tickFormatter={formatX}
        />
        <YAxis
          type="number"
          dataKey="y"
          name={yLabel}
          scale={axes.yScale}
          domain={axes.yDomain}
          ticks={yTicks}
          interval={0}
          allowDataOverflow
          tickFormatter={formatY}
        />
        <Tooltip isAnimationActive={false} cursor={{ strokeDasharray: '3 3' }} content={<PointTooltip yLabel={yLabel} />} />
        <Scatter name="finished runs: DCL" data={drawn.dcl} fill={COLOURS.dcl} shape="diamond" isAnimationActive={false} />
        <Scatter name="Pareto front (DCL runs)" data={drawn.front} fill={COLOURS.dcl} line={{ stroke: COLOURS.dcl, strokeWidth: 2 }} shape={() => null} isAnimationActive={false} />
        <Scatter name="baseline: uniform widths" data={drawn.uniform} fill={COLOURS.uniform} shape="square" isAnimationActive={false} />
        <Scatter name="baseline: straight-through" data={drawn.straightThrough} fill={COLOURS.straightThrough} shape="triangle" isAnimationActive={false} />
        {drawn.beyond.length > 0 && (
          <Scatter name="runs beyond the axes" className="beyond-axes" data={drawn.beyond} fill="white" stroke="#444" shape="circle" isAnimationActive={false} />
        )}
        {paper.length > 0 && <Scatter name={PAPER_LABEL} className="paper-points" data={paper} fill={COLOURS.paper} shape="cross" isAnimationActive={false} />}
        <AxisTitles x="FLOP/s (log)" y={axes.yScale === 'log' ? `${yLabel} (log)` : yLabel} />
        <PendingRuns modelId={modelId} plottedRuns={plottedRuns} />
        <LiveTrajectory />
      </ScatterChart>
    </div>
  );
});

/** The plot's scales and area, for the layers drawn here rather than by Recharts. */
function usePlacement(): (x: number, y: number) => Placement | null {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const area = usePlotArea();
  return useCallback((x: number, y: number) => placeInPlot(xScale, yScale, area, x, y), [xScale, yScale, area]);
}

const OFF_CHART_NOTE = ' (beyond the axes: they grow when the run ends)';

/**
 * The running model's validation points, joined in step order, placed with the chart's
 * own scales. It subscribes to the store itself, so a validation pass re-renders only it.
 */
function LiveTrajectory() {
  const trajectory = useAppStore((s) => s.trajectory);
  const place = usePlacement();
  const placed = useMemo(
    () =>
      trajectory.flatMap((point) => {
        const at = place(point.x, point.y);
        return at === null ? [] : [{ ...at, point }];
      }),
    [trajectory, place],
  );
  if (placed.length === 0) return null;
  return (
    <g className="live-trajectory">
      <polyline points={placed.map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`).join(' ')} fill="none" stroke={COLOURS.liveLine} />
      {placed.map((p) => (
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

/** The axis titles, as plain SVG text (a Recharts axis label measures its words in the DOM). */
function AxisTitles({ x, y }: { x: string; y: string }) {
  const area = usePlotArea();
  if (area === undefined) return null;
  const left = 10;
  const middle = area.y + area.height / 2;
  return (
    <g className="axis-titles" fill="#808080">
      <text x={area.x + area.width / 2} y={area.y + area.height + 42} textAnchor="middle">
        {x}
      </text>
      <text x={left} y={middle} transform={`rotate(-90 ${left} ${middle})`} textAnchor="middle" dominantBaseline="central">
        {y}
      </text>
    </g>
  );
}

/**
 * Finished runs of this model that Recharts does not draw yet (it takes them over when the
 * main thread is idle), placed with the chart's scales. It subscribes to the store itself.
 */
function PendingRuns({ modelId, plottedRuns }: { modelId: ModelId; plottedRuns: readonly RunSummary[] }) {
  const finishedRuns = useAppStore((s) => s.finishedRuns);
  const place = usePlacement();
  if (finishedRuns === plottedRuns) return null;
  const plotted = new Set(plottedRuns.map((run) => run.runId));
  const pending = finishedRuns.filter((run) => run.config.modelId === modelId && !plotted.has(run.runId));
  return (
    <g className="pending-runs">
      {pending.map((run) => {
        const point = runPoint(run);
        const at = place(point.x, point.y);
        return at === null ? null : <circle key={run.runId} cx={at.cx} cy={at.cy} r={5} fill={COLOURS[widthsLearnedBy(run.config)]} />;
      })}
    </g>
  );
}

interface TooltipProps {
  yLabel: string;
  active?: boolean;
  payload?: readonly { payload?: unknown }[];
}

/** A point's values formatted as the axes format them; a point held on the edge shows its true value. */
function PointTooltip({ yLabel, active, payload }: TooltipProps) {
  const point = payload?.[0]?.payload as (Partial<PlottedPoint> & { x: number; y: number; label?: string }) | undefined;
  if (active !== true || point === undefined) return null;
  const x = point.trueX ?? point.x;
  const y = point.trueY ?? point.y;
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip">
      {point.label !== undefined && <div>{point.label}</div>}
      <div>FLOP/s: {formatSi(x, 'FLOP/s')}</div>
      <div>
        {yLabel}: {Number.isFinite(y) ? formatY(y) : String(y)}
      </div>
      {point.offChart === true && <div>(beyond the axes: drawn on the edge)</div>}
    </div>
  );
}
