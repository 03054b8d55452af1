/**
 * Long-form training/evaluation mixtures ("scenes"): utterances separated by random gaps on a
 * looped noise bed. Each utterance gets its own SNR (uniform over snrRangeDb, definition in
 * audio/mix.ts); the whole scene gets a random level. Gaps are sized so speech and
 * non-speech frames are roughly balanced. Everything is drawn from the given Rng, so a scene
 * is a pure function of (split, seconds, rng state).
 */
import { FRAME_HOP, FRAME_LENGTH, SAMPLE_RATE, frameCount } from '../audio/frames';
import { activeSpeechPower, dbToAmplitude, meanSquare, speechGainForSnr } from '../audio/mix';
import type { CorpusSplit, NoiseClip } from './corpus';
import { createRng } from './random';
import type { Rng } from './random';

export interface SceneOptions {
  /** Per-utterance SNR is uniform in [min, max] dB. */
  snrRangeDb: [number, number];
  /** Scene RMS level is uniform in [min, max] dBFS (lowered if the peak would clip). */
  levelRangeDb: [number, number];
  /** Shortest gap between utterances, seconds. */
  minGapSec: number;
  /** Longest silence before the first utterance, seconds. */
  maxLeadSec: number;
}

export const DEFAULT_SCENE_OPTIONS: SceneOptions = {
  snrRangeDb: [-5, 35],
  levelRangeDb: [-40, -15],
  minGapSec: 0.2,
  maxLeadSec: 1,
};

export interface PlacedUtterance {
  id: string;
  /** First sample in the scene (a multiple of FRAME_HOP, so utterance frames are scene frames). */
  start: number;
  length: number;
  snrDb: number;
}

export interface Scene {
  audio: Float32Array;
  /** 1 = speech, per frame (frameCount(audio.length) frames). */
  labels: Uint8Array;
  /** Per frame: SNR of the utterance whose segment (utterance plus following gap) covers it. */
  snrDb: Float32Array;
  noiseId: string;
  utterances: PlacedUtterance[];
}

/** Crossfade length at the loop seam, so looping a noise file does not click. */
const SEAM = 320;
const loopable = new WeakMap<Float32Array, Float32Array>();

/** The clip with its end crossfaded into its start, so it can repeat without a seam. */
function loopableNoise(clip: NoiseClip): Float32Array {
  const cached = loopable.get(clip.audio);
  if (cached) return cached;
  const x = clip.audio;
  if (x.length < 4 * SEAM) {
    loopable.set(x, x);
    return x;
  }
  const y = x.slice(0, x.length - SEAM);
  for (let j = 0; j < SEAM; j++) {
    const t = j / SEAM;
    y[j] = x[j] * t + x[x.length - SEAM + j] * (1 - t);
  }
  loopable.set(x, y);
  return y;
}

function noiseBed(clip: NoiseClip, length: number, rng: Rng): Float32Array {
  const source = loopableNoise(clip);
  const bed = new Float32Array(length);
  let position = rng.int(source.length);
  for (let i = 0; i < length; i++) {
    bed[i] = source[position];
    position = position + 1 === source.length ? 0 : position + 1;
  }
  return bed;
}

function alignUp(sample: number): number {
  return Math.ceil(sample / FRAME_HOP) * FRAME_HOP;
}

export function makeScene(split: CorpusSplit, seconds: number, rng: Rng, options: Partial<SceneOptions> = {}): Scene {
  const { snrRangeDb, levelRangeDb, minGapSec, maxLeadSec } = { ...DEFAULT_SCENE_OPTIONS, ...options };
  if (split.speech.length === 0 || split.noise.length === 0) {
    throw new Error(`makeScene: split ${split.name} has no speech or no noise loaded`);
  }
  const length = Math.round(seconds * SAMPLE_RATE);
  const frames = frameCount(length);
  const noiseClip = rng.pick(split.noise);
  const audio = noiseBed(noiseClip, length, rng);
  const labels = new Uint8Array(frames);
  const snrDb = new Float32Array(frames);
  const utterances: PlacedUtterance[] = [];

  let cursor = alignUp(rng.uniform(0, maxLeadSec) * SAMPLE_RATE);
  while (cursor + FRAME_LENGTH <= length) {
    const clip = rng.pick(split.speech);
    const uLength = Math.min(clip.audio.length, length - cursor);
    const uFrames = frameCount(uLength);
    const uLabels = clip.labels.subarray(0, uFrames);
    const speech = clip.audio.subarray(0, uLength);
    const power = activeSpeechPower(speech, uLabels);
    const snr = rng.uniform(snrRangeDb[0], snrRangeDb[1]);
    if (power > 0) {
      const gain = speechGainForSnr(power, meanSquare(audio, cursor, cursor + uLength), snr);
      for (let i = 0; i < uLength; i++) audio[cursor + i] += gain * speech[i];
      const first = cursor / FRAME_HOP;
      for (let f = 0; f < uFrames; f++) labels[first + f] = uLabels[f];
      utterances.push({ id: clip.entry.id, start: cursor, length: uLength, snrDb: snr });
    }
    // A gap as long as the utterance's speech minus its own silence balances the classes;
    // the random factor keeps gap lengths varied.
    let speechFrames = 0;
    for (const l of uLabels) speechFrames += l;
    const target = Math.max(0, 2 * speechFrames - uFrames) * FRAME_HOP * rng.uniform(0.5, 1.5);
    const gap = Math.max(minGapSec * SAMPLE_RATE, target);
    cursor = alignUp(cursor + uLength + gap);
  }

  // Each frame takes the SNR of the utterance segment it lies in; the lead-in takes the first.
  const fallback = rng.uniform(snrRangeDb[0], snrRangeDb[1]);
  for (let u = 0; u < Math.max(1, utterances.length); u++) {
    const from = u === 0 ? 0 : utterances[u].start / FRAME_HOP;
    const to = u + 1 < utterances.length ? utterances[u + 1].start / FRAME_HOP : frames;
    snrDb.fill(utterances[u]?.snrDb ?? fallback, from, to);
  }

  // Random overall level, lowered when it would clip (clipping would change the SNRs).
  const rms = Math.sqrt(meanSquare(audio));
  let peak = 0;
  for (const x of audio) peak = Math.max(peak, Math.abs(x));
  if (rms > 0) {
    const gain = Math.min(dbToAmplitude(rng.uniform(levelRangeDb[0], levelRangeDb[1])) / rms, 0.99 / peak);
    for (let i = 0; i < length; i++) audio[i] *= gain;
  }
  return { audio, labels, snrDb, noiseId: noiseClip.entry.id, utterances };
}

/** Scenes drawn once from a fixed seed (validation/test sets that stay the same across runs). */
export function fixedScenes(split: CorpusSplit, count: number, seconds: number, seed: number, options: Partial<SceneOptions> = {}): Scene[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => makeScene(split, seconds, rng, options));
}
