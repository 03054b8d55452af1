/**
 * Long-form training/evaluation mixtures ("scenes"): utterances separated by random gaps on a
 * looped noise bed. Each utterance gets its own SNR (uniform over snrRangeDb, definition in
 * audio/mix.ts); the whole scene gets a random level. Gaps are sized so speech and
 * non-speech frames are roughly balanced. Everything is drawn from the given Rng, so a scene
 * is a pure function of (split, seconds, rng state).
 */
import { applyChannel, randomReverb, type ChannelAugmentation } from '../audio/channel';
import { FRAME_HOP, FRAME_LENGTH, SAMPLE_RATE, frameCount } from '../audio/frames';
import { activeSpeechPower, dbToAmplitude, meanSquare, speechGainForSnr } from '../audio/mix';
import type { CorpusSplit, NoiseClip, SpeechClip } from './corpus';
import { createRng } from './random';
import type { Rng } from './random';

export interface SceneOptions {
  /** Per-utterance SNR is uniform in [min, max] dB. */
  snrRangeDb: [number, number];
  /** Scene RMS level is uniform in [min, max] dBFS (lowered if the peak would clip); unused when `channel` is set (it has its own). */
  levelRangeDb: [number, number];
  /** Shortest gap between utterances, seconds. */
  minGapSec: number;
  /** Longer utterances are cut to a random excerpt of this length, seconds. */
  maxUtteranceSec: number;
  /** Microphone/level/channel augmentation (audio/channel.ts), or null for none (held-out scenes). */
  channel: ChannelAugmentation | null;
  /** Probability that a scene gets sound events (short noises of its split) dropped in. */
  eventProbability: number;
  /** Events per second in such a scene (mean; the count varies ×0.5–1.5). */
  eventsPerSecond: number;
  /** Event power relative to the scene's mean speech power (or its bed's, without speech), dB. */
  eventLevelDb: [number, number];
  /** Probability of a scene with no speech at all (noise and events only: false alarms cost). */
  noiseOnlyProbability: number;
}

export const DEFAULT_SCENE_OPTIONS: SceneOptions = {
  snrRangeDb: [-5, 35],
  levelRangeDb: [-40, -15],
  minGapSec: 0.2,
  maxUtteranceSec: 6,
  channel: null,
  eventProbability: 0,
  eventsPerSecond: 0,
  eventLevelDb: [-15, 5],
  noiseOnlyProbability: 0,
};

export interface PlacedUtterance {
  id: string;
  /** First sample in the scene of the (visible part of the) utterance; a multiple of FRAME_HOP, so utterance frames are scene frames. */
  start: number;
  length: number;
  snrDb: number;
}

export interface Scene {
  audio: Float32Array;
  /** 1 = speech, per frame (frameCount(audio.length) frames). */
  labels: Uint8Array;
  /** Per frame: SNR of the utterance whose segment (its preceding gap plus itself) covers it. */
  snrDb: Float32Array;
  noiseId: string;
  utterances: PlacedUtterance[];
  /** The channel augmentation steps applied (empty without augmentation). */
  channel: string[];
  /** Whether the speech was reverberated. */
  reverberant: boolean;
}

/** Local noise power used for an utterance's SNR is at least this fraction (−20 dB) of the file's mean power. */
const NOISE_FLOOR = 0.01;

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

/** Mean square of each clip's whole audio (a bed's power and an event's), computed once per clip. */
const clipPowers = new WeakMap<Float32Array, number>();
function clipPower(audio: Float32Array): number {
  let power = clipPowers.get(audio);
  if (power === undefined) {
    power = meanSquare(audio);
    clipPowers.set(audio, power);
  }
  return power;
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

function alignDown(sample: number): number {
  return Math.floor(sample / FRAME_HOP) * FRAME_HOP;
}

interface Segment {
  id: string;
  audio: Float32Array;
  labels: Uint8Array;
}

/** The utterance, or a random hop-aligned excerpt of at most maxLength samples of a long one. */
function excerpt(clip: SpeechClip, maxLength: number, rng: Rng): Segment {
  if (clip.audio.length <= maxLength) return { id: clip.entry.id, audio: clip.audio, labels: clip.labels };
  const offset = alignDown(rng.uniform(0, clip.audio.length - maxLength));
  const first = offset / FRAME_HOP;
  return {
    id: clip.entry.id,
    audio: clip.audio.subarray(offset, offset + maxLength),
    labels: clip.labels.subarray(first, first + frameCount(maxLength)),
  };
}

/**
 * Gap before an utterance, in samples: as long as the utterance's speech minus its own
 * silence (which balances the classes), times a random factor that keeps gaps varied.
 */
function gapFor(segment: Segment, minGapSec: number, rng: Rng): number {
  let speechFrames = 0;
  for (const l of segment.labels) speechFrames += l;
  const balanced = Math.max(0, 2 * speechFrames - segment.labels.length) * FRAME_HOP;
  return Math.max(minGapSec * SAMPLE_RATE, balanced * rng.uniform(0.5, 1.5));
}

export function makeScene(split: CorpusSplit, seconds: number, rng: Rng, options: Partial<SceneOptions> = {}): Scene {
  const { snrRangeDb, levelRangeDb, minGapSec, maxUtteranceSec, channel, noiseOnlyProbability } = { ...DEFAULT_SCENE_OPTIONS, ...options };
  if (split.speech.length === 0 || split.noise.length === 0) {
    throw new Error(`makeScene: split ${split.name} has no speech or no noise loaded`);
  }
  const length = Math.round(seconds * SAMPLE_RATE);
  const frames = frameCount(length);
  const noiseClip = rng.pick(split.noise);
  const audio = noiseBed(noiseClip, length, rng);
  const bedPower = clipPower(noiseClip.audio);
  const labels = new Uint8Array(frames);
  const snrDb = new Float32Array(frames);
  const utterances: (PlacedUtterance & { power: number })[] = [];
  // Speech goes on its own track (so a room can reverberate it) and onto the bed at the end.
  const speechTrack = new Float32Array(length);
  const noiseOnly = noiseOnlyProbability > 0 && rng.next() < noiseOnlyProbability;

  // The scene is a window on an endless gap, utterance, gap, utterance… sequence, opening at
  // a random point of the first cycle so that neither class is favoured at its start or end.
  let cursor = 0;
  let first = true;
  for (; !noiseOnly; ) {
    const segment = excerpt(rng.pick(split.speech), Math.round(maxUtteranceSec * SAMPLE_RATE), rng);
    let start = alignUp(cursor + gapFor(segment, minGapSec, rng));
    if (first) {
      start -= alignDown(rng.uniform(0, start + segment.audio.length));
      first = false;
    }
    if (start + FRAME_LENGTH > length) break;
    cursor = start + segment.audio.length;
    // Visible part of the utterance: [skip, skip + visible) of the segment.
    const skip = Math.max(0, -start);
    const visible = Math.min(segment.audio.length, length - start) - skip;
    if (visible < FRAME_LENGTH) continue;
    const speech = segment.audio.subarray(skip, skip + visible);
    const uLabels = segment.labels.subarray(skip / FRAME_HOP, skip / FRAME_HOP + frameCount(visible));
    const power = activeSpeechPower(speech, uLabels);
    if (power <= 0) continue;
    const snr = rng.uniform(snrRangeDb[0], snrRangeDb[1]);
    const at = start + skip;
    // Floor the local noise power so a faded-out stretch of a bed cannot make speech vanish.
    const noisePower = Math.max(meanSquare(audio, at, at + visible), NOISE_FLOOR * bedPower);
    const gain = speechGainForSnr(power, noisePower, snr);
    for (let i = 0; i < visible; i++) speechTrack[at + i] = gain * speech[i];
    labels.set(uLabels, at / FRAME_HOP);
    utterances.push({ id: segment.id, start: at, length: visible, snrDb: snr, power: gain * gain * power });
  }
  const reverberant = channel !== null && utterances.length > 0 && rng.next() < channel.reverb;
  const speechAudio = reverberant ? randomReverb(speechTrack, rng) : speechTrack;
  for (let i = 0; i < length; i++) audio[i] += speechAudio[i];
  addEvents(audio, split, utterances, bedPower, rng, { ...DEFAULT_SCENE_OPTIONS, ...options });

  // An utterance's segment is its preceding gap plus itself; the tail after the last one
  // belongs to the last segment.
  let from = 0;
  utterances.forEach((u, k) => {
    const end = k + 1 < utterances.length ? Math.ceil((u.start + u.length) / FRAME_HOP) : frames;
    snrDb.fill(u.snrDb, from, end);
    from = end;
  });
  if (utterances.length === 0) snrDb.fill(rng.uniform(snrRangeDb[0], snrRangeDb[1]));

  if (channel) {
    const result = applyChannel(audio, rng, channel);
    return { audio: result.audio, labels, snrDb, noiseId: noiseClip.entry.id, utterances: utterances.map(({ power: _power, ...u }) => u), channel: result.applied, reverberant };
  }
  // Random overall level, lowered when it would clip (clipping would change the SNRs).
  const rms = Math.sqrt(meanSquare(audio));
  let peak = 0;
  for (const x of audio) peak = Math.max(peak, Math.abs(x));
  if (rms > 0) {
    const gain = Math.min(dbToAmplitude(rng.uniform(levelRangeDb[0], levelRangeDb[1])) / rms, 0.99 / peak);
    for (let i = 0; i < length; i++) audio[i] *= gain;
  }
  return { audio, labels, snrDb, noiseId: noiseClip.entry.id, utterances: utterances.map(({ power: _power, ...u }) => u), channel: [], reverberant };
}

/**
 * Drops short sound events of the split (door slams, drum hits, clicks, footsteps) at random
 * times: non-stationary noise that a bed alone does not give. Their level is relative to the
 * scene's speech, so they are as loud as a talker nearby or fainter. The SNR labels stay
 * speech against bed.
 */
function addEvents(audio: Float32Array, split: CorpusSplit, utterances: readonly { power: number }[], bedPower: number, rng: Rng, options: SceneOptions): void {
  if (split.events.length === 0 || options.eventProbability <= 0 || rng.next() >= options.eventProbability) return;
  const seconds = audio.length / SAMPLE_RATE;
  const count = Math.max(1, Math.round(options.eventsPerSecond * seconds * rng.uniform(0.5, 1.5)));
  const reference = utterances.length > 0 ? utterances.reduce((s, u) => s + u.power, 0) / utterances.length : 10 * bedPower;
  for (let e = 0; e < count; e++) {
    const clip = rng.pick(split.events);
    const power = clipPower(clip.audio);
    if (power <= 0) continue;
    const gain = Math.sqrt((reference * Math.pow(10, rng.uniform(options.eventLevelDb[0], options.eventLevelDb[1]) / 10)) / power);
    const start = rng.int(audio.length + clip.audio.length) - clip.audio.length;
    for (let i = Math.max(0, -start); i < clip.audio.length && start + i < audio.length; i++) audio[start + i] += gain * clip.audio[i];
  }
}

/** Scenes drawn once from a fixed seed (validation/test sets that stay the same across runs). */
export function fixedScenes(split: CorpusSplit, count: number, seconds: number, seed: number, options: Partial<SceneOptions> = {}): Scene[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => makeScene(split, seconds, rng, options));
}
