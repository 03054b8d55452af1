/**
 * How well a resampler keeps the pass band, rejects what would alias and keeps time, measured
 * with pure tones: the unit tests hold src/audio/resample.ts to it, and `npm run bench -- peer`
 * prints it.
 */

/** Converts a whole signal from one rate to another. */
export type Convert = (input: Float32Array, fromRate: number, toRate: number) => Float32Array | Promise<Float32Array>;

/** Seconds of tone per measurement; the first and last EDGE_SECONDS of output are left out (filter start-up and end). */
const TONE_SECONDS = 0.5;
const EDGE_SECONDS = 0.05;
/** Phase of every test tone at input sample 0. */
const PHASE = 0.3;

function tone(frequency: number, rate: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => Math.sin((2 * Math.PI * frequency * i) / rate + PHASE));
}

function steady(output: Float32Array, rate: number): Float32Array {
  const edge = Math.round(EDGE_SECONDS * rate);
  return output.subarray(edge, output.length - edge);
}

/**
 * Gain in dB of a pass-band tone (unit amplitude in, amplitude out fitted by least squares at the
 * same frequency, so a non-integer number of cycles does not bias it).
 */
export async function passbandGainDb(convert: Convert, fromRate: number, toRate: number, frequency: number): Promise<number> {
  const { amplitude } = await fitTone(convert, fromRate, toRate, frequency);
  return 20 * Math.log10(amplitude);
}

/**
 * How late (in output samples) a pass-band tone comes out against where its input lies, by its
 * phase: 0 for a resampler whose output sample n lies at input time n · fromRate / toRate.
 * Unambiguous within half a period of the tone.
 */
export async function delaySamples(convert: Convert, fromRate: number, toRate: number, frequency: number): Promise<number> {
  const { phase } = await fitTone(convert, fromRate, toRate, frequency);
  const lag = ((((PHASE - phase) % (2 * Math.PI)) + 3 * Math.PI) % (2 * Math.PI)) - Math.PI;
  return (lag / (2 * Math.PI * frequency)) * toRate;
}

/** Amplitude and phase of the output's component at the tone's frequency (least squares; time 0 = the output's first sample). */
async function fitTone(convert: Convert, fromRate: number, toRate: number, frequency: number): Promise<{ amplitude: number; phase: number }> {
  const edge = Math.round(EDGE_SECONDS * toRate);
  const y = steady(await convert(tone(frequency, fromRate, TONE_SECONDS), fromRate, toRate), toRate);
  let cc = 0, ss = 0, cs = 0, yc = 0, ys = 0;
  for (let i = 0; i < y.length; i++) {
    const phase = (2 * Math.PI * frequency * (i + edge)) / toRate;
    const c = Math.cos(phase);
    const s = Math.sin(phase);
    cc += c * c; ss += s * s; cs += c * s; yc += y[i]! * c; ys += y[i]! * s;
  }
  const det = cc * ss - cs * cs;
  const a = (yc * ss - ys * cs) / det;
  const b = (ys * cc - yc * cs) / det;
  // y ≈ a·cos + b·sin = A·sin(ωt + φ) with A·sin φ = a, A·cos φ = b.
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(a, b) };
}

/**
 * Rejection in dB (positive) of a tone above the output's Nyquist frequency: everything left in
 * the output is aliased energy, so its RMS against the input tone's RMS (1/√2).
 */
export async function rejectionDb(convert: Convert, fromRate: number, toRate: number, frequency: number): Promise<number> {
  const y = steady(await convert(tone(frequency, fromRate, TONE_SECONDS), fromRate, toRate), toRate);
  const rms = Math.sqrt(y.reduce((sum, v) => sum + v * v, 0) / y.length);
  return -20 * Math.log10(Math.max(rms, 1e-15) * Math.SQRT2);
}

/** Tones from just above the output's Nyquist frequency to just below the input's, `count` of them. */
export function stopbandTones(fromRate: number, toRate: number, count: number): number[] {
  const low = toRate / 2 + 50;
  const high = fromRate / 2 - 50;
  return Array.from({ length: count }, (_, i) => low + ((high - low) * i) / Math.max(1, count - 1));
}
