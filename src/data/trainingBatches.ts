/**
 * The training batches of a run, as plain arrays: random scenes of the training split and
 * their power spectrogram (the front end up to the model's own log-mel layer). A run's batches
 * are a pure function of its seed, wherever they are made.
 *
 * Making them costs about as much CPU as a CRNN training step, so a host can make them on
 * another thread while the step runs: `inlineBatches` makes each batch when it is asked for;
 * batchServer.ts's `BatchClient.open` keeps the next ones in the making in a worker.
 */
import { N_FREQ, powerSpectrogramSamples } from '../audio/features';
import { sampleBatch } from './batches';
import type { CorpusSplit } from './corpus';
import { maskFrequencies, type FrequencyMasking } from './frequencyMasks';
import { createRng } from './random';
import type { SceneOptions } from './scenes';

export interface TrainingBatchSpec {
  batchSize: number;
  /** Seconds of audio per example. */
  seconds: number;
  /** Seeds the scene generator: the same seed gives the same batches in the same order. */
  seed: number;
  scenes: Partial<SceneOptions>;
  /** Frequency masks on each example's spectrogram (none when absent). */
  frequencyMasks?: FrequencyMasking;
}

export interface TrainingBatch {
  /** [batchSize, frames, N_FREQ] row-major. */
  power: Float32Array;
  /** [batchSize, frames] row-major, 1 = speech. */
  labels: Float32Array;
  batchSize: number;
  frames: number;
}

/** Where a run's training batches come from, in order. */
export interface BatchSource {
  next(): Promise<TrainingBatch>;
  close(): void;
}

/** The batch maker of one run: each call makes the next batch of the seed's sequence. */
export function batchMaker(split: CorpusSplit, spec: TrainingBatchSpec): () => TrainingBatch {
  const rng = createRng(spec.seed);
  return () => {
    const batch = sampleBatch(split, spec.batchSize, spec.seconds, rng, spec.scenes);
    const power = powerSpectrogramSamples(batch.audio, batch.batchSize);
    if (power.length !== batch.batchSize * batch.frames * N_FREQ) throw new Error('batchMaker: unexpected spectrogram size');
    if (spec.frequencyMasks) maskFrequencies(power, batch.batchSize, batch.frames, spec.frequencyMasks, rng);
    return { power, labels: Float32Array.from(batch.labels), batchSize: batch.batchSize, frames: batch.frames };
  };
}

/** Batches made on the calling thread when asked for (tests, sweeps that already fill every core). */
export function inlineBatches(split: CorpusSplit, spec: TrainingBatchSpec): BatchSource {
  const make = batchMaker(split, spec);
  return { next: async () => make(), close() {} };
}
