/**
 * Bounded chart history: appending past `max` points halves the resolution of the
 * older half (every other point dropped), so a series keeps the whole run at
 * coarser detail in the past and full detail near now.
 */
export const MAX_POINTS_PER_SERIES = 150;

export function appendBounded<T>(series: T[], items: readonly T[], max = MAX_POINTS_PER_SERIES): T[] {
  // Same array when nothing is added, so charts of that series do not re-render.
  if (items.length === 0) return series;
  let next = [...series, ...items];
  while (next.length > max) {
    const half = Math.floor(next.length / 2);
    next = [...next.slice(0, half).filter((_, index) => index % 2 === 0), ...next.slice(half)];
  }
  return next;
}
