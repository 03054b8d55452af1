/// <reference lib="webworker" />
/**
 * Training-scene worker: holds the corpus's training split and makes each run's batches (scenes
 * and their power spectrogram) while the trainer worker trains on the previous ones. Started by
 * the trainer worker; the protocol is src/data/batchServer.ts.
 */
import { serveBatches, type FromBatchWorker, type ToBatchWorker } from '../src/data/batchServer';
import { fetchCorpus } from '../src/data/fetchCorpus';

declare const self: DedicatedWorkerGlobalScope;

const appBase = new URL(import.meta.env.BASE_URL, self.location.origin).href;
serveBatches(
  {
    post: (message: FromBatchWorker, transfer = []) => self.postMessage(message, transfer),
    listen: (handler: (message: ToBatchWorker) => void) => self.addEventListener('message', (event: MessageEvent<ToBatchWorker>) => handler(event.data)),
  },
  async (onProgress) => (await fetchCorpus(appBase, { splits: ['train'], onProgress })).splits.train,
);
