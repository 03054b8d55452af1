/**
 * Frequency masking (SpecAugment's frequency masks) on a batch's power spectrogram: each example
 * loses `count` random bands of the spectrum for its whole length, so a model cannot lean on any
 * one region of it (a telephone channel, a narrower mel width and an unseen voice all take some
 * of it away). Band widths are drawn on the mel scale, so a mask takes as much of the low,
 * information-dense spectrum as of the high one.
 */
import { N_FREQ, hzToMel, melToHz } from '../audio/features';
import { SAMPLE_RATE } from '../audio/frames';
import type { Rng } from './random';

export interface FrequencyMasking {
  /** Masks per example. */
  count: number;
  /** Widest mask, as a fraction of the mel scale from 0 Hz to Nyquist. */
  maxMelFraction: number;
}

/** Checks a masking spec, naming what is wrong. */
export function checkFrequencyMasking(masking: FrequencyMasking): void {
  if (!(Number.isInteger(masking.count) && masking.count >= 0)) throw new Error(`frequency masks: count must be a whole number ≥ 0, got ${masking.count}`);
  if (!(masking.maxMelFraction > 0 && masking.maxMelFraction < 1)) throw new Error(`frequency masks: the widest mask must be a fraction in (0, 1) of the mel scale, got ${masking.maxMelFraction}`);
}

/** Zeroes, in place, the bins of `power` ([batchSize, frames, N_FREQ] row-major) that fall in each example's masks. */
export function maskFrequencies(power: Float32Array, batchSize: number, frames: number, masking: FrequencyMasking, rng: Rng): void {
  checkFrequencyMasking(masking);
  if (power.length !== batchSize * frames * N_FREQ) throw new Error(`maskFrequencies: expected ${batchSize}×${frames}×${N_FREQ} values, got ${power.length}`);
  const melTop = hzToMel(SAMPLE_RATE / 2);
  const binHz = SAMPLE_RATE / 2 / (N_FREQ - 1);
  for (let b = 0; b < batchSize; b++) {
    for (let m = 0; m < masking.count; m++) {
      const width = rng.uniform(0, masking.maxMelFraction) * melTop;
      const start = rng.uniform(0, melTop - width);
      const first = Math.ceil(melToHz(start) / binHz);
      const last = Math.min(N_FREQ, Math.floor(melToHz(start + width) / binHz) + 1);
      if (last <= first) continue;
      for (let t = 0; t < frames; t++) power.fill(0, (b * frames + t) * N_FREQ + first, (b * frames + t) * N_FREQ + last);
    }
  }
}
