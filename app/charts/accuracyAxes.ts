/**
 * Axes of the accuracy-vs-FLOP/s chart, chosen so that they rarely move: points that jump
 * while a run trains, because the axes under them moved, are hard to follow.
 *
 * The axes only ever grow, in coarse steps, and start from what a run can reach rather
 * than from what it has reached so far: x from the model's full-width FLOP/s (the worker
 * counts it at startup) down to a hundredth of it, a decade further each time a point
 * falls below; y from 0 to 50 % for EER (doubled if a point exceeds it), and for MSE a log
 * axis from 10⁻³ to 1, a decade further each way when a point falls outside. The chart
 * holds them still while a run trains (points beyond them are drawn at the edge), so the
 * axes are set before a run starts and grow, if at all, after it.
 *
 * They never grow past fixed limits, so no stored run can wreck them (a diverged run's MSE of
 * 10¹²): MSE 10⁻⁵…10², EER 0…100 %, x from 10⁻⁴ to 10 × the full width. A point beyond the
 * limits is drawn on the edge, hollow, with its value in the tooltip (clampToAxes).
 */
import { logStepCeil, logTicks, niceDomain } from './ticks';

export type Metric = 'EER' | 'MSE';

export interface Axes {
  xDomain: [number, number];
  xTicks: number[];
  yScale: 'linear' | 'log';
  yDomain: [number, number];
  yTicks: number[];
  /** False until x has been fitted to a full-width FLOP/s or a point. */
  xFitted: boolean;
}

export interface AxesInput {
  metric: Metric;
  /** The model's full-width FLOP/s when known: the right end of what its runs reach. */
  fullFlops: number | undefined;
  /** Everything drawn: finished runs, the paper's points, the running model's trajectory. */
  points: readonly { x: number; y: number }[];
}

/** The lowest FLOP/s the x axis shows before a point asks for less, as a fraction of full width. */
const X_FLOOR_FRACTION = 0.01;
const X_ROOM = 1.2;
const EER_TOP = 50;
const EER_LIMIT = 100;
export const MSE_LIMITS: readonly [number, number] = [1e-5, 1e2];
/** x limits as multiples of the full width. */
export const X_LIMITS_OF_FULL: readonly [number, number] = [1e-4, 10];

const decadeFloor = (value: number): number => Number((10 ** Math.floor(Math.log10(value))).toPrecision(12));
const decadeCeil = (value: number): number => Number((10 ** Math.ceil(Math.log10(value))).toPrecision(12));

function axesOf(metric: Metric, xDomain: [number, number], yDomain: [number, number], xFitted: boolean): Axes {
  const yScale = metric === 'MSE' ? 'log' : 'linear';
  const yTicks = yScale === 'log' ? logTicks(yDomain[0], yDomain[1]) : niceDomain(yDomain[0], yDomain[1], 5).ticks;
  return { xDomain, xTicks: logTicks(xDomain[0], xDomain[1]), yScale, yDomain, yTicks, xFitted };
}

export const DEFAULT_AXES: Record<Metric, Axes> = {
  EER: axesOf('EER', [1, 10], [0, EER_TOP], false),
  MSE: axesOf('MSE', [1, 10], [1e-3, 1], false),
};

/**
 * `current` grown just enough to hold `input` (the same object when it already does).
 * Values a log axis cannot show (≤ 0, not finite) are left out.
 */
export function growAxes(current: Axes, input: AxesInput): Axes {
  const full = input.fullFlops !== undefined && input.fullFlops > 0 && Number.isFinite(input.fullFlops) ? input.fullFlops : undefined;
  const xs = input.points.map((p) => p.x).filter((x) => x > 0 && Number.isFinite(x));
  if (full !== undefined) xs.push(full, full * X_FLOOR_FRACTION);
  const ys = input.points.map((p) => p.y).filter((y) => Number.isFinite(y) && (input.metric === 'EER' || y > 0));

  let [xLo, xHi] = current.xDomain;
  if (xs.length > 0) {
    const lowest = Math.min(...xs);
    const highest = Math.max(...xs);
    if (!current.xFitted || lowest < xLo) xLo = decadeFloor(lowest / X_ROOM);
    if (!current.xFitted || highest > xHi) xHi = logStepCeil(highest * X_ROOM);
  }

  let [yLo, yHi] = current.yDomain;
  if (ys.length > 0) {
    const lowest = Math.min(...ys);
    const highest = Math.max(...ys);
    if (input.metric === 'MSE') {
      if (lowest < yLo) yLo = decadeFloor(lowest);
      if (highest > yHi) yHi = decadeCeil(highest);
    } else {
      if (lowest < yLo) yLo = Math.max(0, niceDomain(lowest, yHi, 5).domain[0]);
      while (highest > yHi && yHi < EER_LIMIT) yHi = Math.min(EER_LIMIT, yLo + 2 * (yHi - yLo));
    }
  }
  if (input.metric === 'MSE') {
    yLo = Math.max(yLo, MSE_LIMITS[0]);
    yHi = Math.min(yHi, MSE_LIMITS[1]);
  }
  if (full !== undefined) {
    xLo = Math.max(xLo, decadeFloor(full * X_LIMITS_OF_FULL[0]));
    xHi = Math.min(xHi, logStepCeil(full * X_LIMITS_OF_FULL[1]));
  }

  const xFitted = current.xFitted || xs.length > 0;
  if (xFitted === current.xFitted && xLo === current.xDomain[0] && xHi === current.xDomain[1] && yLo === current.yDomain[0] && yHi === current.yDomain[1]) {
    return current;
  }
  const yDomain = input.metric === 'MSE' ? ([yLo, yHi] as [number, number]) : niceDomain(yLo, yHi, 5).domain;
  return axesOf(input.metric, [xLo, xHi], yDomain, xFitted);
}

/** A point held inside the axes: beyond them it sits on the edge, flagged (its true value kept by the caller). */
export function clampToAxes(axes: Axes, x: number, y: number): { x: number; y: number; offChart: boolean } {
  const cx = Math.min(Math.max(x, axes.xDomain[0]), axes.xDomain[1]);
  const cy = Math.min(Math.max(y, axes.yDomain[0]), axes.yDomain[1]);
  return { x: cx, y: cy, offChart: cx !== x || cy !== y };
}
