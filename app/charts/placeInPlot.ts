/** Placing a data point in a chart's plot area, for the layers the accuracy chart draws itself. */

/** A scale as Recharts hands it out (undefined before the chart has laid out). */
export type Scale = ((value: number) => number | undefined) | undefined;

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

/**
 * Where a data point sits in the plot, in pixels; a point beyond the axes (they are held
 * still while a run trains) sits on the nearest edge, flagged. Null if a scale cannot place it.
 */
export function placeInPlot(xScale: Scale, yScale: Scale, area: PlotArea | undefined, x: number, y: number): Placement | null {
  if (xScale === undefined || yScale === undefined || area === undefined) return null;
  const px = xScale(x);
  const py = yScale(y);
  if (px === undefined || py === undefined || !Number.isFinite(px) || !Number.isFinite(py)) return null;
  const cx = Math.min(Math.max(px, area.x), area.x + area.width);
  const cy = Math.min(Math.max(py, area.y), area.y + area.height);
  return { cx, cy, offChart: Math.abs(cx - px) > 0.5 || Math.abs(cy - py) > 0.5 };
}
