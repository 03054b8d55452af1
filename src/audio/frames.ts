/**
 * Frame grid shared by labels, features and models. Every module that turns audio into
 * frames uses these numbers so labels line up with features one to one.
 */

/** Sample rate of the corpus and of everything the models see. */
export const SAMPLE_RATE = 16000;
/** Analysis window: 25 ms at 16 kHz. */
export const FRAME_LENGTH = 400;
/** Hop between frames: 10 ms at 16 kHz. */
export const FRAME_HOP = 160;

/**
 * Number of whole frames in a signal of `length` samples, no padding:
 * 1 + floor((length − FRAME_LENGTH) / FRAME_HOP), and 0 when the signal is shorter than a window.
 */
export function frameCount(length: number): number {
  if (length < FRAME_LENGTH) return 0;
  return 1 + Math.floor((length - FRAME_LENGTH) / FRAME_HOP);
}

/** Number of samples needed to hold exactly `frames` frames. */
export function samplesForFrames(frames: number): number {
  return frames <= 0 ? 0 : FRAME_LENGTH + (frames - 1) * FRAME_HOP;
}

/** Mean square of every frame (frame i covers samples [i·hop, i·hop + length)). */
export function frameEnergies(audio: Float32Array): Float32Array {
  const n = frameCount(audio.length);
  const energies = new Float32Array(n);
  for (let f = 0; f < n; f++) {
    const start = f * FRAME_HOP;
    let sum = 0;
    for (let i = start; i < start + FRAME_LENGTH; i++) sum += audio[i] * audio[i];
    energies[f] = sum / FRAME_LENGTH;
  }
  return energies;
}
