/// <reference lib="webworker" />
/**
 * Training-scene worker: holds the corpus's training split and makes each run's batches (scenes
 * and their power spectrogram) while the trainer worker trains on the previous ones. Started by
 * the trainer worker; the protocol is src/data/batchServer.ts.
 */
import { serveBatches, workerEndpoint, type FromBatchWorker, type ToBatchWorker } from '../src/data/batchServer';
import { fetchCorpus } from '../src/data/fetchCorpus';

declare const self: DedicatedWorkerGlobalScope;

const appBase = new URL(import.meta.env.BASE_URL, self.location.origin).href;
serveBatches(
  workerEndpoint<ToBatchWorker, FromBatchWorker>(self),
  async (onProgress) => (await fetchCorpus(appBase, { splits: ['train'], onProgress })).splits.train,
);
