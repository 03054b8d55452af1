/** Pareto front of (cost, error) points where lower is better on both axes. */
export interface CostPoint {
  x: number;
  y: number;
}

/**
 * The non-dominated points, sorted by increasing x (so decreasing y). A point is
 * dominated when another is no worse on both axes and better on one. Non-finite
 * points are ignored; of exact duplicates one is kept.
 */
export function paretoFront<P extends CostPoint>(points: readonly P[]): P[] {
  const sorted = points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x || a.y - b.y);
  const front: P[] = [];
  for (const point of sorted) {
    const best = front.at(-1);
    if (best === undefined || point.y < best.y) front.push(point);
  }
  return front;
}
