/**
 * Training batches made on another thread: the serving side runs in a worker that holds the
 * training split (workers/batch.worker.ts in the browser, scripts/lib/batchWorker.ts in Node),
 * the client side in the thread that trains. One message protocol, any number of runs
 * ("streams") over one worker, each stream a run's batch sequence for its seed.
 *
 * The client keeps `depth` batches requested ahead, so the worker makes the next batches while
 * the current step runs and a step waits only when the worker falls behind.
 */
import type { CorpusSplit, LoadProgress } from './corpus';
import { batchMaker, type BatchSource, type TrainingBatch, type TrainingBatchSpec } from './trainingBatches';

export type ToBatchWorker =
  | { type: 'load' }
  | { type: 'open'; stream: number; spec: TrainingBatchSpec }
  | { type: 'next'; stream: number }
  | { type: 'close'; stream: number };

export type FromBatchWorker =
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'loaded' }
  | { type: 'loadFailed'; message: string }
  | { type: 'batch'; stream: number; batch: TrainingBatch }
  | { type: 'error'; stream: number; message: string };

/** One side of a message channel, whatever the host's worker API. */
export interface Endpoint<In, Out> {
  post(message: Out, transfer?: ArrayBuffer[]): void;
  listen(handler: (message: In) => void): void;
}

/** What a Worker and a worker's own global scope share for messages. */
interface MessageTarget {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** The endpoint of a browser worker, seen from either side: the page's Worker object or the worker's `self`. */
export function workerEndpoint<In, Out>(target: MessageTarget): Endpoint<In, Out> {
  return {
    post: (message, transfer = []) => target.postMessage(message, transfer),
    listen: (handler) => target.addEventListener('message', (event) => handler(event.data as In)),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The worker side: loads the training split once (`loadSplit`, reporting progress), then
 * makes each requested batch in turn, one macrotask each so that a `close` is seen between
 * batches, and transfers it back.
 */
export function serveBatches(endpoint: Endpoint<ToBatchWorker, FromBatchWorker>, loadSplit: (onProgress: (p: LoadProgress) => void) => Promise<CorpusSplit>): void {
  let split: Promise<CorpusSplit> | null = null;
  const makers = new Map<number, Promise<() => TrainingBatch>>();
  const queue: number[] = [];
  let running = false;

  const work = async () => {
    running = true;
    while (queue.length > 0) {
      const stream = queue.shift()!;
      const maker = makers.get(stream);
      if (maker === undefined) continue; // closed while queued
      try {
        const batch = (await maker)();
        if (makers.has(stream)) endpoint.post({ type: 'batch', stream, batch }, [batch.power.buffer as ArrayBuffer, batch.labels.buffer as ArrayBuffer]);
      } catch (error) {
        // Each later request of the stream fails the same way (its run sees the first).
        endpoint.post({ type: 'error', stream, message: messageOf(error) });
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    running = false;
  };

  // A failed load is tried again by the next request rather than kept.
  const load = () =>
    (split ??= loadSplit((progress) => {
      if (progress.files % 25 === 0 || progress.files === progress.totalFiles) endpoint.post({ type: 'progress', progress });
    }).catch((error: unknown) => {
      split = null;
      throw error;
    }));

  endpoint.listen((message) => {
    if (message.type === 'load') {
      load().then(
        () => endpoint.post({ type: 'loaded' }),
        (error: unknown) => endpoint.post({ type: 'loadFailed', message: messageOf(error) }),
      );
    } else if (message.type === 'open') {
      const maker = load().then((s) => batchMaker(s, message.spec));
      maker.catch(() => {}); // reported per request
      makers.set(message.stream, maker);
    } else if (message.type === 'next') {
      queue.push(message.stream);
      if (!running) void work();
    } else {
      makers.delete(message.stream);
    }
  });
}

/** A request's failure as the run reports it: what went wrong where the scenes are made. */
function scenesError(reason: string): Error {
  return new Error(`training scenes: ${reason}`);
}

interface Waiter {
  resolve(batch: TrainingBatch): void;
  reject(error: Error): void;
  promise: Promise<TrainingBatch>;
}

function waiter(): Waiter {
  let resolve!: (batch: TrainingBatch) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<TrainingBatch>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a request never awaited (the run stopped) must not be an unhandled rejection
  return { resolve, reject, promise };
}

/** The training thread's side: opens one stream per run over a worker's endpoint. */
export class BatchClient {
  private nextStream = 1;
  /** Per open stream, its requests not yet answered, oldest first (answers come in order). */
  private readonly unanswered = new Map<number, Waiter[]>();
  private failure: string | null = null;
  private loading: { resolve(): void; reject(error: Error): void }[] = [];

  constructor(
    private readonly endpoint: Endpoint<FromBatchWorker, ToBatchWorker>,
    private readonly onProgress: (progress: LoadProgress) => void = () => {},
  ) {
    endpoint.listen((message) => {
      if (message.type === 'progress') {
        this.onProgress(message.progress);
        return;
      }
      if (message.type === 'loaded' || message.type === 'loadFailed') {
        for (const l of this.loading.splice(0)) {
          if (message.type === 'loaded') l.resolve();
          else l.reject(scenesError(message.message));
        }
        return;
      }
      const waiting = this.unanswered.get(message.stream)?.shift();
      if (message.type === 'batch') waiting?.resolve(message.batch);
      else waiting?.reject(scenesError(message.message));
    });
  }

  /** Resolves once the worker holds the training split (it loads it now if it has not yet). */
  load(): Promise<void> {
    if (this.failure !== null) return Promise.reject(scenesError(this.failure));
    return new Promise((resolve, reject) => {
      this.loading.push({ resolve, reject });
      this.endpoint.post({ type: 'load' });
    });
  }

  /** Every stream's requests fail with this message from now on (the worker crashed). */
  fail(message: string): void {
    this.failure = message;
    for (const l of this.loading.splice(0)) l.reject(scenesError(message));
    for (const waiters of this.unanswered.values()) for (const w of waiters.splice(0)) w.reject(scenesError(message));
  }

  /** A run's batches for `spec`, `depth` of them requested ahead. */
  open(spec: TrainingBatchSpec, depth = 2): BatchSource {
    const id = this.nextStream++;
    const unanswered: Waiter[] = [];
    this.unanswered.set(id, unanswered);
    this.endpoint.post({ type: 'open', stream: id, spec });
    // Requests not yet taken by next(), oldest first.
    const ahead: Waiter[] = [];
    const request = () => {
      const w = waiter();
      ahead.push(w);
      if (this.failure !== null) {
        w.reject(scenesError(this.failure));
        return;
      }
      unanswered.push(w);
      this.endpoint.post({ type: 'next', stream: id });
    };
    for (let i = 0; i < depth; i++) request();
    return {
      next: () => {
        const w = ahead.shift()!;
        request();
        return w.promise;
      },
      close: () => {
        this.unanswered.delete(id);
        this.endpoint.post({ type: 'close', stream: id });
      },
    };
  }
}
