/**
 * Which tfjs backend trains, and why: each candidate's measured steps/s for the run's family
 * (timed by the worker over a few real training steps), and an override kept in the URL
 * (`?backend=wasm`). Changing the override reloads the page: the worker picks its backend at
 * startup, and the setup lives in the URL, so nothing is lost.
 */
import { formatRate } from '../../src/formatRate';
import { BACKEND_NAMES, isBackendName } from '../../src/protocol';
import { useEffect, useState } from 'react';
import { useAppStore } from '../store';
import { sendToWorker } from '../worker';

/** The single backend the URL names, or 'auto'. */
function urlBackend(): string {
  const value = new URLSearchParams(window.location.search).get('backend');
  return value !== null && isBackendName(value) ? value : 'auto';
}

function chooseByHand(value: string): void {
  const url = new URL(window.location.href);
  if (value === 'auto') url.searchParams.delete('backend');
  else url.searchParams.set('backend', value);
  window.location.assign(url.href);
}

export function BackendChoice() {
  const backend = useAppStore((s) => s.backend);
  const reason = useAppStore((s) => s.backendReason);
  const measurements = useAppStore((s) => s.backendMeasurements);
  const runState = useAppStore((s) => s.runState);
  const byHand = urlBackend();
  return (
    <div className="backend-choice" data-testid="backend-choice">
      <label>
        Backend{' '}
        <select data-testid="backend-select" value={byHand} disabled={runState !== 'idle'} onChange={(e) => chooseByHand(e.target.value)}>
          <option value="auto">fastest, measured</option>
          {BACKEND_NAMES.map((name) => (
            <option key={name} value={name}>
              {name} (by hand)
            </option>
          ))}
        </select>
      </label>
      {byHand !== 'auto' && <span className="hint"> chosen by hand in the URL (backend={byHand})</span>}
      {reason !== '' && (
        <p className="hint" data-testid="stat-backend-reason">
          {backend ?? 'Backend'}: {reason}
        </p>
      )}
      {measurements !== null && (
        <ul className="hint" data-testid="backend-measurements">
          {measurements.map((m) => (
            <li key={m.backend} data-backend={m.backend} data-steps-per-second={m.stepsPerSecond ?? ''}>
              {m.backend}: {m.stepsPerSecond === null ? 'not timed' : formatRate(m.stepsPerSecond)} ({m.note}){m.backend === backend ? ' ← in use' : ''}
            </li>
          ))}
        </ul>
      )}
      <BackendCheck />
    </div>
  );
}

/**
 * Runs the same training computation (src/backendCheck.ts) for the setup's family on every
 * backend and shows the loss, complexity term, FLOP/s and dL/dκ side by side: they should agree
 * to float precision; a backend that disagrees computes something else than the others.
 */
export function BackendCheck() {
  const check = useAppStore((s) => s.backendCheck);
  const modelId = useAppStore((s) => s.setup.modelId);
  const runState = useAppStore((s) => s.runState);
  const [pending, setPending] = useState(false);
  useEffect(() => setPending(false), [check]);
  const run = () => {
    setPending(true);
    sendToWorker({ type: 'checkBackends', modelId, backends: [...BACKEND_NAMES] });
  };
  const number = (v: number) => (Number.isFinite(v) ? v.toPrecision(6) : '–');
  return (
    <div className="backend-check">
      <button type="button" data-testid="check-backends" disabled={runState !== 'idle' || pending} onClick={run}>
        {pending ? 'Checking the backends…' : 'Check that the backends agree'}
      </button>
      {check !== null && (
        <table className="hint" data-testid="backend-check" data-model={check.modelId}>
          <thead>
            <tr>
              <th>{check.modelId}</th>
              <th>loss</th>
              <th>complexity term</th>
              <th>FLOP/s</th>
              <th>dL/dκ</th>
            </tr>
          </thead>
          <tbody>
            {check.results.map((r) => (
              <tr key={r.backend} data-backend={r.backend}>
                <td>{r.backend}</td>
                {r.error !== undefined ? (
                  <td colSpan={4}>not run: {r.error}</td>
                ) : (
                  <>
                    <td>{number(r.loss)}</td>
                    <td>{number(r.complexityTerm)}</td>
                    <td>{number(r.flopsPerSecond)}</td>
                    <td>{r.kappaGradients.map(number).join(', ')}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
