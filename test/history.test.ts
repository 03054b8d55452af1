import { describe, expect, it } from 'vitest';
import { appendBounded } from '../app/history';

describe('bounded chart history', () => {
  it('never exceeds the bound, keeps the newest points and the first one', () => {
    let series: number[] = [];
    for (let i = 0; i < 1000; i++) series = appendBounded(series, [i], 50);
    expect(series.length).toBeLessThanOrEqual(50);
    expect(series[0]).toBe(0);
    expect(series.at(-1)).toBe(999);
    expect(series.slice(-10)).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
    expect([...series].sort((a, b) => a - b)).toEqual(series);
  });

  it('returns the same array when nothing is added', () => {
    const series = [1, 2];
    expect(appendBounded(series, [])).toBe(series);
  });
});
