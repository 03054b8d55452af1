import { describe, expect, it } from 'vitest';
import { DEFAULT_AXES, growAxes } from '../app/charts/accuracyAxes';

describe('accuracy chart axes', () => {
  it('start from what a run can reach: full FLOP/s down to a hundredth, EER 0–50 %', () => {
    const axes = growAxes(DEFAULT_AXES.EER, { metric: 'EER', fullFlops: 6e6, points: [{ x: 5.5e6, y: 30 }] });
    expect(axes.xDomain[0]).toBeLessThanOrEqual(6e4);
    expect(axes.xDomain[1]).toBeGreaterThanOrEqual(6e6);
    expect(axes.yDomain).toEqual([0, 50]);
  });

  it('do not move while points stay inside, and only grow when one falls outside', () => {
    const first = growAxes(DEFAULT_AXES.MSE, { metric: 'MSE', fullFlops: 2144, points: [{ x: 2000, y: 0.4 }] });
    const same = growAxes(first, { metric: 'MSE', fullFlops: 2144, points: [{ x: 2000, y: 0.4 }, { x: 500, y: 0.05 }] });
    expect(same).toBe(first);
    const grown = growAxes(first, { metric: 'MSE', fullFlops: 2144, points: [{ x: 5, y: 3 * first.yDomain[1] }] });
    expect(grown.xDomain[0]).toBeLessThan(5);
    expect(grown.yDomain[1]).toBeGreaterThanOrEqual(3 * first.yDomain[1]);
    expect(grown.xDomain[1]).toBe(first.xDomain[1]);
  });
});
