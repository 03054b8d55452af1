/**
 * Accuracy against FLOP/s: the running model's validation trajectory, every finished run
 * (DCL, baselines), the Pareto front of the DCL runs and, for the VAD models, the paper's points.
 *
 * A Recharts render costs 50–150 ms on a small machine (and Recharts flushes its own
 * store updates synchronously, so React cannot slice that work), so the Recharts chart
 * renders only when what it draws changes: finished runs, the paper's points, the width,
 * or an axis domain (snapped to round values, so it rarely moves). The live validation
 * trajectory is a small layer inside the chart that reads Recharts' own axis scales and
 * re-renders alone on each validation pass. Ticks are explicit with interval 0 and the
 * legend is HTML, so Recharts measures no text in the DOM.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Scatter, ScatterChart, Tooltip, useXAxisScale, useYAxisScale, XAxis, YAxis } from 'recharts';
import type { RunSummary } from '../../src/protocol';
import { formatSi } from '../format';
import { MAX_POINTS_PER_SERIES } from '../history';
import { accuracyMetric, MODEL_CATALOG } from '../../src/models/catalog';
import { paperFamily } from '../models';
import { PAPER_LABEL, usePaperPoints, type PaperPoint } from '../paperResults';
import { paretoFront } from '../pareto';
import { plottedMetric, useAppStore } from '../store';
import { extent } from './lineChartGeometry';
import { logStepCeil, logStepFloor, logTicks, niceDomain } from './ticks';
import { useWidth } from './useWidth';

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

interface Axes {
  xDomain: [number, number];
  xTicks: number[];
  yDomain: [number, number];
  yTicks: number[];
}

function runPoint(run: RunSummary): RunPoint {
  return { x: run.flopsPerSecond, y: plottedMetric(run.evaluation), runId: run.runId };
}

/** The newest finished runs of one method, as points (bounded: a chart never draws more). */
function methodPoints(runs: readonly RunSummary[], method: RunSummary['config']['method']): RunPoint[] {
  return runs
    .filter((run) => run.config.method === method)
    .slice(-MAX_POINTS_PER_SERIES)
    .map(runPoint);
}

/** [lo, hi] of the positive finite values with some room, snapped out to 1-2-5 steps. */
function logDomain(values: number[]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [1, 10];
  const [lo, hi] = extent(positive);
  return [logStepFloor(lo / 1.2), logStepCeil(hi * 1.2)];
}

const COLOURS = { live: '#1f77b4', liveLine: '#9ec5e8', dcl: '#2ca02c', uniform: '#ff7f0e', straightThrough: '#9467bd', paper: '#7f7f7f' };
const HEIGHT = 320;
const MARGIN = { top: 8, right: 28, bottom: 24, left: 8 };
const formatX = (value: number): string => formatSi(value);
const formatY = (value: number): string => Number(value.toPrecision(3)).toString();

export function AccuracyFlopsChart() {
  const modelId = useAppStore((s) => s.runConfig?.modelId ?? s.setup.modelId);
  // Both keep their identity until a validation pass or a finished run adds to them.
  const trajectory = useAppStore((s) => s.trajectory);
  const finishedRuns = useAppStore((s) => s.finishedRuns);
  const metric = accuracyMetric(MODEL_CATALOG[modelId]);
  const paper = usePaperPoints(paperFamily(modelId));

  const series = useMemo<FinishedSeries>(() => {
    const runs = finishedRuns.filter((run) => run.config.modelId === modelId);
    const dcl = methodPoints(runs, 'dcl');
    return { dcl, uniform: methodPoints(runs, 'uniform'), straightThrough: methodPoints(runs, 'straightThrough'), front: paretoFront(dcl) };
  }, [finishedRuns, modelId]);

  // Recomputed on every validation pass, but a new object only when a snapped end moves.
  const points = [...trajectory, ...series.dcl, ...series.uniform, ...series.straightThrough, ...paper];
  const [xLo, xHi] = logDomain(points.map((p) => p.x));
  const [yLo, yHi] = extent(points.map((p) => p.y));
  const y = niceDomain(Math.min(0, yLo), yHi, 5);
  const [yDomainLo, yDomainHi] = y.domain;
  const axes = useMemo<Axes>(
    () => ({ xDomain: [xLo, xHi], xTicks: logTicks(xLo, xHi), yDomain: [yDomainLo, yDomainHi], yTicks: niceDomain(yDomainLo, yDomainHi, 5).ticks }),
    [xLo, xHi, yDomainLo, yDomainHi],
  );

  return (
    <section className="panel chart" data-testid="chart-accuracy-flops">
      <h2>Accuracy vs FLOP/s</h2>
      <ul className="legend">
        <li style={{ color: COLOURS.live }}>● this run (validation, live)</li>
        <li style={{ color: COLOURS.dcl }}>◆ finished runs: DCL</li>
        <li style={{ color: COLOURS.dcl }}>— Pareto front (DCL runs)</li>
        <li style={{ color: COLOURS.uniform }}>■ baseline: uniform widths</li>
        <li style={{ color: COLOURS.straightThrough }}>▲ baseline: straight-through</li>
        {paper.length > 0 && (
          <li style={{ color: COLOURS.paper }} data-testid="paper-legend">
            ✚ {PAPER_LABEL}
          </li>
        )}
      </ul>
      <AccuracyFlopsPlot metric={metric} series={series} paper={paper} axes={axes} />
    </section>
  );
}

interface PlotProps {
  metric: 'EER' | 'MSE';
  series: FinishedSeries;
  paper: PaperPoint[];
  axes: Axes;
}

const AccuracyFlopsPlot = memo(function AccuracyFlopsPlot({ metric, series, paper, axes }: PlotProps) {
  const [ref, width] = useWidth(640);
  const yLabel = metric === 'EER' ? 'validation EER (%)' : 'validation MSE';
  return (
    <div ref={ref}>
      <ScatterChart width={width} height={HEIGHT} margin={MARGIN}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="x"
          name="FLOP/s"
          scale="log"
          domain={axes.xDomain}
          ticks={axes.xTicks}
          interval={0}
          allowDataOverflow
          tickFormatter={formatX}
          label={{ value: 'FLOP/s (log)', position: 'insideBottom', offset: -12 }}
        />
        <YAxis
          type="number"
          dataKey="y"
          name={yLabel}
          domain={axes.yDomain}
          ticks={axes.yTicks}
          interval={0}
          allowDataOverflow
          tickFormatter={formatY}
          label={{ value: yLabel, angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }}
        />
        <Tooltip isAnimationActive={false} cursor={{ strokeDasharray: '3 3' }} />
        <Scatter name="finished runs: DCL" data={series.dcl} fill={COLOURS.dcl} shape="diamond" isAnimationActive={false} />
        <Scatter name="Pareto front (DCL runs)" data={series.front} fill={COLOURS.dcl} line={{ stroke: COLOURS.dcl, strokeWidth: 2 }} shape={() => null} isAnimationActive={false} />
        <Scatter name="baseline: uniform widths" data={series.uniform} fill={COLOURS.uniform} shape="square" isAnimationActive={false} />
        <Scatter name="baseline: straight-through" data={series.straightThrough} fill={COLOURS.straightThrough} shape="triangle" isAnimationActive={false} />
        {paper.length > 0 && <Scatter name={PAPER_LABEL} className="paper-points" data={paper} fill={COLOURS.paper} shape="cross" isAnimationActive={false} />}
        <LiveTrajectory />
      </ScatterChart>
    </div>
  );
});

/**
 * The running model's validation points, joined in step order, placed with the chart's
 * own scales. It subscribes to the store itself, so a validation pass re-renders only it.
 */
function LiveTrajectory() {
  const trajectory = useAppStore((s) => s.trajectory);
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const placed = useMemo(() => {
    if (xScale === undefined || yScale === undefined) return [];
    return trajectory.flatMap((p) => {
      const x = xScale(p.x);
      const y = yScale(p.y);
      return x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y) ? [] : [{ x, y, point: p }];
    });
  }, [trajectory, xScale, yScale]);
  if (placed.length === 0) return null;
  return (
    <g className="live-trajectory">
      <polyline points={placed.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')} fill="none" stroke={COLOURS.liveLine} />
      {placed.map((p) => (
        <circle key={p.point.step} className="live-trajectory-point" cx={p.x} cy={p.y} r={4} fill={COLOURS.live}>
          <title>{`step ${p.point.step}: ${formatSi(p.point.x, 'FLOP/s')}, ${formatY(p.point.y)}`}</title>
        </circle>
      ))}
    </g>
  );
}
