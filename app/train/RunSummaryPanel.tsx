/** The last finished run: its consolidated (physically smaller) model, measured. */
import { formatAlpha } from './alphaScale';
import type { RunSummary } from '../../src/protocol';
import { formatCount, formatFlops, formatMetric, formatMs, formatSeconds, percent } from '../format';
import { MODEL_CATALOG } from '../../src/models/catalog';
import { methodText } from '../models';
import { useAppStore } from '../store';
import { Help } from '../help/Help';

export function RunSummaryPanel() {
  const summary = useAppStore((s) => s.lastSummary);
  if (summary === null) return null;
  const { config } = summary;
  return (
    <section
      className="panel summary"
      data-testid="run-summary"
      data-run-id={summary.runId}
      data-flops={summary.flopsPerSecond}
      data-full-flops={summary.fullFlopsPerSecond}
    >
      <h2>
        Last finished run <Help topic="summary" />
      </h2>
      <p className="hint">
        {MODEL_CATALOG[config.modelId].displayName} · {methodText(config)} ·{' '}
        {steering(summary)} · seed{' '}
        {config.seed} · {summary.steps} steps{summary.stoppedEarly ? ' (stopped early)' : ''} in {formatSeconds(summary.wallSeconds)} on {summary.backend}
      </p>
      {summary.diverged != null && (
        <p className="warning" role="alert" data-testid="summary-diverged">
          Diverged: stopped at step {summary.diverged.step} because {summary.diverged.reason}. The numbers below are of the last good
          weights. Try a smaller learning rate.
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th />
            <th>consolidated</th>
            <th>full width</th>
            <th>ratio</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>FLOP/s (counted from the layers)</th>
            <td data-testid="summary-flops">{formatFlops(summary.flopsPerSecond)}</td>
            <td>{formatFlops(summary.fullFlopsPerSecond)}</td>
            <td>{percent(summary.flopsPerSecond, summary.fullFlopsPerSecond)}</td>
          </tr>
          <tr>
            <th>Parameters</th>
            <td data-testid="summary-parameters">{formatCount(summary.parameters)}</td>
            <td>{formatCount(summary.fullParameters)}</td>
            <td>{percent(summary.parameters, summary.fullParameters)}</td>
          </tr>
          <tr>
            <th>Latency (ms per s of input; median, range of 5 timing rounds)</th>
            <td data-testid="summary-latency">{withRange(summary.latencyMsPerSecond, summary.latencyRangeMsPerSecond)}</td>
            <td>{withRange(summary.fullLatencyMsPerSecond, summary.fullLatencyRangeMsPerSecond)}</td>
            <td data-testid="summary-latency-ratio">{latencyRatio(summary)}</td>
          </tr>
          <tr>
            <th>Validation</th>
            <td colSpan={3} data-testid="summary-metric">
              {formatMetric(summary.evaluation.metric, summary.evaluation.value)}
              {summary.evaluation.auc !== null && ` · AUC ${summary.evaluation.auc.toFixed(3)}`}
              {summary.evaluationStep !== undefined && ` (validated at step ${summary.evaluationStep}, the last pass before Stop)`}
            </td>
          </tr>
          {summary.calibrationShift !== undefined && (
            <tr>
              <th>Calibrated</th>
              <td colSpan={3} data-testid="summary-calibration" title="A logit shift folded into the output bias: EER and AUC are unchanged, only where 0.5 falls moves.">
                output logit shifted by {summary.calibrationShift >= 0 ? '+' : ''}
                {summary.calibrationShift.toFixed(2)}, so that 0.5 is the best-F1 threshold on validation (the kept weights, Listen and the export use it)
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <ul className="widths" data-testid="summary-widths">
        {summary.widths.map((width) => (
          <li key={width.name}>
            <strong>{width.name}</strong>: K = {width.units.toFixed(2)} of {width.full} → {Math.ceil(width.units - 1e-6)} units kept
          </li>
        ))}
        {summary.widths.length === 0 && <li>No learnable widths (fixed-width baseline).</li>}
      </ul>
    </section>
  );
}

/** How the run was steered: its α, or its budget with every change and the final α. */
function steering({ config, budgetHistory }: RunSummary): string {
  const changes = budgetHistory ?? [{ step: 0, flopsPerSecond: config.budgetFlopsPerSecond }];
  if (changes.every((change) => change.flopsPerSecond === null)) return `α = ${formatAlpha(config.alpha)}`;
  const steps = changes.map((change, i) => {
    const what = change.flopsPerSecond === null ? 'α' : `budget ${formatFlops(change.flopsPerSecond)}`;
    return i === 0 ? what : `${what} from step ${change.step}`;
  });
  return `${steps.join(' → ')} (final α ${formatAlpha(config.alpha)})`;
}

function withRange(median: number, range: [number, number] | undefined): string {
  return range === undefined ? formatMs(median) : `${formatMs(median)} (${formatMs(range[0])}–${formatMs(range[1])})`;
}

/** A ratio only when the timing ranges do not overlap: otherwise the two cannot be told apart. */
function latencyRatio(summary: RunSummary): string {
  const small = summary.latencyRangeMsPerSecond;
  const full = summary.fullLatencyRangeMsPerSecond;
  if (small === undefined || full === undefined) return 'no timing spread stored';
  if (small[0] <= full[1] && full[0] <= small[1]) return 'within timing spread';
  return percent(summary.latencyMsPerSecond, summary.fullLatencyMsPerSecond);
}
