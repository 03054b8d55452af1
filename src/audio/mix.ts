/**
 * Mixing speech with noise at a requested SNR.
 *
 * SNR definition used everywhere in this project: speech power is the mean square over the
 * samples covered by speech-labelled frames only (so an utterance's leading/trailing
 * silence does not lower it), noise power is the mean square of the noise over the whole
 * span it is added to. SNR = 10·log10(speech power / noise power).
 */
import { FRAME_HOP, FRAME_LENGTH } from './frames';

/** Mean square of x[start, end). */
export function meanSquare(x: Float32Array, start = 0, end = x.length): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i] * x[i];
  return sum / (end - start);
}

/** Mean square over the samples covered by speech frames (each sample counted once). */
export function activeSpeechPower(speech: Float32Array, labels: Uint8Array): number {
  let sum = 0;
  let count = 0;
  let covered = 0; // first sample not yet counted
  for (let f = 0; f < labels.length; f++) {
    if (!labels[f]) continue;
    const start = Math.max(covered, f * FRAME_HOP);
    const end = Math.min(speech.length, f * FRAME_HOP + FRAME_LENGTH);
    for (let i = start; i < end; i++) sum += speech[i] * speech[i];
    count += Math.max(0, end - start);
    covered = Math.max(covered, end);
  }
  return count > 0 ? sum / count : 0;
}

export function dbToPower(db: number): number {
  return Math.pow(10, db / 10);
}

export function dbToAmplitude(db: number): number {
  return Math.pow(10, db / 20);
}

/** Gain for the speech so that activePower·gain² / noisePower equals the SNR. */
export function speechGainForSnr(speechPower: number, noisePower: number, snrDb: number): number {
  if (speechPower <= 0) throw new Error('speechGainForSnr: speech has no active power');
  return Math.sqrt((noisePower * dbToPower(snrDb)) / speechPower);
}

/** SNR in dB of speech (labelled) against noise, using the definition above. */
export function measureSnrDb(speech: Float32Array, labels: Uint8Array, noise: Float32Array): number {
  return 10 * Math.log10(activeSpeechPower(speech, labels) / meanSquare(noise));
}

export interface Mixture {
  /** speech·speechGain + noise, same length as the inputs. */
  mixture: Float32Array;
  speechGain: number;
}

/** Adds speech scaled to `snrDb` to noise of the same length (noise is left as is). */
export function mixAtSnr(speech: Float32Array, labels: Uint8Array, noise: Float32Array, snrDb: number): Mixture {
  if (speech.length !== noise.length) {
    throw new Error(`mixAtSnr: speech (${speech.length}) and noise (${noise.length}) differ in length`);
  }
  const speechGain = speechGainForSnr(activeSpeechPower(speech, labels), meanSquare(noise), snrDb);
  const mixture = new Float32Array(speech.length);
  for (let i = 0; i < speech.length; i++) mixture[i] = speech[i] * speechGain + noise[i];
  return { mixture, speechGain };
}
