/**
 * What the app's resampler (src/audio/resample.ts: Speex at quality 10, wasm) measures, with the
 * tones of src/audio/resampleQuality.ts: the worst rejection of a tone between 8 kHz and the
 * input's Nyquist frequency, the rejection at 8.5 kHz, the largest pass-band deviation up to
 * 7 kHz, the largest delay of a pass-band tone against its input time (0: aligned), and the time
 * to convert audio streamed in 20 ms blocks (as the capture worklet posts them), with the plain
 * wasm build the app loads and with the SIMD build.
 */
import createSimdSpeex from '@echogarden/speex-resampler-wasm/simd';
import { resample } from '../../src/audio/resample';
import { delaySamples, passbandGainDb, rejectionDb, stopbandTones } from '../../src/audio/resampleQuality';
import { SpeexStream } from '../../src/audio/speexStream';
import { loadSpeex, type SpeexModule } from '../../src/audio/speexWasm';

const TO_RATE = 16000;
const TONES = 60;
const PASSBAND_TONES = [50, 300, 1000, 2500, 4000, 5500, 6500, 7000];

async function streamingSeconds(speex: Promise<SpeexModule>, input: Float32Array, fromRate: number, block: number): Promise<number> {
  const stream = await SpeexStream.open(fromRate, TO_RATE, speex);
  const start = performance.now();
  for (let i = 0; i + block <= input.length; i += block) stream.process(input.subarray(i, i + block));
  const seconds = (performance.now() - start) / 1000;
  stream.destroy();
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median real-time factor of 10 s of noise streamed in 20 ms blocks, after a 1 s warm-up. */
async function realTimeFactor(speex: Promise<SpeexModule>, fromRate: number, repeats: number): Promise<number> {
  let seed = 5;
  const noise = Float32Array.from({ length: 10 * fromRate }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.2);
  const block = Math.round(0.02 * fromRate);
  await streamingSeconds(speex, noise.subarray(0, fromRate), fromRate, block);
  const seconds: number[] = [];
  for (let r = 0; r < repeats; r++) seconds.push(await streamingSeconds(speex, noise, fromRate, block));
  return median(seconds) / 10;
}

async function row(fromRate: number, repeats: number, simd: Promise<SpeexModule>): Promise<string[]> {
  const tones = stopbandTones(fromRate, TO_RATE, TONES);
  const rejections = await Promise.all(tones.map((f) => rejectionDb(resample, fromRate, TO_RATE, f)));
  const worst = Math.min(...rejections);
  const passband = await Promise.all(PASSBAND_TONES.map((f) => passbandGainDb(resample, fromRate, TO_RATE, f)));
  const delays = await Promise.all(PASSBAND_TONES.map((f) => delaySamples(resample, fromRate, TO_RATE, f)));
  return [
    `${fromRate} Hz`,
    `${worst.toFixed(1)} dB (at ${(tones[rejections.indexOf(worst)]! / 1000).toFixed(2)} kHz)`,
    `${(await rejectionDb(resample, fromRate, TO_RATE, 8500)).toFixed(1)} dB`,
    `${Math.max(...passband.map(Math.abs)).toExponential(1)} dB`,
    Math.max(...delays.map(Math.abs)).toExponential(1),
    (await realTimeFactor(loadSpeex(), fromRate, repeats)).toPrecision(3),
    (await realTimeFactor(simd, fromRate, repeats)).toPrecision(3),
  ];
}

export async function benchResampler(repeats: number): Promise<void> {
  console.log(
    `Resampling to 16 kHz (src/audio/resample.ts: Speex, quality 10, wasm): rejection = RMS of what a unit tone between 8.05 kHz and the input's Nyquist frequency leaves (worst of ${TONES} tones); pass band = largest |gain| from 50 Hz to 7 kHz; delay = largest |lateness| of those tones against their input time; streaming RTF over 10 s in 20 ms blocks, median of ${repeats}, with the plain build the app loads and the SIMD build\n`,
  );
  const simd = createSimdSpeex();
  const header = ['from', 'worst stop-band rejection', 'rejection at 8.5 kHz', 'pass band ≤ 7 kHz', 'delay (16 kHz samples)', 'streaming RTF', 'RTF, SIMD build'];
  const rows: string[][] = [];
  for (const fromRate of [48000, 44100]) rows.push(await row(fromRate, repeats, simd));
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => console.log(line(r)));
  console.log('');
}
