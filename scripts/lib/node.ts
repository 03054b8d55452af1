/** Node hosts (sweep, bench, tests): backend choice and the bundled data read from public/. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BatchClient, type FromBatchWorker, type ToBatchWorker } from '../../src/data/batchServer';
import type { SavedWeights } from '../../src/dcl/weights';
import type { Corpus } from '../../src/data/corpus';
import { DEFAULT_PUBLIC_DIR, loadCorpusFromDisk } from '../../src/data/nodeCorpus';
import { pretrainedWeightsPath } from '../../src/models/catalog';
import type { TaskSources } from '../../src/train/tasks';

/** wasm is ≈ 4× faster than the pure-JS cpu backend for these models in Node. */
export async function useBackend(name: 'wasm' | 'cpu'): Promise<string> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} is not available`);
  await tf.ready();
  return tf.getBackend();
}

let corpus: Promise<Corpus> | null = null;
export const diskSources: TaskSources = {
  loadCorpus: () => (corpus ??= loadCorpusFromDisk()),
  async loadPretrained(modelId) {
    const file = join(DEFAULT_PUBLIC_DIR, pretrainedWeightsPath(modelId));
    return JSON.parse(await readFile(file, 'utf8')) as SavedWeights;
  },
};

/**
 * Training batches made on a worker thread (scripts/lib/batchWorker.ts) while this one trains.
 * `terminate` ends the worker (a live worker keeps the process running).
 */
export function workerBatches(): { client: BatchClient; terminate: () => Promise<number> } {
  const worker = new Worker(new URL('./tsWorker.mjs', import.meta.url), { workerData: { entry: new URL('./batchWorker.ts', import.meta.url).href } });
  const client = new BatchClient({
    post: (message: ToBatchWorker, transfer) => worker.postMessage(message, transfer),
    listen: (handler: (message: FromBatchWorker) => void) => worker.on('message', handler),
  });
  worker.on('error', (error) => client.fail(error.message));
  return { client, terminate: () => worker.terminate() };
}
