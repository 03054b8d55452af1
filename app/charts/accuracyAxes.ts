/**
 * Axes of the accuracy-vs-FLOP/s chart, chosen so that they rarely move: a Recharts render
 * of that chart is a long task on a small machine, and a new axis domain is one.
 *
 * The axes only ever grow, in coarse steps, and start from what a run can reach rather
 * than from what it has reached so far: x from the model's full-width FLOP/s down to a
 * hundredth of it (a decade further each time a point falls below), y from 0 to 50 % for
 * EER or to a round value above the first validation MSE (doubled when a point exceeds it).
 * So within a run the axes are set at its first validation point at most, and with earlier
 * runs of the same model on the chart usually not at all.
 */
import { logStepCeil, logTicks, niceDomain } from './ticks';

export interface Axes {
  xDomain: [number, number];
  xTicks: number[];
  yDomain: [number, number];
  yTicks: number[];
}

export interface AxesInput {
  metric: 'EER' | 'MSE';
  /** The model's full-width FLOP/s when known: the right end of what its runs reach. */
  fullFlops: number | undefined;
  /** Everything drawn: finished runs, the paper's points, the running model's trajectory. */
  points: readonly { x: number; y: number }[];
}

/** The lowest FLOP/s the x axis shows before a point asks for less, as a fraction of full width. */
const X_FLOOR_FRACTION = 0.01;
const X_ROOM = 1.2;
const EER_TOP = 50;

const decadeFloor = (value: number): number => Number((10 ** Math.floor(Math.log10(value))).toPrecision(12));

function axesOf(xDomain: [number, number], yDomain: [number, number]): Axes {
  return { xDomain, xTicks: logTicks(xDomain[0], xDomain[1]), yDomain, yTicks: niceDomain(yDomain[0], yDomain[1], 5).ticks };
}

export const DEFAULT_AXES: Record<AxesInput['metric'], Axes> = {
  EER: axesOf([1, 10], [0, EER_TOP]),
  MSE: axesOf([1, 10], [0, 1]),
};

/**
 * `current` grown just enough to hold `input` (the same object when it already does).
 * With nothing to draw the axes stay as they are.
 */
export function growAxes(current: Axes, input: AxesInput): Axes {
  const xs = input.points.map((p) => p.x).filter((x) => x > 0 && Number.isFinite(x));
  const ys = input.points.map((p) => p.y).filter((y) => Number.isFinite(y));
  if (xs.length === 0 && ys.length === 0) return current;

  let [xLo, xHi] = current.xDomain;
  if (xs.length > 0) {
    const full = input.fullFlops !== undefined && input.fullFlops > 0 ? input.fullFlops : undefined;
    const lowest = Math.min(...xs, ...(full === undefined ? [] : [full * X_FLOOR_FRACTION]));
    const highest = Math.max(...xs, ...(full === undefined ? [] : [full]));
    const fresh = current === DEFAULT_AXES.EER || current === DEFAULT_AXES.MSE;
    if (fresh || lowest < xLo) xLo = decadeFloor(lowest / X_ROOM);
    if (fresh || highest > xHi) xHi = logStepCeil(highest * X_ROOM);
  }

  let [yLo, yHi] = current.yDomain;
  if (ys.length > 0) {
    const lowest = Math.min(0, ...ys);
    const highest = Math.max(...ys);
    if (lowest < yLo) yLo = niceDomain(lowest, yHi, 5).domain[0];
    if (input.metric === 'MSE' && current === DEFAULT_AXES.MSE) {
      // The first values set the scale (a round value above them) ...
      yHi = niceDomain(yLo, highest > yLo ? highest : yLo + 1, 5).domain[1];
    } else {
      // ... later ones outside it double it, so it moves rarely.
      while (highest > yHi) yHi = yLo + 2 * (yHi - yLo);
    }
  }

  if (xLo === current.xDomain[0] && xHi === current.xDomain[1] && yLo === current.yDomain[0] && yHi === current.yDomain[1]) return current;
  const yDomain = niceDomain(yLo, yHi, 5).domain;
  return axesOf([xLo, xHi], yDomain);
}
