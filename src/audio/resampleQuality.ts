/**
 * How well a resampler keeps the pass band and rejects what would alias, measured with pure
 * tones: the unit tests hold src/audio/resample.ts to it, and `npm run bench -- peer` prints
 * it beside the Speex resampler's.
 */

/** Converts a whole signal from one rate to another (ours, or a peer's). */
export type Convert = (input: Float32Array, fromRate: number, toRate: number) => Float32Array;

/** Seconds of tone per measurement; the first and last EDGE_SECONDS of output are left out (filter start-up and end). */
const TONE_SECONDS = 0.5;
const EDGE_SECONDS = 0.05;

function tone(frequency: number, rate: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => Math.sin((2 * Math.PI * frequency * i) / rate + 0.3));
}

function steady(output: Float32Array, rate: number): Float32Array {
  const edge = Math.round(EDGE_SECONDS * rate);
  return output.subarray(edge, output.length - edge);
}

/**
 * Gain in dB of a pass-band tone (unit amplitude in, amplitude out fitted by least squares at the
 * same frequency, so a non-integer number of cycles does not bias it).
 */
export function passbandGainDb(convert: Convert, fromRate: number, toRate: number, frequency: number): number {
  const y = steady(convert(tone(frequency, fromRate, TONE_SECONDS), fromRate, toRate), toRate);
  let cc = 0, ss = 0, cs = 0, yc = 0, ys = 0;
  for (let i = 0; i < y.length; i++) {
    const phase = (2 * Math.PI * frequency * i) / toRate;
    const c = Math.cos(phase);
    const s = Math.sin(phase);
    cc += c * c; ss += s * s; cs += c * s; yc += y[i]! * c; ys += y[i]! * s;
  }
  const det = cc * ss - cs * cs;
  const a = (yc * ss - ys * cs) / det;
  const b = (ys * cc - yc * cs) / det;
  return 20 * Math.log10(Math.hypot(a, b));
}

/**
 * Rejection in dB (positive) of a tone above the output's Nyquist frequency: everything left in
 * the output is aliased energy, so its RMS against the input tone's RMS (1/√2).
 */
export function rejectionDb(convert: Convert, fromRate: number, toRate: number, frequency: number): number {
  const y = steady(convert(tone(frequency, fromRate, TONE_SECONDS), fromRate, toRate), toRate);
  const rms = Math.sqrt(y.reduce((sum, v) => sum + v * v, 0) / y.length);
  return -20 * Math.log10(Math.max(rms, 1e-15) * Math.SQRT2);
}

/** Tones from just above the output's Nyquist frequency to just below the input's, `count` of them. */
export function stopbandTones(fromRate: number, toRate: number, count: number): number[] {
  const low = toRate / 2 + 50;
  const high = fromRate / 2 - 50;
  return Array.from({ length: count }, (_, i) => low + ((high - low) * i) / Math.max(1, count - 1));
}
