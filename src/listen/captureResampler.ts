/**
 * The microphone's audio in the listen worker: the capture worklet posts mono blocks at the
 * AudioContext's rate, and this turns them into one 16 kHz stream (the Speex resampler,
 * streaming, off the audio thread). A gap in the blocks' numbering (audio the worklet could not
 * hand over) becomes silence before resampling, so output sample n stays at n / 16000 s of
 * capture time, and frame numbers stay audio time.
 */
import { SAMPLE_RATE } from '../audio/frames';
import { createResampler, type Resampler } from '../audio/resample';
import type { CaptureChunk } from '../protocol';

export class CaptureResampler {
  private resampler: Promise<Resampler> | null = null;
  private sampleRate = 0;
  /** Index (at the capture rate) of the next sample expected from the worklet. */
  private expected = 0;
  private closed = false;

  /** The 16 kHz samples this chunk completes (the resampler holds back the last few until more arrive). */
  async push(chunk: CaptureChunk): Promise<Float32Array> {
    if (this.closed) throw new Error('CaptureResampler: push after close');
    if (this.resampler === null) {
      this.sampleRate = chunk.sampleRate;
      this.resampler = createResampler(chunk.sampleRate, SAMPLE_RATE);
    } else if (chunk.sampleRate !== this.sampleRate) {
      throw new Error(`the capture rate changed from ${this.sampleRate} to ${chunk.sampleRate} Hz`);
    }
    const resampler = await this.resampler;
    let samples = chunk.samples;
    if (chunk.firstSample > this.expected) {
      const padded = new Float32Array(chunk.firstSample - this.expected + samples.length);
      padded.set(samples, padded.length - samples.length);
      samples = padded;
    }
    this.expected = chunk.firstSample + chunk.samples.length;
    return resampler.process(samples);
  }

  /** Ends the stream and frees the resampler's wasm memory. */
  close(): void {
    this.closed = true;
    // A resampler that failed to load has nothing to free (push already reported the failure).
    void this.resampler?.then(
      (resampler) => resampler.destroy(),
      () => {},
    );
  }
}
