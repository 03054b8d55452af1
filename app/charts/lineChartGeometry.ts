/**
 * Pure geometry of the hand-written SVG line chart (after tensorflow/playground's
 * linechart.ts): linear scales, a few round ticks and one precomputed path string
 * per series. No React, no DOM, so it is unit-tested in Node and costs one pass
 * over the points per update.
 */

import { niceTicks } from './ticks';

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface SeriesSpec {
  key: string;
  colour: string;
}

export interface ReferenceSpec {
  key: string;
  y: number;
  colour: string;
}

export interface ChartGeometryInput<Row> {
  rows: readonly Row[];
  x: (row: Row) => number;
  /** Value of one series in a row; non-finite values break the line. */
  y: (row: Row, key: string) => number | undefined;
  series: readonly SeriesSpec[];
  /** Fixed y domain, or null to fit the data (and the reference lines). */
  yDomain: readonly [number, number] | null;
  references: readonly ReferenceSpec[];
  width: number;
  height: number;
  margin: Margin;
  xTickCount?: number;
  yTickCount?: number;
}

export interface Tick {
  value: number;
  /** Pixel position along its axis. */
  position: number;
}

export interface ChartGeometry {
  /** Plot area in pixels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  xTicks: Tick[];
  yTicks: Tick[];
  /** SVG path data per series key ('' when the series has no finite point). */
  paths: { key: string; colour: string; d: string }[];
  references: { key: string; colour: string; position: number }[];
}

/** Finite [min, max] of the values, widened when empty or degenerate. */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

function linear(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

const px = (v: number): string => (Math.round(v * 10) / 10).toString();

export function chartGeometry<Row>(input: ChartGeometryInput<Row>): ChartGeometry {
  const { rows, series, margin } = input;
  const left = margin.left;
  const right = Math.max(left + 1, input.width - margin.right);
  const top = margin.top;
  const bottom = Math.max(top + 1, input.height - margin.bottom);

  const xDomain = extent(rows.map(input.x));
  let yDomain: [number, number];
  if (input.yDomain !== null) {
    yDomain = [input.yDomain[0], input.yDomain[1]];
  } else {
    const values: number[] = input.references.map((r) => r.y);
    for (const row of rows) for (const s of series) values.push(input.y(row, s.key) ?? NaN);
    const [lo, hi] = extent(values);
    const pad = (hi - lo) * 0.05;
    yDomain = [lo - pad, hi + pad];
  }
  const sx = linear(xDomain, [left, right]);
  const sy = linear(yDomain, [bottom, top]);

  const paths = series.map(({ key, colour }) => {
    const parts: string[] = [];
    let pen = 'M';
    for (const row of rows) {
      const x = input.x(row);
      const y = input.y(row, key);
      if (y === undefined || !Number.isFinite(y) || !Number.isFinite(x)) {
        pen = 'M';
        continue;
      }
      parts.push(`${pen}${px(sx(x))},${px(sy(y))}`);
      pen = 'L';
    }
    return { key, colour, d: parts.join('') };
  });

  const inside = (lo: number, hi: number) => (t: number) => t >= Math.min(lo, hi) - 1e-9 && t <= Math.max(lo, hi) + 1e-9;
  return {
    left,
    right,
    top,
    bottom,
    xTicks: niceTicks(xDomain[0], xDomain[1], input.xTickCount ?? 5)
      .filter(inside(xDomain[0], xDomain[1]))
      .map((value) => ({ value, position: sx(value) })),
    yTicks: niceTicks(yDomain[0], yDomain[1], input.yTickCount ?? 4)
      .filter(inside(yDomain[0], yDomain[1]))
      .map((value) => ({ value, position: sy(value) })),
    paths,
    references: input.references
      .filter((r) => Number.isFinite(r.y) && inside(yDomain[0], yDomain[1])(r.y))
      .map((r) => ({ key: r.key, colour: r.colour, position: sy(r.y) })),
  };
}
