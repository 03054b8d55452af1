/**
 * What a trade-off sweep runs, shared by the command-line sweep (scripts/sweep.ts) and the
 * page's "Draw the curve" (run by the trainer worker, src/train/sweepRunner.ts).
 *
 * Policy (the same for both): every run of a sweep uses the same steps, batch, learning rates
 * and seed, so the methods differ only in how they choose widths. DCL runs first, over a grid of
 * α; then, for each DCL run that finished, the two baselines are matched to the FLOP/s it
 * reached: a uniform-width model (every width scaled by the one fraction whose FLOP/s come
 * closest) and a straight-through model held in a band just below that FLOP/s ratio.
 */
import type { BudgetInterval, RunConfig, RunSummary } from '../protocol';

/** The command-line synthetic sweep's α grid (README table). */
export const SYNTHETIC_ALPHAS = [0, 0.01, 0.1, 0.3, 1, 2, 3, 5, 10];
/** α of the command-line VAD sweep's DCL runs: strong enough that κ_min binds for the larger bounds. */
export const VAD_DCL_ALPHA = 2;
/** κ_min of the command-line VAD sweep's DCL runs. */
export const VAD_KAPPA_MINS = [0.5, 0.25, 0.125];

/** The page's default α grids: four points each, spread over the range where the widths move. */
export const CURVE_ALPHAS: Readonly<Record<'features' | 'powerSpectrogram', readonly number[]>> = {
  features: [0.3, 1, 3, 5],
  powerSpectrogram: [0.1, 0.3, 1, 3],
};

/**
 * The straight-through baseline's penalty band for a FLOP/s ratio r reached by a DCL run:
 * no penalty for C/C_max in [0.9 r, r], a steep one outside, so it ends at or just below r.
 */
export function straightThroughInterval(ratio: number): BudgetInterval {
  return { low: 0.9 * ratio, high: ratio, weight: 10 };
}

export type SweepMethod = 'dcl' | 'uniform' | 'straightThrough';

export interface SweepSpec {
  /** The setup every run starts from (model, steps, batch, learning rates, κ_min, seed, init). */
  base: RunConfig;
  /** α of the DCL runs, in run order. */
  alphas: number[];
  /** Instead of α, FLOP/s budgets for the DCL runs (each steers its α to its budget), in run order. */
  budgets?: number[];
}

/** One run of a sweep. Baselines carry the key of the DCL run they are matched to. */
export interface SweepItem {
  key: string;
  method: SweepMethod;
  label: string;
  config: RunConfig;
  matchedTo: string | null;
}

/** A finished run of a sweep: what the curve needs, and what the baselines are matched to. */
export interface SweepResult {
  key: string;
  runId: string;
  method: SweepMethod;
  /** The DCL run's grid point ("α = 0.3", "budget 1.2 MFLOP/s"); a baseline's is the one it matches. */
  point: string;
  flopsPerSecond: number;
  fullFlopsPerSecond: number;
  metric: 'EER' | 'MSE';
  value: number;
  wallSeconds: number;
}

/** FLOP/s with an SI prefix ("1.2 MFLOP/s"), for labels. */
function flopsLabel(flops: number): string {
  const [scale, prefix] = flops >= 1e9 ? [1e9, 'G'] : flops >= 1e6 ? [1e6, 'M'] : flops >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${Number((flops / scale).toPrecision(3))} ${prefix}FLOP/s`;
}

/** The DCL runs' grid: one point per α, or per budget when the spec gives budgets. */
function gridPoints(spec: SweepSpec): { tag: string; point: string; alpha: number; budget: number | null }[] {
  if (spec.budgets !== undefined && spec.budgets.length > 0) {
    return spec.budgets.map((budget) => ({ tag: `budget:${budget}`, point: `budget ${flopsLabel(budget)}`, alpha: spec.base.alpha, budget }));
  }
  return spec.alphas.map((alpha) => ({ tag: String(alpha), point: `α = ${alpha}`, alpha, budget: null }));
}

/** Why a sweep spec cannot run, or null. */
export function sweepSpecProblem(spec: SweepSpec): string | null {
  const budgets = spec.budgets !== undefined && spec.budgets.length > 0;
  const values = budgets ? spec.budgets! : spec.alphas;
  const name = budgets ? 'budget' : 'α';
  if (values.length === 0) return `The ${name} grid is empty: give at least one value.`;
  const bad = values.find((value) => !Number.isFinite(value) || value < 0 || (budgets && value === 0));
  if (bad !== undefined) return `${name} ${bad} is not a number ${budgets ? '> 0' : '≥ 0'}.`;
  if (new Set(values).size !== values.length) return `The ${name} grid repeats a value.`;
  return null;
}

/** Parses a typed grid such as "0.01, 0.3 3 30"; throws a message naming the bad entry. */
export function parseAlphaGrid(text: string): number[] {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  return parts.map((part) => {
    const value = Number(part);
    if (!Number.isFinite(value) || value < 0) throw new Error(`“${part}” is not a number ≥ 0`);
    return value;
  });
}

/**
 * Every run of the sweep that is known given the finished ones: all DCL runs, then a uniform and
 * a straight-through baseline for each DCL run that has finished. Pure, so a sweep resumed after
 * a reload plans the same runs again. `uniformFractionFor` gives the uniform fraction whose
 * FLOP/s come closest to a FLOP/s ratio of full width.
 */
export function planSweep(spec: SweepSpec, done: readonly SweepResult[], uniformFractionFor: (ratio: number) => number): SweepItem[] {
  const base: RunConfig = { ...spec.base, budgetFlopsPerSecond: null, budgetInterval: undefined };
  const points = gridPoints(spec);
  const dcl: SweepItem[] = points.map(({ tag, point, alpha, budget }) => ({
    key: `dcl:${tag}`,
    method: 'dcl',
    label: `DCL ${point}`,
    config: { ...base, method: 'dcl', alpha, budgetFlopsPerSecond: budget },
    matchedTo: null,
  }));
  const finishedDcl = dcl.flatMap((item, i) => {
    const result = done.find((r) => r.key === item.key);
    return result === undefined ? [] : [{ ...points[i]!, ratio: result.flopsPerSecond / result.fullFlopsPerSecond, key: item.key }];
  });
  const uniform: SweepItem[] = finishedDcl.map(({ tag, point, ratio, key }) => {
    const fraction = uniformFractionFor(ratio);
    return {
      key: `uniform:${tag}`,
      method: 'uniform',
      label: `uniform × ${Number(fraction.toPrecision(3))} (matches DCL ${point})`,
      // Full-width weights cannot start a narrower model: the uniform baseline trains from scratch.
      config: { ...base, method: 'uniform', alpha: 0, uniformFraction: fraction, init: 'scratch' },
      matchedTo: key,
    };
  });
  const straightThrough: SweepItem[] = finishedDcl.map(({ tag, point, ratio, key }) => ({
    key: `straightThrough:${tag}`,
    method: 'straightThrough',
    label: `straight-through ≤ ${(100 * ratio).toFixed(0)} % (matches DCL ${point})`,
    config: { ...base, method: 'straightThrough', alpha: 0, budgetInterval: straightThroughInterval(ratio) },
    matchedTo: key,
  }));
  return [...dcl, ...uniform, ...straightThrough];
}

/** Runs a sweep of `spec` will make in all (three per grid point, whatever the DCL runs reach). */
export const sweepSize = (spec: SweepSpec): number => 3 * gridPoints(spec).length;

/** The grid point a run of the plan belongs to: its own for a DCL run, the matched DCL run's for a baseline. */
export function gridPointOf(spec: SweepSpec, item: SweepItem): string {
  const dclKey = item.matchedTo ?? item.key;
  return gridPoints(spec).find((p) => `dcl:${p.tag}` === dclKey)?.point ?? dclKey;
}

/** The next run to make, or null when every planned run has a result (or was given up). */
export function nextSweepItem(plan: readonly SweepItem[], done: readonly SweepResult[], failed: readonly string[]): SweepItem | null {
  return plan.find((item) => !done.some((r) => r.key === item.key) && !failed.includes(item.key)) ?? null;
}

/**
 * The uniform fraction whose FLOP/s come closest (in ratio) to `targetRatio` of full width.
 * `flopsAt(f)` counts the model built with every width round(N·f); it rises with f, so a
 * bisection over f = k / maxN finds the crossing in about log2(maxN) counts.
 */
export function uniformFractionFor(targetRatio: number, maxWidth: number, flopsAt: (fraction: number) => number): number {
  const full = flopsAt(1);
  const target = targetRatio * full;
  let low = 1;
  let high = maxWidth;
  // Smallest k with flopsAt(k / maxWidth) ≥ target (or maxWidth).
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (flopsAt(middle / maxWidth) >= target) high = middle;
    else low = middle + 1;
  }
  const above = low;
  if (above === 1) return 1 / maxWidth;
  const miss = (k: number) => Math.abs(Math.log(flopsAt(k / maxWidth) / target));
  return miss(above - 1) < miss(above) ? (above - 1) / maxWidth : above / maxWidth;
}

/**
 * Seconds left: the runs still to make times the mean wall time of the finished ones (a DCL
 * run's time when none has finished yet is unknown), plus what the current run says it has left.
 */
export function sweepEtaSeconds(total: number, done: readonly SweepResult[], currentEta: number | null): number | null {
  if (done.length === 0) return null;
  const mean = done.reduce((sum, r) => sum + r.wallSeconds, 0) / done.length;
  const running = currentEta !== null && Number.isFinite(currentEta) ? 1 : 0;
  const waiting = Math.max(0, total - done.length - running);
  return waiting * mean + (running === 1 ? currentEta! : 0);
}

/** Where a sweep stands: sent by the worker after every change, kept by the page across reloads. */
export interface SweepStatus {
  sweepId: string;
  spec: SweepSpec;
  /** Runs the sweep makes in all. */
  total: number;
  done: SweepResult[];
  /** Runs that failed (not retried in this sweep), with why. */
  failed: { key: string; label: string; message: string }[];
  /** The run in progress (what a reload needs to count it, had it finished before the status did). */
  current: (SweepItem & { runId: string }) | null;
  state: 'running' | 'finished' | 'cancelled';
}

/** What a finished run of the sweep adds to its status. */
export function sweepResultOf(spec: SweepSpec, item: SweepItem, summary: RunSummary): SweepResult {
  return {
    key: item.key,
    runId: summary.runId,
    method: item.method,
    point: gridPointOf(spec, item),
    flopsPerSecond: summary.flopsPerSecond,
    fullFlopsPerSecond: summary.fullFlopsPerSecond,
    metric: summary.evaluation.metric,
    value: summary.evaluation.value,
    wallSeconds: summary.wallSeconds,
  };
}

/**
 * A kept status, given the runs saved beside it: a run is saved when it finishes, a moment before
 * the status that counts it, so a reload between the two keeps the run saved while the status
 * still names it as the run in progress. That run is counted here, as the sweep would have.
 */
export function countSavedCurrentRun(status: SweepStatus, saved: readonly RunSummary[]): SweepStatus {
  const { current } = status;
  // Statuses kept before the run in progress carried its method cannot be counted.
  if (current === null || typeof current.method !== 'string' || status.done.some((r) => r.key === current.key)) return status;
  const summary = saved.find((run) => run.runId === current.runId && !run.stoppedEarly);
  if (summary === undefined) return status;
  return { ...status, done: [...status.done, sweepResultOf(status.spec, current, summary)], current: null };
}
