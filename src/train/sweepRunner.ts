/**
 * Runs a trade-off sweep (plan: sweepPlan.ts) one run after another through a host that trains
 * single runs: the trainer worker in the page. Framework-free, so Node tests drive it with the
 * same training session.
 */
import { countNetwork } from '../dcl/count';
import { widthSpecs } from '../dcl/widthSpec';
import { MODEL_FAMILIES } from '../models/registry';
import type { ModelId, RunConfig, RunSummary } from '../protocol';
import { nextSweepItem, planSweep, sweepResultOf, sweepSize, uniformFractionFor, type SweepResult, type SweepSpec, type SweepStatus } from './sweepPlan';

export interface SweepHost {
  /** Trains one run to its end and returns its summary; throws when it fails. */
  runOne(runId: string, config: RunConfig): Promise<RunSummary>;
  /** Called with a fresh status object after every change. */
  report(status: SweepStatus): void;
  /** Counts a model built with every width round(N · fraction); defaults to countUniformFlops. */
  uniformFlops?(modelId: ModelId, fraction: number): number;
}

/** Set by the host to end the sweep after (or, with the run's own stop, during) the current run. */
export class SweepControl {
  cancelled = false;
}

/** FLOP/s of the family built with every width at round(N · fraction), counted from its shapes. */
export function countUniformFlops(modelId: ModelId, fraction: number): number {
  const family = MODEL_FAMILIES[modelId];
  const network = family.build({ seed: 0, widths: widthSpecs(family.fullSizes as Record<string, number>, 'uniform', { uniformFraction: fraction }) });
  try {
    return countNetwork(network).flopsPerSecond;
  } finally {
    network.dispose();
  }
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

/**
 * Makes every run of the sweep not in `done`, DCL first, then the baselines matched to them.
 * A run that fails is reported and skipped (its baselines too, for a DCL run); a cancelled
 * sweep keeps its finished runs. Returns the last status.
 */
export async function runSweep(sweepId: string, spec: SweepSpec, done: readonly SweepResult[], host: SweepHost, control: SweepControl): Promise<SweepStatus> {
  const uniformFlops = host.uniformFlops ?? countUniformFlops;
  const maxWidth = Math.max(...Object.values(MODEL_FAMILIES[spec.base.modelId].fullSizes));
  // Counting builds a model: once per FLOP/s ratio (the plan is recomputed after every run).
  const fractions = new Map<number, number>();
  const fractionFor = (ratio: number): number => {
    let fraction = fractions.get(ratio);
    if (fraction === undefined) {
      fraction = uniformFractionFor(ratio, maxWidth, (f) => uniformFlops(spec.base.modelId, f));
      fractions.set(ratio, fraction);
    }
    return fraction;
  };
  let status: SweepStatus = { sweepId, spec, total: sweepSize(spec), done: [...done], failed: [], current: null, state: 'running' };
  host.report(status);
  for (;;) {
    const plan = planSweep(spec, status.done, fractionFor);
    const item = control.cancelled ? null : nextSweepItem(plan, status.done, status.failed.map((f) => f.key));
    if (item === null) break;
    const runId = `${sweepId}-${item.key}`;
    status = { ...status, current: { ...item, runId } };
    host.report(status);
    try {
      const summary = await host.runOne(runId, item.config);
      if (summary.stoppedEarly) {
        if (control.cancelled) break;
        throw new Error('stopped before its last step');
      }
      status = { ...status, done: [...status.done, sweepResultOf(spec, item, summary)], current: null };
    } catch (error) {
      // The baselines of a failed DCL run are never planned: the sweep makes fewer runs.
      const lost = item.method === 'dcl' ? 3 : 1;
      status = { ...status, total: status.total - lost + 1, failed: [...status.failed, { key: item.key, label: item.label, message: firstLine(error) }], current: null };
    }
    host.report(status);
  }
  status = { ...status, current: null, state: control.cancelled ? 'cancelled' : 'finished' };
  host.report(status);
  return status;
}
