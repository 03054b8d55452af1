/** Axis ticks for the charts: round linear steps and 1-2-5 decades on a log axis. */

/** Round tick values (1, 2, 5 × 10^k steps) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || count < 1) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const rough = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  // Thresholds between the 1-2-5 steps at their geometric means (as d3's ticks).
  const step = (fraction >= Math.sqrt(50) ? 10 : fraction >= Math.sqrt(10) ? 5 : fraction >= Math.SQRT2 ? 2 : 1) * power;
  const ticks: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let i = first; i <= last; i++) {
    // Multiply rather than accumulate, and round off float noise (0.30000000000000004).
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

/**
 * Ticks of a log axis over [lo, hi] (both > 0): 1, 2, 5 × 10^k, or round linear steps
 * when the range spans too little of a decade to hold `min` of those.
 */
export function logTicks(lo: number, hi: number, min = 3): number[] {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(lo)); power <= Math.ceil(Math.log10(hi)); power++) {
    for (const mantissa of [1, 2, 5]) {
      const value = Number((mantissa * 10 ** power).toPrecision(12));
      if (value >= lo && value <= hi) ticks.push(value);
    }
  }
  return ticks.length >= min ? ticks : niceTicks(lo, hi, 4).filter((value) => value >= lo && value <= hi && value > 0);
}

/** A domain that fits [lo, hi] and ends on round ticks, with those ticks. */
export function niceDomain(lo: number, hi: number, count = 5): { domain: [number, number]; ticks: number[] } {
  const ticks = niceTicks(lo, hi, count);
  if (ticks.length < 2) return { domain: [lo, hi], ticks };
  const step = ticks[1]! - ticks[0]!;
  const first = ticks[0]! > lo + 1e-12 ? Number((ticks[0]! - step).toPrecision(12)) : ticks[0]!;
  const last = ticks.at(-1)! < hi - 1e-12 ? Number((ticks.at(-1)! + step).toPrecision(12)) : ticks.at(-1)!;
  return { domain: [first, last], ticks: [...(first < ticks[0]! ? [first] : []), ...ticks, ...(last > ticks.at(-1)! ? [last] : [])] };
}

/** The largest 1, 2, 5 × 10^k not above `value` (> 0): snaps a log axis end so it changes rarely. */
export function logStepFloor(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const mantissa = value / power;
  return Number(((mantissa >= 5 - 1e-9 ? 5 : mantissa >= 2 - 1e-9 ? 2 : 1) * power).toPrecision(12));
}

/** The smallest 1, 2, 5 × 10^k not below `value` (> 0). */
export function logStepCeil(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const mantissa = value / power;
  return Number(((mantissa <= 1 + 1e-9 ? 1 : mantissa <= 2 + 1e-9 ? 2 : mantissa <= 5 + 1e-9 ? 5 : 10) * power).toPrecision(12));
}

const isDecade = (value: number): boolean => Math.abs(Math.log10(value) - Math.round(Math.log10(value))) < 1e-9;

/**
 * Log-axis ticks that fit `pixels` without overlapping labels at least `minGap` px apart:
 * all of 1-2-5 when the narrowest gap (1 → 2, 0.3 decade) is wide enough, else the decades,
 * else every k-th decade. Other ticks (a range inside one decade) are kept as they are.
 */
export function spacedLogTicks(ticks: readonly number[], domain: readonly [number, number], pixels: number, minGap: number): number[] {
  const decadesSpanned = Math.log10(domain[1]) - Math.log10(domain[0]);
  if (!(decadesSpanned > 0) || !(pixels > 0)) return [...ticks];
  const perDecade = pixels / decadesSpanned;
  if (Math.log10(2) * perDecade >= minGap) return [...ticks];
  const decades = ticks.filter(isDecade);
  if (decades.length < 2) return [...ticks];
  const every = Math.max(1, Math.ceil(minGap / perDecade));
  return decades.filter((value) => Math.round(Math.log10(value)) % every === 0);
}
