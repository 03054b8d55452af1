/** Node's training-batch worker (worker_threads): the training split from disk, served by src/data/batchServer.ts. */
import { parentPort } from 'node:worker_threads';
import { serveBatches, type FromBatchWorker, type ToBatchWorker } from '../../src/data/batchServer';
import { loadCorpusFromDisk } from '../../src/data/nodeCorpus';

const port = parentPort!;
serveBatches(
  {
    post: (message: FromBatchWorker, transfer) => port.postMessage(message, transfer),
    listen: (handler: (message: ToBatchWorker) => void) => port.on('message', handler),
  },
  async (onProgress) => (await loadCorpusFromDisk(undefined, { splits: ['train'], onProgress })).splits.train,
);
