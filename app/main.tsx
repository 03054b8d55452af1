import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MODEL_IDS } from '../src/protocol';
import { App } from './App';
import { checkPretrained } from './train/pretrained';
import { loadStoredSweep } from './curve/sweepClient';
import { loadRuns } from './runs/runStore';
import { useAppStore, type AppState } from './store';
import { readSetup, serializeSetup } from './urlState';
import { setupBase } from './train/firstVisit';
import { startWorker } from './worker';
import './styles.css';

declare global {
  interface Window {
    /** Read-only view of the UI state, for tests and for poking around in devtools. */
    __explorer?: { readonly state: () => AppState };
  }
}

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

const fromUrl = readSetup(window.location.search, setupBase(window.location.search));
useAppStore.getState().setSetup(fromUrl.setup);
if (fromUrl.rejected.length > 0) {
  useAppStore.getState().addNotice(`The link's setup was loaded without these parameters: ${fromUrl.rejected.join('; ')}.`);
}

function writeSetupToUrl(): void {
  const query = serializeSetup(useAppStore.getState().setup, window.location.search);
  window.history.replaceState(null, '', `${window.location.pathname}${query}${window.location.hash}`);
}

// The URL follows the setup (debounced: dragging the slider must not flood the history API).
let urlTimer: ReturnType<typeof setTimeout> | null = null;
writeSetupToUrl();
useAppStore.subscribe((state, previous) => {
  if (state.setup === previous.setup) return;
  if (urlTimer !== null) clearTimeout(urlTimer);
  urlTimer = setTimeout(writeSetupToUrl, 250);
});

// The kept sweep is read once the saved runs are known: its run in progress may be among them.
loadRuns()
  .then(({ runs, skipped, notice }) => {
    const state = useAppStore.getState();
    state.setFinishedRuns(runs);
    loadStoredSweep(runs);
    if (skipped.length > 0) state.addNotice(`Skipped ${skipped.length} stored run(s) that could not be read: ${skipped.join('; ')}.`);
    if (notice !== null) state.addNotice(notice);
  })
  .catch((error: unknown) => {
    useAppStore.getState().reportError(`Could not load finished runs: ${String(error)}`);
    loadStoredSweep([]);
  });

Object.defineProperty(window, '__explorer', { value: Object.freeze({ state: () => useAppStore.getState() }) });

startWorker();
for (const modelId of MODEL_IDS) checkPretrained(modelId);
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
