/** The accuracy chart's scales, and placing a data point in its plot area. */
import type { Axes } from './accuracyAxes';

/** A scale from a data value to pixels (undefined where the value cannot be placed, e.g. ≤ 0 on a log axis). */
export type Scale = (value: number) => number | undefined;

export interface PlotArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Placement {
  cx: number;
  cy: number;
  /** The point lies beyond the axes and is drawn on the nearest edge instead. */
  offChart: boolean;
}

/** `[lo, hi]` onto pixels `[from, to]`, on a log or linear axis. */
function axisScale(domain: readonly [number, number], log: boolean, from: number, to: number): Scale {
  const map = log ? Math.log10 : (v: number) => v;
  const lo = map(domain[0]);
  const span = map(domain[1]) - lo;
  return (value) => {
    if (log && !(value > 0)) return undefined;
    const at = from + ((map(value) - lo) / span) * (to - from);
    return Number.isFinite(at) ? at : undefined;
  };
}

/** The chart's scales: FLOP/s on a log x axis left to right, the metric bottom to top. */
export function axisScales(axes: Axes, area: PlotArea): { x: Scale; y: Scale } {
  return {
    x: axisScale(axes.xDomain, true, area.x, area.x + area.width),
    y: axisScale(axes.yDomain, axes.yScale === 'log', area.y + area.height, area.y),
  };
}

/**
 * Where a data point sits in the plot, in pixels; a point beyond the axes (they are held
 * still while a run trains) sits on the nearest edge, flagged. Null if a scale cannot place it.
 */
export function placeInPlot(xScale: Scale, yScale: Scale, area: PlotArea, x: number, y: number): Placement | null {
  const px = xScale(x);
  const py = yScale(y);
  if (px === undefined || py === undefined) return null;
  const cx = Math.min(Math.max(px, area.x), area.x + area.width);
  const cy = Math.min(Math.max(py, area.y), area.y + area.height);
  return { cx, cy, offChart: Math.abs(cx - px) > 0.5 || Math.abs(cy - py) > 0.5 };
}
