/** Every finished run (kept in IndexedDB across reloads), newest first, with a clear button. */
import { memo } from 'react';
import type { RunSummary } from '../src/protocol';
import { clearFinishedRuns } from './actions';
import { formatAlpha } from './alphaScale';
import { formatFlops, formatMetric } from './format';
import { useAppStore } from './store';

export function FinishedRuns() {
  const runs = useAppStore((s) => s.finishedRuns);
  const reportError = useAppStore((s) => s.reportError);
  return (
    <section className="panel finished-runs" data-testid="finished-runs" data-count={runs.length}>
      <h2>
        Finished runs <span className="count">{runs.length}</span>
        <button
          type="button"
          data-testid="clear-runs"
          disabled={runs.length === 0}
          onClick={() => clearFinishedRuns().catch((error: unknown) => reportError(`Could not clear runs: ${String(error)}`))}
        >
          Clear
        </button>
      </h2>
      {runs.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>model</th>
                <th>method</th>
                <th>α / budget</th>
                <th>seed</th>
                <th>steps</th>
                <th>FLOP/s</th>
                <th>validation</th>
              </tr>
            </thead>
            <tbody>
              {[...runs].reverse().map((run) => (
                <FinishedRunRow key={run.runId} run={run} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** One row; memoised, so a new finished run renders only its own row. */
const FinishedRunRow = memo(function FinishedRunRow({ run }: { run: RunSummary }) {
  return (
    <tr data-testid="finished-run">
      <td>{run.config.modelId}</td>
      <td>{run.config.method}</td>
      <td>{run.config.budgetFlopsPerSecond === null ? formatAlpha(run.config.alpha) : formatFlops(run.config.budgetFlopsPerSecond)}</td>
      <td>{run.config.seed}</td>
      <td>{run.steps}</td>
      <td>{formatFlops(run.flopsPerSecond)}</td>
      <td>{formatMetric(run.evaluation.metric, run.evaluation.value)}</td>
    </tr>
  );
});
