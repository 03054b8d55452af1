/** The last finished run: its consolidated (physically smaller) model, measured. */
import { formatAlpha } from './alphaScale';
import { formatCount, formatFlops, formatMetric, formatMs, formatSeconds, percent } from './format';
import { MODEL_CATALOG } from '../src/models/catalog';
import { METHOD_LABELS } from './models';
import { useAppStore } from './store';

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
      <h2>Last finished run</h2>
      <p className="hint">
        {MODEL_CATALOG[config.modelId].displayName} · {METHOD_LABELS[config.method]} ·{' '}
        {config.budgetFlopsPerSecond === null ? `α = ${formatAlpha(config.alpha)}` : `budget ${formatFlops(config.budgetFlopsPerSecond)} (final α ${formatAlpha(config.alpha)})`} · seed{' '}
        {config.seed} · {summary.steps} steps{summary.stoppedEarly ? ' (stopped early)' : ''} in {formatSeconds(summary.wallSeconds)} on {summary.backend}
      </p>
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
            <th>FLOP/s (measured)</th>
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
            <th>Latency (ms per s of input)</th>
            <td data-testid="summary-latency">{formatMs(summary.latencyMsPerSecond)}</td>
            <td>{formatMs(summary.fullLatencyMsPerSecond)}</td>
            <td>{percent(summary.latencyMsPerSecond, summary.fullLatencyMsPerSecond)}</td>
          </tr>
          <tr>
            <th>Validation</th>
            <td colSpan={3} data-testid="summary-metric">
              {formatMetric(summary.evaluation.metric, summary.evaluation.value)}
              {summary.evaluation.auc !== null && ` · AUC ${summary.evaluation.auc.toFixed(3)}`}
            </td>
          </tr>
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
