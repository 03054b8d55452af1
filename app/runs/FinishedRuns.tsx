/** Every finished run (kept in IndexedDB across reloads), newest first: each deletable, and Clear asks first. */
import { memo, useState } from 'react';
import type { RunSummary } from '../../src/protocol';
import { clearFinishedRuns, deleteFinishedRun } from '../actions';
import { formatAlpha } from '../train/alphaScale';
import { formatFlops, formatMetric } from '../format';
import { useAppStore } from '../store';
import { showRun } from './runSelection';

const reportFailure = (what: string) => (error: unknown) => useAppStore.getState().reportError(`Could not ${what}: ${String(error)}`);

export function FinishedRuns() {
  const runs = useAppStore((s) => s.finishedRuns);
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="panel finished-runs" data-testid="finished-runs" data-count={runs.length}>
      <h2>
        Finished runs <span className="count">{runs.length}</span>
        {!confirming && (
          <button type="button" data-testid="clear-runs" disabled={runs.length === 0} onClick={() => setConfirming(true)}>
            Clear…
          </button>
        )}
      </h2>
      {confirming && (
        <p className="warning" role="alertdialog" aria-label="Delete every finished run?" data-testid="clear-confirm">
          Delete all {runs.length} finished runs? This cannot be undone.{' '}
          <button
            type="button"
            data-testid="clear-runs-confirm"
            onClick={() => {
              setConfirming(false);
              clearFinishedRuns().catch(reportFailure('clear runs'));
            }}
          >
            Delete all
          </button>{' '}
          <button type="button" data-testid="clear-runs-cancel" autoFocus onClick={() => setConfirming(false)}>
            Keep them
          </button>
        </p>
      )}
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
                <th>
                  <span className="visually-hidden">delete</span>
                </th>
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
  const diverged = run.diverged != null;
  return (
    <tr data-testid="finished-run" data-run-id={run.runId} className={diverged ? 'diverged' : undefined}>
      <td>
        <button type="button" className="link-button" data-testid="show-run" aria-label={`Show run ${run.runId}`} onClick={() => showRun(run.runId)}>
          {run.config.modelId}
        </button>
      </td>
      <td title={run.config.trainedAtWidthsOf === undefined ? undefined : `trained on at the consolidated widths of run ${run.config.trainedAtWidthsOf.runId} (learned by ${run.config.trainedAtWidthsOf.learnedBy})`}>
        {run.config.trainedAtWidthsOf === undefined ? run.config.method : `${run.config.trainedAtWidthsOf.learnedBy}, at widths`}
      </td>
      <td>{run.config.budgetFlopsPerSecond === null ? formatAlpha(run.config.alpha) : formatFlops(run.config.budgetFlopsPerSecond)}</td>
      <td>{run.config.seed}</td>
      <td>
        {run.steps}
        {diverged && (
          <span className="badge diverged" title={run.diverged!.reason} data-testid="diverged-badge">
            {' '}
            diverged
          </span>
        )}
      </td>
      <td>{formatFlops(run.flopsPerSecond)}</td>
      <td>{formatMetric(run.evaluation.metric, run.evaluation.value)}</td>
      <td>
        <button
          type="button"
          className="delete-run"
          data-testid="delete-run"
          aria-label={`Delete run ${run.config.modelId} ${run.config.method} seed ${run.config.seed}, ${formatMetric(run.evaluation.metric, run.evaluation.value)}`}
          onClick={() => deleteFinishedRun(run.runId).catch(reportFailure('delete the run'))}
        >
          ×
        </button>
      </td>
    </tr>
  );
});
