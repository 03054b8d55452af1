/**
 * One stream through the Speex resampler (quality 10, its best), aligned with its input: output
 * sample n lies at input time n · fromRate / toRate, as if the filter had no delay, and a stream
 * of `length` input samples gives ceil(length · toRate / fromRate) output samples. Speex would
 * delay its output by half its filter; `skip_zeros` starts it at input time 0 instead, and the
 * end of the stream is flushed by feeding zeros. Output does not depend on how the input is
 * chunked. The wasm memory it holds is freed by flush() or destroy().
 */
import { concatArrays } from '../concatArrays';
import { loadSpeex, type SpeexModule } from './speexWasm';

const QUALITY = 10;
/** Input samples per Speex call: bounds the wasm buffers one stream holds. */
const BLOCK = 4096;

export class SpeexStream {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly speex: SpeexModule;
  /** The Speex state; 0 once destroyed. */
  private state: number;
  private readonly inPointer: number;
  private readonly outPointer: number;
  /** Two uint32: the input length in (consumed out), the output capacity in (written out). */
  private readonly lengthsPointer: number;
  private readonly outCapacity: number;
  private received = 0;
  private produced = 0;

  /** A new stream, once the wasm module has loaded (the app's build unless another is given, as the bench does). */
  static async open(fromRate: number, toRate: number, speex: Promise<SpeexModule> = loadSpeex()): Promise<SpeexStream> {
    return new SpeexStream(await speex, fromRate, toRate);
  }

  private constructor(speex: SpeexModule, fromRate: number, toRate: number) {
    this.speex = speex;
    this.fromRate = fromRate;
    this.toRate = toRate;
    const errorPointer = speex._malloc(4);
    this.state = speex._speex_resampler_init(1, fromRate, toRate, QUALITY, errorPointer);
    const error = speex.HEAP32[errorPointer >> 2]!;
    speex._free(errorPointer);
    if (this.state === 0) throw new Error(`speex_resampler_init(${fromRate} → ${toRate}) failed (error ${error})`);
    speex._speex_resampler_skip_zeros(this.state);
    this.outCapacity = Math.ceil((BLOCK * toRate) / fromRate) + 16;
    this.inPointer = speex._malloc(4 * BLOCK);
    this.outPointer = speex._malloc(4 * this.outCapacity);
    this.lengthsPointer = speex._malloc(8);
  }

  /** Feeds input; returns the output samples whose whole filter support has now arrived. */
  process(chunk: Float32Array): Float32Array {
    this.received += chunk.length;
    return this.convert(chunk);
  }

  /** Ends the stream: returns the rest of the output (input after the end counts as zeros) and frees the stream. */
  flush(): Float32Array {
    const total = Math.ceil((this.received * this.toRate) / this.fromRate);
    const parts: Float32Array[] = [];
    let missing = total - this.produced;
    // Enough zeros to push the last output sample's filter support past the end.
    const zeros = new Float32Array(this.speex._speex_resampler_get_input_latency(this.liveState()) + 1);
    while (missing > 0) {
      const out = this.convert(zeros);
      parts.push(out.subarray(0, missing));
      missing -= out.length;
    }
    this.destroy();
    return concatArrays(parts, Float32Array);
  }

  /** Frees the wasm memory without flushing (a stream abandoned midway); safe to call twice. */
  destroy(): void {
    if (this.state === 0) return;
    this.speex._speex_resampler_destroy(this.state);
    for (const pointer of [this.inPointer, this.outPointer, this.lengthsPointer]) this.speex._free(pointer);
    this.state = 0;
  }

  private liveState(): number {
    if (this.state === 0) throw new Error('SpeexStream: used after flush() or destroy()');
    return this.state;
  }

  private convert(input: Float32Array): Float32Array {
    const state = this.liveState();
    const { speex, inPointer, outPointer, lengthsPointer } = this;
    const lengths = lengthsPointer >> 2;
    const parts: Float32Array[] = [];
    for (let offset = 0; offset < input.length; ) {
      const count = Math.min(BLOCK, input.length - offset);
      // The heap views are read each time: they are replaced when the wasm memory grows.
      speex.HEAPF32.set(input.subarray(offset, offset + count), inPointer >> 2);
      speex.HEAPU32[lengths] = count;
      speex.HEAPU32[lengths + 1] = this.outCapacity;
      const error = speex._speex_resampler_process_float(state, 0, inPointer, lengthsPointer, outPointer, lengthsPointer + 4);
      if (error !== 0) throw new Error(`speex_resampler_process_float failed (error ${error})`);
      const consumed = speex.HEAPU32[lengths]!;
      const written = speex.HEAPU32[lengths + 1]!;
      if (consumed === 0 && written === 0) throw new Error('speex_resampler_process_float made no progress');
      parts.push(speex.HEAPF32.slice(outPointer >> 2, (outPointer >> 2) + written));
      offset += consumed;
    }
    const out = concatArrays(parts, Float32Array);
    this.produced += out.length;
    return out;
  }
}
