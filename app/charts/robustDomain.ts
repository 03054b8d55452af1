/**
 * A y range for a loss curve that the first steps' large loss does not dominate: the
 * data's range, but its top clipped to the 95th percentile of the values after the
 * first 5 % of steps (with some headroom) when the early values would squash the rest.
 */

export const ROBUST_QUANTILE = 0.95;
export const WARM_UP_FRACTION = 0.05;
/** Headroom above the quantile, so the curve does not run along the top edge. */
const HEADROOM = 1.15;

export interface RobustDomain {
  domain: [number, number];
  /** True when values above the top are cut off. */
  clipped: boolean;
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** `columns`: one array of values per series, all aligned with the rows in step order. */
export function robustDomain(columns: readonly (readonly number[])[]): RobustDomain | null {
  const all = columns.flat().filter(Number.isFinite);
  if (all.length === 0) return null;
  const later = columns
    .flatMap((values) => values.slice(Math.floor(values.length * WARM_UP_FRACTION)))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const lo = Math.min(0, ...all);
  const max = Math.max(...all);
  const top = later.length === 0 ? max : quantile(later, ROBUST_QUANTILE) * HEADROOM;
  if (!(top > lo) || top >= max) return null;
  return { domain: [lo, top], clipped: true };
}
