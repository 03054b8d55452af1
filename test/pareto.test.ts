import { describe, expect, it } from 'vitest';
import { paretoFront } from '../app/charts/pareto';

describe('paretoFront', () => {
  it('keeps the non-dominated points, sorted by cost', () => {
    const points = [
      { x: 10, y: 5 },
      { x: 1, y: 9 },
      { x: 5, y: 5 },
      { x: 3, y: 7 },
      { x: 6, y: 8 },
      { x: 20, y: 1 },
    ];
    expect(paretoFront(points)).toEqual([
      { x: 1, y: 9 },
      { x: 3, y: 7 },
      { x: 5, y: 5 },
      { x: 20, y: 1 },
    ]);
  });

  it('drops equal-cost worse points, duplicates and non-finite points', () => {
    expect(
      paretoFront([
        { x: 2, y: 3 },
        { x: 2, y: 4 },
        { x: 2, y: 3 },
        { x: NaN, y: 0 },
        { x: 1, y: Infinity },
      ]),
    ).toEqual([{ x: 2, y: 3 }]);
    expect(paretoFront([])).toEqual([]);
  });

  it('keeps extra fields of the points', () => {
    expect(paretoFront([{ x: 1, y: 1, runId: 'a' }])[0]?.runId).toBe('a');
  });
});
