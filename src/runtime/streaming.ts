/**
 * Streaming VAD: audio in chunks of any size → the speech probability of every 10 ms frame
 * as soon as its 25 ms window is complete. Frame f covers samples [160·f, 160·f + 400), the
 * grid of the whole-clip features (src/audio/frames.ts), so the streamed probabilities are
 * the whole-clip ones, frame for frame.
 */
import { FRAME_HOP, FRAME_LENGTH, SAMPLE_RATE } from '../audio/frames';
import { powerSpectrogramSamples } from '../audio/features';
import type { ModelArchitecture, NamedArrays } from './architecture';
import { FrameNetwork } from './kernels';

/** Every lane (our models, Silero) streams through this shape. */
export interface StreamingVad {
  /** Shown in lanes and reports ("crnn-full", "silero v5", …). */
  readonly name: string;
  /** Seconds between frames (0.01): frame f starts at f · frameSeconds. */
  readonly frameSeconds: number;
  /**
   * Feed 16 kHz mono samples; resolves to the probabilities of the frames that became known
   * with them, in order, continuing the previous calls' frames (state is carried across calls).
   */
  push(samples16k: Float32Array): Promise<Float32Array>;
  /** End of stream: the frames still pending (a lane that needs look-ahead pads with silence). */
  flush(): Promise<Float32Array>;
  /** Forget all state: the next push starts a new stream at frame 0. */
  reset(): void;
  dispose(): void;
}

export const FRAME_SECONDS = FRAME_HOP / SAMPLE_RATE;

/** Cuts a sample stream into the 400-sample, 160-hop frames and returns their power spectra. */
export class StreamingSpectrum {
  private pending = new Float32Array(FRAME_LENGTH * 4);
  private held = 0;

  /** Power spectra (201 bins each, concatenated) of the frames completed by `samples`. */
  push(samples: Float32Array): { frames: number; power: Float32Array } {
    if (this.held + samples.length > this.pending.length) {
      const grown = new Float32Array(Math.max(2 * this.pending.length, this.held + samples.length));
      grown.set(this.pending.subarray(0, this.held));
      this.pending = grown;
    }
    this.pending.set(samples, this.held);
    this.held += samples.length;
    if (this.held < FRAME_LENGTH) return { frames: 0, power: new Float32Array(0) };
    const frames = 1 + Math.floor((this.held - FRAME_LENGTH) / FRAME_HOP);
    const used = FRAME_LENGTH + (frames - 1) * FRAME_HOP;
    // The same FFT as the whole-clip features on the JS path, so the values match exactly.
    const power = powerSpectrogramSamples(this.pending.subarray(0, used), 1);
    // Keep what the next frames still need: everything from the next frame's start.
    const consumed = frames * FRAME_HOP;
    this.pending.copyWithin(0, consumed, this.held);
    this.held -= consumed;
    return { frames, power };
  }

  reset(): void {
    this.held = 0;
  }

  /** Samples buffered (fewer than one window plus the last push). */
  get buffered(): number {
    return this.pending.length;
  }
}

/** A consolidated model streamed by the plain-TypeScript kernels. */
export class KernelStreamingVad implements StreamingVad {
  readonly frameSeconds = FRAME_SECONDS;
  private readonly spectrum = new StreamingSpectrum();
  private readonly network: FrameNetwork;
  private readonly nFreq: number;

  constructor(
    readonly name: string,
    architecture: ModelArchitecture,
    arrays: NamedArrays,
  ) {
    this.network = new FrameNetwork(architecture, arrays);
    const first = architecture.layers[0];
    if (first.kind !== 'logMel') throw new Error(`${name}: the first layer must be the log-mel front end`);
    this.nFreq = first.nFreq;
  }

  /** Synchronous push (the kernels need no await); push() wraps it. */
  process(samples16k: Float32Array): Float32Array {
    const { frames, power } = this.spectrum.push(samples16k);
    const out = new Float32Array(frames);
    for (let f = 0; f < frames; f++) out[f] = this.network.step(power.subarray(f * this.nFreq, (f + 1) * this.nFreq));
    return out;
  }

  async push(samples16k: Float32Array): Promise<Float32Array> {
    return this.process(samples16k);
  }

  /** Every frame is final when its window is complete: nothing is pending at the end. */
  async flush(): Promise<Float32Array> {
    return new Float32Array(0);
  }

  reset(): void {
    this.spectrum.reset();
    this.network.reset();
  }

  /** Numbers held as stream state: fixed by the architecture and the largest push, not by the stream's length. */
  stateSize(): number {
    return this.spectrum.buffered + this.network.stateSize();
  }

  dispose(): void {}
}
