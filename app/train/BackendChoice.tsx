/**
 * Which tfjs backend trains, and why: each candidate's measured steps/s for the run's family
 * (timed by the worker over a few real training steps), and an override kept in the URL
 * (`?backend=wasm`). Changing the override reloads the page: the worker picks its backend at
 * startup, and the setup lives in the URL, so nothing is lost.
 */
import { formatRate } from '../../src/formatRate';
import { BACKEND_NAMES, isBackendName } from '../../src/protocol';
import { useAppStore } from '../store';

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
    </div>
  );
}
