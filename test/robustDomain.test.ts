import { describe, expect, it } from 'vitest';
import { robustDomain } from '../app/charts/robustDomain';

describe('loss chart y range', () => {
  it('clips the first steps\' large loss so the rest of the curve is readable', () => {
    const loss = [9, 5, ...Array.from({ length: 98 }, (_, i) => 0.5 - i * 0.002)];
    const range = robustDomain([loss]);
    expect(range?.clipped).toBe(true);
    expect(range!.domain[0]).toBe(0);
    expect(range!.domain[1]).toBeGreaterThan(0.5);
    expect(range!.domain[1]).toBeLessThan(1);
  });

  it('leaves a range alone when no early value dominates, and ignores non-finite values', () => {
    expect(robustDomain([[0.5, 0.4, 0.45, NaN, 0.42]])).toBeNull();
    expect(robustDomain([[]])).toBeNull();
  });
});
