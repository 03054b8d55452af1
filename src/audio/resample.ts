/**
 * Sample-rate conversion and downmixing, for every path that brings audio to 16 kHz: WAV and
 * corpus decoding, the command line, the listen worker (files, and the microphone's native-rate
 * blocks). Resampling runs through the Speex resampler (src/audio/speexStream.ts): flat up to
 * 7 kHz and over 110 dB of rejection above 8 kHz from 44.1/48 kHz, as test/resample.test.ts
 * measures, and aligned with its input (no filter delay). Equal rates pass through unchanged.
 * Creating a resampler is async: the wasm module loads on first use.
 */
import { SAMPLE_RATE } from './frames';
import { concatArrays } from '../concatArrays';
import { SpeexStream } from './speexStream';

/** Converts audio chunk by chunk; output does not depend on how the input is chunked. */
export interface Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** Feeds input; returns the output that is ready. */
  process(chunk: Float32Array): Float32Array;
  /** Ends the stream: returns the rest of the output and frees the resampler. */
  flush(): Float32Array;
  /** Frees the resampler without flushing (a stream abandoned midway). */
  destroy(): void;
}

class PassThrough implements Resampler {
  constructor(readonly fromRate: number, readonly toRate: number) {}
  process(chunk: Float32Array): Float32Array {
    return chunk.slice();
  }
  flush(): Float32Array {
    return new Float32Array(0);
  }
  destroy(): void {}
}

/** A streaming resampler from `fromRate` to `toRate` (whole Hz). */
export async function createResampler(fromRate: number, toRate: number = SAMPLE_RATE): Promise<Resampler> {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new Error(`resample: invalid rates ${fromRate} → ${toRate}`);
  }
  return fromRate === toRate ? new PassThrough(fromRate, toRate) : SpeexStream.open(fromRate, toRate);
}

/** Resamples a whole buffer; output length is ceil(length · toRate / fromRate). */
export async function resample(input: Float32Array, fromRate: number, toRate: number = SAMPLE_RATE): Promise<Float32Array> {
  const resampler = await createResampler(fromRate, toRate);
  try {
    return concatArrays([resampler.process(input), resampler.flush()], Float32Array);
  } finally {
    resampler.destroy();
  }
}

/** Averages all channels into one. */
export function downmixToMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) throw new Error('downmixToMono: no channels');
  if (channels.length === 1) return channels[0]!.slice();
  const length = channels[0]!.length;
  const out = new Float32Array(length);
  for (const channel of channels) {
    if (channel.length !== length) throw new Error('downmixToMono: channels differ in length');
    for (let i = 0; i < length; i++) out[i] += channel[i]!;
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < length; i++) out[i] *= scale;
  return out;
}

/** Downmixes to mono and resamples to the corpus rate. */
export function toMono16k(audio: { sampleRate: number; channels: readonly Float32Array[] }): Promise<Float32Array> {
  return resample(downmixToMono(audio.channels), audio.sampleRate, SAMPLE_RATE);
}
