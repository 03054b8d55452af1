/**
 * Batches of scenes as plain typed arrays (row-major), so the caller decides how and where
 * to turn them into tensors (and disposes them).
 */
import { frameCount } from '../audio/frames';
import type { CorpusSplit } from './corpus';
import type { Rng } from './random';
import { makeScene } from './scenes';
import type { Scene, SceneOptions } from './scenes';

export interface Batch {
  /** [batchSize × samples], row-major. */
  audio: Float32Array;
  /** [batchSize × frames], 1 = speech. */
  labels: Uint8Array;
  /** [batchSize × frames], SNR in dB of the segment each frame lies in. */
  snr: Float32Array;
  batchSize: number;
  samples: number;
  frames: number;
}

/** Stacks equally long scenes into one batch. */
export function stackScenes(scenes: readonly Scene[]): Batch {
  if (scenes.length === 0) throw new Error('stackScenes: no scenes');
  const samples = scenes[0].audio.length;
  const frames = frameCount(samples);
  const batch: Batch = {
    audio: new Float32Array(scenes.length * samples),
    labels: new Uint8Array(scenes.length * frames),
    snr: new Float32Array(scenes.length * frames),
    batchSize: scenes.length,
    samples,
    frames,
  };
  scenes.forEach((scene, b) => {
    if (scene.audio.length !== samples) throw new Error('stackScenes: scenes differ in length');
    batch.audio.set(scene.audio, b * samples);
    batch.labels.set(scene.labels, b * frames);
    batch.snr.set(scene.snrDb, b * frames);
  });
  return batch;
}

/** A batch of fresh random scenes from one split (training samples these on the fly). */
export function sampleBatch(
  split: CorpusSplit,
  batchSize: number,
  seconds: number,
  rng: Rng,
  options: Partial<SceneOptions> = {},
): Batch {
  const scenes = Array.from({ length: batchSize }, () => makeScene(split, seconds, rng, options));
  return stackScenes(scenes);
}
