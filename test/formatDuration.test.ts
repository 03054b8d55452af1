import { describe, expect, it } from 'vitest';
import { formatSeconds, formatSpeed } from '../app/format';

describe('durations and speeds as the stats panel shows them', () => {
  it('never shows 60 s or 60 min', () => {
    expect(formatSeconds(12.34)).toBe('12.3 s');
    expect(formatSeconds(59.96)).toBe('1 min 00 s');
    expect(formatSeconds(3419.6)).toBe('57 min 00 s'); // was "56 min 60 s"
    expect(formatSeconds(65)).toBe('1 min 05 s');
    expect(formatSeconds(3599.7)).toBe('1 h 00 min');
    expect(formatSeconds(7380)).toBe('2 h 03 min');
    expect(formatSeconds(NaN)).toBe('–');
    for (let s = 0; s < 10_000; s += 0.37) expect(formatSeconds(s)).not.toMatch(/\b60 (s|min)/);
  });

  it('shows s/step under one step a second', () => {
    expect(formatSpeed(12.345)).toBe('12.3 steps/s');
    expect(formatSpeed(1)).toBe('1.00 steps/s');
    expect(formatSpeed(0.04)).toBe('25.0 s/step'); // was "0.0"
    expect(formatSpeed(0)).toBe('–');
  });
});
