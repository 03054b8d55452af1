// A worker_threads entry that runs a TypeScript module (workerData.entry, a file URL): Node
// cannot load .ts itself, and a worker does not inherit the parent's `--import tsx` hooks.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
