/**
 * Where the marks and Pareto fronts of a sweep go in the trade-off chart: accuracy (y) against
 * the consolidated model's counted FLOP/s (x, log). Pure, so the marks can be counted in tests.
 */
import type { SweepMethod, SweepResult } from '../../src/train/sweepPlan';
import { paretoFront } from '../charts/pareto';
import { logTicks, niceDomain } from '../charts/ticks';

export const SWEEP_METHODS: readonly SweepMethod[] = ['dcl', 'uniform', 'straightThrough'];

export interface CurvePoint {
  x: number;
  y: number;
  result: SweepResult;
}

export interface CurveLayout {
  width: number;
  height: number;
  /** The plot area inside the margins. */
  area: { left: number; top: number; right: number; bottom: number };
  xTicks: { value: number; at: number }[];
  yTicks: { value: number; at: number }[];
  marks: Record<SweepMethod, { cx: number; cy: number; point: CurvePoint }[]>;
  /** Each method's Pareto front (lower FLOP/s and lower error are better), as polyline points. */
  fronts: Record<SweepMethod, { cx: number; cy: number }[]>;
  yLabel: string;
}

/** The plotted value of a result: EER in %, MSE as is. */
export const plotted = (result: SweepResult): number => (result.metric === 'EER' ? 100 * result.value : result.value);

export function layoutCurve(results: readonly SweepResult[], width: number, height: number): CurveLayout | null {
  const points = results.map((result) => ({ x: result.flopsPerSecond, y: plotted(result), result })).filter((p) => p.x > 0 && Number.isFinite(p.y));
  if (points.length === 0) return null;
  const metric = points[0]!.result.metric;
  const area = { left: 56, top: 10, right: width - 16, bottom: height - 40 };
  const xs = points.map((p) => p.x);
  // The x axis reaches full width, so where the curve sits against the full model is visible.
  const full = Math.max(...points.map((p) => p.result.fullFlopsPerSecond));
  const xLo = Math.min(...xs) / 1.3;
  const xHi = Math.max(full, ...xs) * 1.3;
  const ys = points.map((p) => p.y);
  // MSE spans decades (a collapsed model's error is 10× a good one's): log; EER %: linear from 0.
  const logY = metric === 'MSE';
  const yRange = logY ? { domain: [Math.min(...ys) / 1.3, Math.max(...ys) * 1.3] as [number, number], ticks: logTicks(Math.min(...ys) / 1.3, Math.max(...ys) * 1.3) } : niceDomain(0, Math.max(...ys) * 1.05, 5);
  const [yLo, yHi] = yRange.domain;
  const sx = (x: number) => area.left + ((Math.log(x) - Math.log(xLo)) / (Math.log(xHi) - Math.log(xLo))) * (area.right - area.left);
  const sy = (y: number) => {
    const t = logY ? (Math.log(y) - Math.log(yLo)) / (Math.log(yHi) - Math.log(yLo)) : (y - yLo) / (yHi - yLo);
    return area.bottom - t * (area.bottom - area.top);
  };
  const place = (p: CurvePoint) => ({ cx: sx(p.x), cy: sy(p.y), point: p });
  const byMethod = (method: SweepMethod) => points.filter((p) => p.result.method === method);
  const marks = Object.fromEntries(SWEEP_METHODS.map((m) => [m, byMethod(m).map(place)])) as CurveLayout['marks'];
  const fronts = Object.fromEntries(SWEEP_METHODS.map((m) => [m, paretoFront(byMethod(m)).map((p) => ({ cx: sx(p.x), cy: sy(p.y) }))])) as CurveLayout['fronts'];
  return {
    width,
    height,
    area,
    xTicks: logTicks(xLo, xHi).map((value) => ({ value, at: sx(value) })),
    yTicks: yRange.ticks.filter((v) => v >= yLo && v <= yHi).map((value) => ({ value, at: sy(value) })),
    marks,
    fronts,
    yLabel: metric === 'EER' ? 'validation EER (%)' : 'validation MSE (log)',
  };
}
