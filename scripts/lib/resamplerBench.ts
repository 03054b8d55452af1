/**
 * The resampler beside the Speex resampler (@echogarden/speex-resampler-wasm, quality 10, its
 * best), measured in one run with the same tones (src/audio/resampleQuality.ts): the worst
 * rejection of a tone between 8 kHz and the input's Nyquist frequency, the rejection at 8.5 kHz,
 * the largest pass-band deviation up to 7 kHz, and the time to convert audio streamed in 20 ms
 * blocks (as the capture worklet does).
 */
import createSpeex, { type SpeexModule } from '@echogarden/speex-resampler-wasm';
import { resample, StreamingResampler } from '../../src/audio/resample';
import { passbandGainDb, rejectionDb, stopbandTones, type Convert } from '../../src/audio/resampleQuality';

const SPEEX_QUALITY = 10;
const TO_RATE = 16000;
const TONES = 60;

/** Speex over a whole signal (its output is delayed by its latency; the measurements do not depend on that). */
function speexConvert(speex: SpeexModule): Convert {
  return (input, fromRate, toRate) => {
    const error = speex._malloc(4);
    const state = speex._speex_resampler_init(1, fromRate, toRate, SPEEX_QUALITY, error);
    const outCapacity = Math.ceil((input.length * toRate) / fromRate) + 64;
    const inPtr = speex._malloc(4 * input.length);
    const outPtr = speex._malloc(4 * outCapacity);
    const lengths = speex._malloc(8);
    try {
      if (state === 0) throw new Error(`speex_resampler_init failed (${speex.HEAP32[error >> 2]!})`);
      speex.HEAPF32.set(input, inPtr >> 2);
      speex.HEAPU32[lengths >> 2] = input.length;
      speex.HEAPU32[(lengths >> 2) + 1] = outCapacity;
      speex._speex_resampler_process_float(state, 0, inPtr, lengths, outPtr, lengths + 4);
      const written = speex.HEAPU32[(lengths >> 2) + 1]!;
      return speex.HEAPF32.slice(outPtr >> 2, (outPtr >> 2) + written);
    } finally {
      if (state !== 0) speex._speex_resampler_destroy(state);
      [error, inPtr, outPtr, lengths].forEach((p) => speex._free(p));
    }
  };
}

function speexStreamingSeconds(speex: SpeexModule, input: Float32Array, fromRate: number, block: number): number {
  const error = speex._malloc(4);
  const state = speex._speex_resampler_init(1, fromRate, TO_RATE, SPEEX_QUALITY, error);
  const inPtr = speex._malloc(4 * block);
  const outPtr = speex._malloc(4 * block);
  const lengths = speex._malloc(8);
  const start = performance.now();
  for (let i = 0; i + block <= input.length; i += block) {
    speex.HEAPF32.set(input.subarray(i, i + block), inPtr >> 2);
    speex.HEAPU32[lengths >> 2] = block;
    speex.HEAPU32[(lengths >> 2) + 1] = block;
    speex._speex_resampler_process_float(state, 0, inPtr, lengths, outPtr, lengths + 4);
    speex.HEAPF32.slice(outPtr >> 2, (outPtr >> 2) + speex.HEAPU32[(lengths >> 2) + 1]!);
  }
  const seconds = (performance.now() - start) / 1000;
  speex._speex_resampler_destroy(state);
  [error, inPtr, outPtr, lengths].forEach((p) => speex._free(p));
  return seconds;
}

function oursStreamingSeconds(input: Float32Array, fromRate: number, block: number): number {
  const resampler = new StreamingResampler(fromRate, TO_RATE);
  const start = performance.now();
  for (let i = 0; i + block <= input.length; i += block) resampler.process(input.subarray(i, i + block));
  return (performance.now() - start) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface ResamplerQuality {
  worstRejectionDb: number;
  worstAtHz: number;
  rejectionAt8k5Db: number;
  passbandDeviationDb: number;
  realTimeFactor: number;
}

function measure(convert: Convert, stream: (input: Float32Array, block: number) => number, fromRate: number, repeats: number): ResamplerQuality {
  const tones = stopbandTones(fromRate, TO_RATE, TONES);
  const rejections = tones.map((f) => rejectionDb(convert, fromRate, TO_RATE, f));
  const worst = Math.min(...rejections);
  const passband = [50, 300, 1000, 2500, 4000, 5500, 6500, 7000].map((f) => Math.abs(passbandGainDb(convert, fromRate, TO_RATE, f)));
  let seed = 5;
  const noise = Float32Array.from({ length: 10 * fromRate }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.2);
  const block = Math.round(0.02 * fromRate);
  stream(noise.subarray(0, fromRate), block);
  const seconds = median(Array.from({ length: repeats }, () => stream(noise, block)));
  return {
    worstRejectionDb: worst,
    worstAtHz: tones[rejections.indexOf(worst)]!,
    rejectionAt8k5Db: rejectionDb(convert, fromRate, TO_RATE, 8500),
    passbandDeviationDb: Math.max(...passband),
    realTimeFactor: seconds / 10,
  };
}

export async function benchResampler(repeats: number): Promise<void> {
  const speex = await createSpeex();
  const ours: Convert = (input, fromRate, toRate) => resample(input, fromRate, toRate);
  console.log(`Resampling to 16 kHz: ours (src/audio/resample.ts, Kaiser-windowed sinc) beside Speex (quality ${SPEEX_QUALITY}, wasm); rejection = RMS of what a unit tone between 8.05 kHz and the input's Nyquist frequency leaves (worst of ${TONES} tones), pass band = largest |gain| from 50 Hz to 7 kHz; streaming RTF over 10 s in 20 ms blocks, median of ${repeats}\n`);
  const rows: string[][] = [];
  for (const fromRate of [48000, 44100]) {
    for (const [name, quality] of [
      ['ours', measure(ours, (input, block) => oursStreamingSeconds(input, fromRate, block), fromRate, repeats)],
      [`speex q${SPEEX_QUALITY}`, measure(speexConvert(speex), (input, block) => speexStreamingSeconds(speex, input, fromRate, block), fromRate, repeats)],
    ] as const) {
      rows.push([
        `${fromRate} Hz`,
        name,
        `${quality.worstRejectionDb.toFixed(1)} dB (at ${(quality.worstAtHz / 1000).toFixed(2)} kHz)`,
        `${quality.rejectionAt8k5Db.toFixed(1)} dB`,
        `${quality.passbandDeviationDb.toFixed(4)} dB`,
        quality.realTimeFactor.toPrecision(3),
      ]);
    }
  }
  const widths = [0, 1, 2, 3, 4, 5].map((i) => Math.max(...[['from', 'resampler', 'worst stop-band rejection', 'rejection at 8.5 kHz', 'pass band ≤ 7 kHz', 'streaming RTF'], ...rows].map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(['from', 'resampler', 'worst stop-band rejection', 'rejection at 8.5 kHz', 'pass band ≤ 7 kHz', 'streaming RTF']));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => console.log(line(r)));
  console.log('');
}
