/**
 * Frame-level speech labels from clean speech. A frame is speech when its energy is within
 * `thresholdDb` of the utterance's loudest frame; a short hangover keeps word endings and
 * stop closures inside speech; isolated blips shorter than `minRunFrames` (clicks, lip
 * smacks) are dropped. Labels use the shared frame grid of frames.ts.
 */
import { frameEnergies } from './frames';

export interface LabelOptions {
  /** Speech threshold relative to the loudest frame, in dB (negative). */
  thresholdDb: number;
  /** Frames kept as speech after the energy falls below the threshold. */
  hangoverFrames: number;
  /** Above-threshold runs shorter than this are not speech. */
  minRunFrames: number;
}

/**
 * −35 dB below the peak frame puts the asterisk prompts' leading/trailing room tone and
 * breaths below the threshold while keeping soft consonants (checked on the corpus).
 */
export const DEFAULT_LABEL_OPTIONS: LabelOptions = {
  thresholdDb: -35,
  hangoverFrames: 4,
  minRunFrames: 3,
};

/** 1 = speech, 0 = non-speech, one value per frame (frameCount(audio.length) frames). */
export function speechLabels(audio: Float32Array, options: Partial<LabelOptions> = {}): Uint8Array {
  const { thresholdDb, hangoverFrames, minRunFrames } = { ...DEFAULT_LABEL_OPTIONS, ...options };
  const energies = frameEnergies(audio);
  const labels = new Uint8Array(energies.length);
  let peak = 0;
  for (const e of energies) peak = Math.max(peak, e);
  if (peak <= 0) return labels;
  const threshold = peak * Math.pow(10, thresholdDb / 10);
  const above = new Uint8Array(energies.length);
  for (let i = 0; i < energies.length; i++) above[i] = energies[i] > threshold ? 1 : 0;

  let i = 0;
  while (i < above.length) {
    if (!above[i]) {
      i++;
      continue;
    }
    let end = i;
    while (end < above.length && above[end]) end++;
    if (end - i >= minRunFrames) {
      const stop = Math.min(labels.length, end + hangoverFrames);
      for (let j = i; j < stop; j++) labels[j] = 1;
    }
    i = end;
  }
  return labels;
}

/** Fraction of frames labelled speech. */
export function speechFraction(labels: Uint8Array): number {
  if (labels.length === 0) return 0;
  let count = 0;
  for (const l of labels) count += l;
  return count / labels.length;
}
