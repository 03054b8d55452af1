import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, RUN_CSV_HEADER, runsFromCsv, runsFromJson, runsToCsv } from '../app/runs/runCsv';
import type { RunSummary } from '../src/protocol';

const vadRun: RunSummary = {
  runId: 'sweep-x-dcl:0.3',
  config: {
    modelId: 'crnn', method: 'straightThrough', alpha: 0, budgetFlopsPerSecond: null, steps: 300, batchSize: 16, learningRate: 3e-3,
    kappaLearningRate: 3e-2, kappaMin: { mel: 0.25, gru: 0.125 }, uniformFraction: 1, seed: 7, evalEvery: 50, init: 'pretrained',
    budgetInterval: { low: 0.36, high: 0.4, weight: 10 },
  },
  backend: 'wasm',
  steps: 300,
  widths: [{ name: 'mel', units: 31.25, full: 80, kappaMin: 0.25 }, { name: 'conv', units: 12.000001, full: 32, kappaMin: 0.125 }],
  flopsPerSecond: 2_484_123.5,
  fullFlopsPerSecond: 5_725_940.085470676,
  parameters: 4125,
  fullParameters: 14081,
  evaluation: { metric: 'EER', value: 0.14561, auc: 0.911, eerBySnr: [0.3268, 0.051, 0.0123, 0.0049] },
  latencyMsPerSecond: 0.1234,
  fullLatencyMsPerSecond: 0.31,
  wallSeconds: 61.5,
  finishedAt: 1_790_000_000_000,
  stoppedEarly: false,
  latencyRangeMsPerSecond: [0.12, 0.13],
  diverged: null,
  budgetHistory: [{ step: 0, flopsPerSecond: null }],
};

const syntheticRun: RunSummary = {
  ...vadRun,
  runId: 'run, "quoted"\nname',
  config: { ...vadRun.config, modelId: 'synthetic', method: 'dcl', alpha: 0.1, budgetFlopsPerSecond: 858, kappaMin: {}, init: 'scratch', budgetInterval: undefined },
  widths: [],
  evaluation: { metric: 'MSE', value: 0.0133, auc: null, eerBySnr: null },
  finishedAt: 1_790_000_000_001,
  stoppedEarly: true,
  diverged: { step: 12, reason: 'loss not finite' },
};

describe('runs as CSV', () => {
  it('re-imports to the same runs, nested parts, quotes and line breaks included', () => {
    const csv = runsToCsv([vadRun, syntheticRun]);
    expect(parseCsv(csv)[0]).toEqual(RUN_CSV_HEADER);
    expect(parseCsv(csv)).toHaveLength(3);
    expect(runsFromCsv(csv)).toEqual({ runs: [vadRun, syntheticRun], skipped: [] });
  });

  it('keeps fields it has no column for (a later version’s) in the extra columns', () => {
    const later = { ...vadRun, config: { ...vadRun.config, futureSetting: 3 }, futureField: { a: [1, 2] } } as unknown as RunSummary;
    expect(runsFromCsv(runsToCsv([later])).runs).toEqual([later]);
  });

  it('round-trips any finite numbers exactly', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer(), (flops, value, seed) => {
        const run = { ...vadRun, flopsPerSecond: flops, evaluation: { ...vadRun.evaluation, value }, config: { ...vadRun.config, seed } };
        expect(runsFromCsv(runsToCsv([run])).runs).toEqual([run]);
      }),
    );
  });

  it('names the rows it cannot use and refuses a file that is not a runs CSV', () => {
    const csv = runsToCsv([vadRun]);
    const broken = csv.replace('2484123.5', 'lots');
    expect(runsFromCsv(broken).skipped).toEqual(['row 2, flopsPerSecond: “lots” is not a number']);
    const withoutMetric = csv.replace(',"{""mel"":0.25', ',"{""mel"":0.25').replace(/,EER,/, ',,');
    expect(runsFromCsv(withoutMetric).skipped[0]).toContain('evaluation');
    expect(() => runsFromCsv('a,b\n1,2\n')).toThrow('not a runs CSV');
    expect(() => runsFromCsv('')).toThrow('empty');
    expect(() => runsFromCsv('"runId\n')).toThrow('inside a quoted cell');
  });

  it('reads a JSON export too', () => {
    expect(runsFromJson(JSON.stringify([vadRun]))).toEqual({ runs: [vadRun], skipped: [] });
    expect(() => runsFromJson('{}')).toThrow('expected an array');
  });
});
