import { describe, expect, it } from 'vitest';
import { areaUnderCurve, detectionMetrics, equalErrorRate } from '../src/train/metrics';

function rng(seed: number) {
  return () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
}

/** O(n²) AUC: probability a random positive outscores a random negative (ties count ½). */
function bruteAuc(s: number[], l: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < s.length; i++)
    for (let j = 0; j < s.length; j++)
      if (l[i] === 1 && l[j] === 0) {
        pairs++;
        wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
  return wins / pairs;
}

/** EER by trying every threshold "score ≥ t is speech" (plus accept-none). */
function bruteEer(s: number[], l: number[]): number {
  const thresholds = [...[...new Set(s)].sort((a, b) => a - b), Infinity];
  let best = { gap: Infinity, eer: NaN };
  for (const t of thresholds) {
    let fa = 0, fr = 0, p = 0, n = 0;
    s.forEach((v, i) => {
      if (l[i] === 1) { p++; if (v < t) fr++; } else { n++; if (v >= t) fa++; }
    });
    const gap = Math.abs(fa / n - fr / p);
    if (gap < best.gap - 1e-12) best = { gap, eer: (fa / n + fr / p) / 2 };
  }
  return best.eer;
}

describe('detection metrics', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`EER and AUC match a brute-force count on random data (seed ${seed})`, () => {
      const r = rng(seed);
      const n = 50 + Math.floor(r() * 150);
      const labels = Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
      // Rounded scores make ties, which both definitions must handle alike.
      const scores = labels.map((l) => Math.round((r() + 0.4 * l) * 20) / 20);
      expect(areaUnderCurve(scores, labels)).toBeCloseTo(bruteAuc(scores, labels), 10);
      expect(equalErrorRate(scores, labels)).toBeCloseTo(bruteEer(scores, labels), 10);
    });
  }

  it('perfect, inverted and uninformative scores', () => {
    const labels = [0, 0, 0, 1, 1, 1];
    expect(equalErrorRate([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], labels)).toBe(0);
    expect(areaUnderCurve([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], labels)).toBe(1);
    expect(areaUnderCurve([0.9, 0.8, 0.7, 0.3, 0.2, 0.1], labels)).toBe(0);
    expect(areaUnderCurve([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], labels)).toBe(0.5);
    expect(equalErrorRate([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], labels)).toBe(0.5);
  });

  it('splits EER by SNR bin', () => {
    const scores = [0.1, 0.9, 0.9, 0.1, 0.2, 0.8, 0.3, 0.7];
    const labels = [0, 1, 0, 1, 0, 1, 0, 1];
    const snr = [0, 0, 0, 0, 30, 30, 30, 30];
    const m = detectionMetrics(scores, labels, snr);
    expect(m.eerBySnr[0]).toBe(0.5);
    expect(m.eerBySnr[3]).toBe(0);
    expect(Number.isNaN(m.eerBySnr[1])).toBe(true);
    expect(m.frames).toBe(8);
  });
});
