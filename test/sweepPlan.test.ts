import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig, RunSummary } from '../src/protocol';
import { RunControl, trainSession } from '../src/train/session';
import { createSyntheticTask } from '../src/train/syntheticTask';
import {
  countSavedCurrentRun,
  nextSweepItem,
  parseAlphaGrid,
  planSweep,
  straightThroughInterval,
  sweepEtaSeconds,
  sweepSpecProblem,
  uniformFractionFor,
  type SweepResult,
  type SweepSpec,
  type SweepStatus,
} from '../src/train/sweepPlan';
import { countUniformFlops, runSweep, SweepControl } from '../src/train/sweepRunner';
import { syntheticConfig } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const base = syntheticConfig({ budgetFlopsPerSecond: 500, steps: 40, batchSize: 32, uniformFraction: 1, seed: 4, evalEvery: 20 });
const spec: SweepSpec = { base, alphas: [0.1, 10] };
const result = (key: string, flopsPerSecond: number): SweepResult => ({
  key, runId: `r-${key}`, method: 'dcl', point: 'α = 0', flopsPerSecond, fullFlopsPerSecond: 2000, metric: 'MSE', value: 0.1, wallSeconds: 10,
});

describe('sweep plan', () => {
  it('plans the DCL runs first, then each baseline only once its DCL run has finished', () => {
    const half = () => 0.5;
    expect(planSweep(spec, [], half).map((item) => item.key)).toEqual(['dcl:0.1', 'dcl:10']);
    const plan = planSweep(spec, [result('dcl:10', 500)], half);
    expect(plan.map((item) => item.key)).toEqual(['dcl:0.1', 'dcl:10', 'uniform:10', 'straightThrough:10']);
    const [, , uniform, straight] = plan;
    // Same steps, batch, learning rates and seed for every run; no budget mode.
    for (const item of plan) expect(item.config).toMatchObject({ steps: 40, batchSize: 32, learningRate: 1e-2, seed: 4, budgetFlopsPerSecond: null });
    expect(uniform!.config).toMatchObject({ method: 'uniform', uniformFraction: 0.5, init: 'scratch' });
    expect(straight!.config).toMatchObject({ method: 'straightThrough', budgetInterval: straightThroughInterval(0.25) });
    expect(straight!.config.budgetInterval).toEqual({ low: 0.225, high: 0.25, weight: 10 });
    expect(plan[1]!.config.budgetInterval).toBeUndefined();
    expect(nextSweepItem(plan, [result('dcl:10', 500)], [])!.key).toBe('dcl:0.1');
    expect(nextSweepItem(plan, [result('dcl:10', 500)], ['dcl:0.1'])!.key).toBe('uniform:10');
  });

  it('a budget grid makes DCL runs that steer α to each budget, baselines matched the same way', () => {
    const budgets: SweepSpec = { base, alphas: [], budgets: [1500, 600] };
    expect(sweepSpecProblem(budgets)).toBeNull();
    expect(sweepSpecProblem({ base, alphas: [], budgets: [0] })).toContain('budget 0');
    const plan = planSweep(budgets, [result('dcl:budget:600', 500)], () => 0.5);
    expect(plan.map((item) => item.key)).toEqual(['dcl:budget:1500', 'dcl:budget:600', 'uniform:budget:600', 'straightThrough:budget:600']);
    expect(plan[0]!.config).toMatchObject({ method: 'dcl', budgetFlopsPerSecond: 1500 });
    expect(plan[0]!.label).toBe('DCL budget 1.5 kFLOP/s');
    expect(plan[2]!.config.budgetFlopsPerSecond).toBeNull();
    expect(plan[3]!.label).toContain('matches DCL budget 600 FLOP/s');
  });

  it('finds the uniform fraction whose FLOP/s come closest to a ratio of full width', () => {
    const cubic = (f: number) => Math.round(32 * f) ** 2;
    expect(uniformFractionFor(0.25, 32, cubic)).toBe(16 / 32);
    expect(uniformFractionFor(1, 32, cubic)).toBe(1);
    // 0.2 · 1024 = 204.8 lies between 14² = 196 and 15² = 225: 196 is closer.
    expect(uniformFractionFor(0.2, 32, cubic)).toBe(14 / 32);
    expect(uniformFractionFor(1e-6, 32, cubic)).toBe(1 / 32);
    // The synthetic MLP, counted from its built shapes: a quarter of full is about half the widths.
    const fraction = uniformFractionFor(0.25, 32, (f) => countUniformFlops('synthetic', f));
    const ratio = countUniformFlops('synthetic', fraction) / countUniformFlops('synthetic', 1);
    expect(Math.abs(Math.log(ratio / 0.25))).toBeLessThan(0.1);
  });

  it('reads a typed grid and says what is wrong with a bad one', () => {
    expect(parseAlphaGrid(' 0.01, 0.3 3;30 ')).toEqual([0.01, 0.3, 3, 30]);
    expect(() => parseAlphaGrid('0.1, x')).toThrow('“x” is not a number ≥ 0');
    expect(sweepSpecProblem({ base, alphas: [] })).toContain('empty');
    expect(sweepSpecProblem({ base, alphas: [1, 1] })).toContain('repeats');
    expect(sweepSpecProblem(spec)).toBeNull();
  });

  it('estimates the time left from the finished runs and the current one', () => {
    expect(sweepEtaSeconds(6, [], 5)).toBeNull();
    expect(sweepEtaSeconds(6, [result('a', 1), result('b', 1)], 4)).toBe(3 * 10 + 4);
    expect(sweepEtaSeconds(6, [result('a', 1), result('b', 1)], null)).toBe(4 * 10);
  });
});

/** Runs a config with the page's training session, as the worker does. */
async function train(runId: string, config: RunConfig, control = new RunControl(config)): Promise<RunSummary> {
  const task = createSyntheticTask(config);
  try {
    for await (const event of trainSession({ runId, config, task, control, backend: 'cpu' })) {
      if (event.type === 'finished') return event.summary;
    }
    throw new Error('no summary');
  } finally {
    task.dispose();
  }
}

describe('sweep runner', () => {
  it('makes the DCL runs, then uniform and straight-through runs matched to the FLOP/s each reached', async () => {
    const statuses: SweepStatus[] = [];
    const configs: RunConfig[] = [];
    const last = await runSweep('s', spec, [], {
      runOne: (runId, config) => {
        configs.push(config);
        return train(runId, config);
      },
      report: (status) => statuses.push(status),
    }, new SweepControl());
    expect(last.state).toBe('finished');
    expect(last.failed).toEqual([]);
    expect(last.done.map((r) => r.key)).toEqual(['dcl:0.1', 'dcl:10', 'uniform:0.1', 'uniform:10', 'straightThrough:0.1', 'straightThrough:10']);
    expect(statuses.filter((s) => s.current !== null).map((s) => s.current!.runId)).toEqual(last.done.map((r) => `s-${r.key}`));
    const byKey = Object.fromEntries(last.done.map((r) => [r.key, r]));
    for (const alpha of spec.alphas) {
      const dcl = byKey[`dcl:${alpha}`]!;
      const uniform = byKey[`uniform:${alpha}`]!;
      // Matched to the counted FLOP/s of the consolidated DCL model (widths are whole units).
      expect(Math.abs(Math.log(uniform.flopsPerSecond / dcl.flopsPerSecond))).toBeLessThan(0.35);
      const straight = configs.find((c) => c.method === 'straightThrough' && c.budgetInterval!.high === dcl.flopsPerSecond / dcl.fullFlopsPerSecond);
      expect(straight).toBeDefined();
      expect(uniform.point).toBe(`α = ${alpha}`);
    }
  }, 120_000);

  it('a status kept between a run\'s save and the status counting it counts that run, as the sweep then does', async () => {
    const statuses: SweepStatus[] = [];
    const saved: RunSummary[] = [];
    // What a page reloaded right after each run's save would find: the last status kept, and the runs saved.
    const reloads: { kept: SweepStatus; saved: RunSummary[]; next: SweepStatus | null }[] = [];
    await runSweep('s', spec, [], {
      runOne: async (runId, config) => {
        const summary = await train(runId, { ...config, steps: 5 });
        saved.push(summary);
        reloads.push({ kept: statuses.at(-1)!, saved: [...saved], next: null });
        return summary;
      },
      report: (status) => {
        statuses.push(status);
        const waiting = reloads.at(-1);
        if (waiting && waiting.next === null) waiting.next = status;
      },
    }, new SweepControl());
    expect(reloads).toHaveLength(6);
    for (const { kept, saved: savedThen, next } of reloads) {
      expect(kept.current).not.toBeNull();
      const counted = countSavedCurrentRun(kept, savedThen);
      expect(counted.done).toEqual(next!.done);
      expect(counted.current).toBeNull();
      // Without the run saved, or with it stopped early, the kept status stays as it was.
      expect(countSavedCurrentRun(kept, savedThen.slice(0, -1))).toBe(kept);
      expect(countSavedCurrentRun(kept, [...savedThen.slice(0, -1), { ...savedThen.at(-1)!, stoppedEarly: true }])).toBe(kept);
    }
  }, 120_000);

  it('resumes with only the runs left, and a cancel keeps the finished runs', async () => {
    const done = [result('dcl:0.1', 900), result('dcl:10', 300)];
    const made: string[] = [];
    const control = new SweepControl();
    const last = await runSweep('s', spec, done, {
      runOne: async (runId, config) => {
        made.push(runId);
        const summary = await train(runId, { ...config, steps: 5 });
        // Cancelled during its second run: that run stops early and is not counted.
        if (made.length === 2) {
          control.cancelled = true;
          return { ...summary, stoppedEarly: true };
        }
        return { ...summary, config };
      },
      report: () => undefined,
    }, control);
    expect(made).toEqual(['s-uniform:0.1', 's-uniform:10']);
    expect(last.state).toBe('cancelled');
    expect(last.failed).toEqual([]);
    expect(last.done.map((r) => r.key)).toEqual(['dcl:0.1', 'dcl:10', 'uniform:0.1']);
  }, 60_000);

  it('runs a budget grid: each DCL run in budget mode, its baselines labelled with its budget', async () => {
    const configs: RunConfig[] = [];
    const last = await runSweep('b', { base, alphas: [], budgets: [1000] }, [], {
      runOne: (runId, config) => {
        configs.push(config);
        return train(runId, { ...config, steps: 10 });
      },
      report: () => undefined,
    }, new SweepControl());
    expect(last.done.map((r) => [r.key, r.point])).toEqual([
      ['dcl:budget:1000', 'budget 1 kFLOP/s'],
      ['uniform:budget:1000', 'budget 1 kFLOP/s'],
      ['straightThrough:budget:1000', 'budget 1 kFLOP/s'],
    ]);
    expect(configs.map((c) => c.budgetFlopsPerSecond)).toEqual([1000, null, null]);
  }, 60_000);

  it('reports a failed run and skips the baselines of a failed DCL run', async () => {
    const last = await runSweep('s', spec, [], {
      runOne: async (runId, config) => {
        if (config.alpha === 10) throw new Error('boom\nstack');
        return train(runId, { ...config, steps: 5 });
      },
      report: () => undefined,
    }, new SweepControl());
    expect(last.failed).toEqual([{ key: 'dcl:10', label: 'DCL α = 10', message: 'boom' }]);
    expect(last.done.map((r) => r.key)).toEqual(['dcl:0.1', 'uniform:0.1', 'straightThrough:0.1']);
    expect(last.total).toBe(4);
  }, 60_000);
});
