import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTHETIC_SIGNAL_INPUTS } from '../src/models/synthetic';
import { runSynthetic, type SyntheticRunResult } from '../src/train/syntheticRun';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A small version of `npm run sweep -- synthetic` (fixed seed), so it runs in well under a minute. */
const ALPHAS = [0, 1, 3, 10];

/**
 * Beyond the α that settles the input width, a larger α never costs more FLOPs and never buys a
 * lower error than the seed-to-seed noise of the MSE (0.002; the best possible MSE is 0.01),
 * and over the whole range the FLOPs fall and the error rises.
 */
function expectTrend(rows: readonly Pick<SyntheticRunResult, 'alpha' | 'inputWidth' | 'hiddenWidth' | 'flops' | 'testMse'>[]): void {
  expect(rows.length).toBeGreaterThan(1);
  for (let i = 1; i < rows.length; i++) {
    const [before, after] = [rows[i - 1], rows[i]];
    const where = `α ${before.alpha} → ${after.alpha}`;
    expect(after.inputWidth, where).toBeLessThanOrEqual(before.inputWidth + 1);
    expect(after.hiddenWidth, where).toBeLessThanOrEqual(before.hiddenWidth + 1);
    expect(after.flops, where).toBeLessThanOrEqual(before.flops);
    expect(after.testMse, where).toBeGreaterThan(before.testMse - 0.002);
  }
  const [first, last] = [rows[0], rows[rows.length - 1]];
  expect(last.flops).toBeLessThan(first.flops);
  expect(last.testMse).toBeGreaterThan(first.testMse);
}

describe('the README\'s synthetic table (results/synthetic-sweep.json, from `npm run sweep -- synthetic`)', () => {
  const table = JSON.parse(readFileSync(join(import.meta.dirname, '../results/synthetic-sweep.json'), 'utf8')) as { results: SyntheticRunResult[] };

  it('holds the same trend beyond the first α that settles the input width at 8', () => {
    const rows = table.results;
    const settledAt = rows.findIndex((r) => r.alpha > 0 && Math.abs(r.inputWidth - SYNTHETIC_SIGNAL_INPUTS) <= 0.5);
    expect(settledAt, 'no α of the table settles the input width at 8').toBeGreaterThan(0);
    expectTrend(rows.slice(settledAt));
  });

  it('keeps full width at α = 0', () => {
    expect(table.results[0].alpha).toBe(0);
    expect(table.results[0].flops).toBe(table.results[0].fullFlops);
  });
});

describe('synthetic case study: widths learn what the data needs', () => {
  let runs: SyntheticRunResult[] = [];
  beforeAll(async () => {
    runs = [];
    for (const alpha of ALPHAS) runs.push(await runSynthetic({ alpha, steps: 400, batchSize: 64, seed: 1, evalEvery: 400 }));
  }, 240_000);

  it('there is an α where the input width settles at 8 ± 1.5 with test MSE no worse than α = 0', () => {
    const plain = runs[0];
    const settled = runs.slice(1).filter((r) => Math.abs(r.inputWidth - SYNTHETIC_SIGNAL_INPUTS) <= 1.5 && r.testMse <= plain.testMse);
    expect(settled.length).toBeGreaterThan(0);
  });

  it('as α grows further, widths and FLOPs fall and the error rises', () => {
    const settledAt = runs.findIndex((r, i) => i > 0 && Math.abs(r.inputWidth - SYNTHETIC_SIGNAL_INPUTS) <= 1.5);
    expect(settledAt, 'no α settled the input width at 8 ± 1.5').toBeGreaterThan(0);
    expectTrend(runs.slice(settledAt));
  });

  it('at α = 0 nothing asks the widths to move, and they stay at full width', () => {
    expect(runs[0].inputWidth).toBe(32);
    expect(runs[0].flops).toBe(runs[0].fullFlops);
  });

  it('at the largest α the model costs under 30 % of the full FLOPs', () => {
    const last = runs.at(-1)!;
    expect(last.flops / last.fullFlops).toBeLessThan(0.3);
  });
});
