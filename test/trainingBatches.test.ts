import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchClient, serveBatches, type Endpoint, type FromBatchWorker, type ToBatchWorker } from '../src/data/batchServer';
import type { Corpus, CorpusSplit } from '../src/data/corpus';
import { loadCorpusFromDisk } from '../src/data/nodeCorpus';
import { inlineBatches, type TrainingBatchSpec } from '../src/data/trainingBatches';
import { TRAINING_SCENE_OPTIONS } from '../src/train/vadTask';
import { workerBatches } from '../scripts/lib/node';
import { hzToMel, N_FREQ } from '../src/audio/features';
import { SAMPLE_RATE } from '../src/audio/frames';
import { maskFrequencies } from '../src/data/frequencyMasks';
import { createRng } from '../src/data/random';

let corpus: Corpus;
beforeAll(async () => {
  corpus = await loadCorpusFromDisk();
});

const spec: TrainingBatchSpec = { batchSize: 3, seconds: 1, seed: 5, scenes: TRAINING_SCENE_OPTIONS };

/** Two endpoints joined in this thread, messages delivered as macrotasks like a worker's. */
function pipe(): { server: Endpoint<ToBatchWorker, FromBatchWorker>; client: Endpoint<FromBatchWorker, ToBatchWorker> } {
  const toServer: ((m: ToBatchWorker) => void)[] = [];
  const toClient: ((m: FromBatchWorker) => void)[] = [];
  return {
    server: { post: (m) => setTimeout(() => toClient.forEach((h) => h(m))), listen: (h) => toServer.push(h) },
    client: { post: (m) => setTimeout(() => toServer.forEach((h) => h(m))), listen: (h) => toClient.push(h) },
  };
}

describe('training batches made on another thread', () => {
  const worker = workerBatches();
  afterAll(() => worker.terminate());

  it('a worker thread gives exactly the batches of the seed that this thread would make, in order', async () => {
    const here = inlineBatches(corpus.splits.train, spec);
    const there = worker.client.open(spec);
    for (let i = 0; i < 3; i++) {
      const [a, b] = [await here.next(), await there.next()];
      expect([b.batchSize, b.frames]).toEqual([a.batchSize, a.frames]);
      expect(b.power).toEqual(a.power);
      expect(b.labels).toEqual(a.labels);
    }
    there.close();
  }, 60_000);

  it('two runs over one worker each get their own seed sequence', async () => {
    const [a, b] = [worker.client.open(spec), worker.client.open({ ...spec, seed: 6 })];
    const [x, y] = [await a.next(), await b.next()];
    expect(x.power).toEqual((await inlineBatches(corpus.splits.train, spec).next()).power);
    expect(y.power).not.toEqual(x.power);
    a.close();
    b.close();
  }, 60_000);

  it('a failed load rejects with the reason and is tried again; a split that cannot make scenes fails every request of its run', async () => {
    const { server, client } = pipe();
    let loads = 0;
    const empty: CorpusSplit = { ...corpus.splits.train, speech: [] };
    serveBatches(server, async () => {
      loads++;
      if (loads === 1) throw new Error('corpus file corpus/x.flac could not be fetched: HTTP 404');
      return empty;
    });
    const runs = new BatchClient(client);
    await expect(runs.load()).rejects.toThrow(/training scenes: corpus file corpus\/x\.flac could not be fetched: HTTP 404/);
    await runs.load();
    expect(loads).toBe(2);
    const batches = runs.open(spec);
    await expect(batches.next()).rejects.toThrow(/training scenes: .*has no speech or no noise/);
    await expect(batches.next()).rejects.toThrow(/has no speech or no noise/);
  });

  it('a run opened while the load fails gets the load\'s reason', async () => {
    const { server, client } = pipe();
    serveBatches(server, async () => {
      throw new Error('corpus file corpus/y.flac is not FLAC');
    });
    const batches = new BatchClient(client).open(spec);
    await expect(batches.next()).rejects.toThrow(/training scenes: corpus file corpus\/y\.flac is not FLAC/);
  });

  it('a crashed worker fails the requests waiting on it, now and later', async () => {
    const { client } = pipe(); // nobody serves: requests wait
    const batches = new BatchClient(client);
    const source = batches.open(spec);
    const waiting = source.next();
    batches.fail('worker crashed (out of memory)');
    await expect(waiting).rejects.toThrow(/worker crashed/);
    await expect(batches.open(spec).next()).rejects.toThrow(/worker crashed/);
  });
});

describe('frequency masks on training batches', () => {
  const masks = { count: 2, maxMelFraction: 0.15 };

  it('zero each example\'s masked bins in every frame, no wider than the widest mask on the mel scale, and leave the rest as made', async () => {
    const plain = await inlineBatches(corpus.splits.train, spec).next();
    const masked = await inlineBatches(corpus.splits.train, { ...spec, frequencyMasks: masks }).next();
    expect(masked.labels).toEqual(plain.labels);
    const melTop = hzToMel(SAMPLE_RATE / 2);
    const binHz = SAMPLE_RATE / 2 / (N_FREQ - 1);
    let maskedBins = 0;
    for (let b = 0; b < spec.batchSize; b++) {
      const zeroBins: number[] = [];
      for (let f = 0; f < N_FREQ; f++) {
        const column = Array.from({ length: masked.frames }, (_, t) => masked.power[(b * masked.frames + t) * N_FREQ + f]);
        const original = Array.from({ length: plain.frames }, (_, t) => plain.power[(b * plain.frames + t) * N_FREQ + f]);
        if (column.every((v) => v === 0)) zeroBins.push(f);
        else expect(column).toEqual(original);
      }
      expect(zeroBins.length).toBeGreaterThan(0);
      // Runs of zeroed bins (overlapping masks merge): at most `count`, spanning no more of the mel scale than `count` widest masks.
      const runs = zeroBins.reduce<number[][]>((all, f) => (all.length && all[all.length - 1].at(-1) === f - 1 ? all[all.length - 1].push(f) : all.push([f]), all), []);
      expect(runs.length).toBeLessThanOrEqual(masks.count);
      const melSpan = runs.reduce((sum, run) => sum + hzToMel(run.at(-1)! * binHz) - hzToMel(run[0] * binHz), 0);
      expect(melSpan).toBeLessThanOrEqual(masks.count * masks.maxMelFraction * melTop);
      maskedBins += zeroBins.length;
    }
    expect(maskedBins).toBeGreaterThan(spec.batchSize);
  }, 60_000);

  it('are part of the seed: a worker thread masks the same bins', async () => {
    const worker = workerBatches();
    try {
      const withMasks = { ...spec, frequencyMasks: masks };
      expect((await worker.client.open(withMasks).next()).power).toEqual((await inlineBatches(corpus.splits.train, withMasks).next()).power);
    } finally {
      worker.terminate();
    }
  }, 60_000);

  it('refuse a mask wider than the spectrum or a fractional count', () => {
    const power = new Float32Array(N_FREQ);
    expect(() => maskFrequencies(power, 1, 1, { count: 1, maxMelFraction: 1 }, createRng(1))).toThrow(/fraction in \(0, 1\)/);
    expect(() => maskFrequencies(power, 1, 1, { count: 1.5, maxMelFraction: 0.1 }, createRng(1))).toThrow(/whole number/);
  });
});
