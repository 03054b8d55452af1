/**
 * Whether a family's full-width weights (`<base>models/<id>-full.weights.json`, made by
 * `npm run sweep -- vad --family <id>`) are served by the app's own origin, and whether
 * the setup can start from them.
 */
import { MODEL_CATALOG, pretrainedWeightsPath } from '../../src/models/catalog';
import type { ModelId, RunConfig } from '../../src/protocol';
import { useAppStore } from '../store';

export type PretrainedAvailability = 'checking' | 'available' | 'missing';

export function pretrainedUrl(modelId: ModelId): string {
  return `${import.meta.env.BASE_URL}${pretrainedWeightsPath(modelId)}`;
}

export function makeWeightsHint(modelId: ModelId): string {
  return `No pretrained weights at ${pretrainedWeightsPath(modelId)}: make them with \`npm run sweep -- vad --family ${modelId}\`, then reload.`;
}

/**
 * A HEAD request: the weights are megabytes and the worker fetches them when a run starts.
 * A server that answers every path with index.html (the dev server's SPA fallback) is not
 * taken for the file.
 */
async function weightsServed(modelId: ModelId): Promise<boolean> {
  try {
    const response = await fetch(pretrainedUrl(modelId), { method: 'HEAD', cache: 'no-store' });
    // Reading the (empty) body finishes the request: left unread, Chromium cancels it and logs
    // it as aborted (net::ERR_ABORTED) on every page load.
    await response.arrayBuffer();
    return response.ok && !(response.headers.get('content-type') ?? '').includes('text/html');
  } catch {
    return false;
  }
}

/** Checks (again) whether the family's weights are served; the store keeps the answer. */
export function checkPretrained(modelId: ModelId): void {
  if (!MODEL_CATALOG[modelId].pretrainable) return;
  const { pretrained, setPretrained } = useAppStore.getState();
  if (pretrained[modelId] === undefined) setPretrained(modelId, 'checking');
  weightsServed(modelId).then((served) => useAppStore.getState().setPretrained(modelId, served ? 'available' : 'missing'));
}

/** Why the setup's init cannot run as chosen, or null when it can. */
export function initProblem(setup: RunConfig, availability: PretrainedAvailability | undefined): string | null {
  if (setup.init !== 'pretrained') return null;
  const entry = MODEL_CATALOG[setup.modelId];
  if (!entry.pretrainable) return `${entry.displayName} has no pretrained weights: choose “from scratch”.`;
  if (availability === 'checking' || availability === undefined) return 'Checking for pretrained weights…';
  if (availability === 'missing') return makeWeightsHint(setup.modelId);
  return null;
}
