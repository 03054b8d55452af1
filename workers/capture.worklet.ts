/**
 * Microphone capture on the audio thread: mixes the input down to mono, resamples it to
 * 16 kHz with the Kaiser-windowed sinc resampler of src/audio/resample.ts (flat to 7 kHz, over
 * 100 dB of rejection above 8 kHz as measured, so a 44.1/48 kHz microphone does not alias into
 * the band the models read) and posts the 16 kHz samples straight to the listen worker over a
 * MessagePort: the page's main thread never touches the audio.
 */
import { SAMPLE_RATE } from '../src/audio/frames';
import { StreamingResampler } from '../src/audio/resample';
import type { CaptureChunk, ToCapture } from '../src/protocol';

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib.
declare const sampleRate: number;
declare const currentTime: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

/** Input gathered before each resampler call: 20 ms, so the resampler is not called for every 128-sample quantum. */
const BLOCK_SECONDS = 0.02;

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler = new StreamingResampler(sampleRate, SAMPLE_RATE);
  private readonly block = new Float32Array(Math.round(sampleRate * BLOCK_SECONDS));
  private filled = 0;
  private target: MessagePort | null = null;
  private running = true;
  /** 16 kHz samples posted so far: the listen worker checks it to notice a lost chunk. */
  private sent = 0;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<ToCapture>) => {
      const message = event.data;
      if (message.type === 'connect') this.target = message.port;
      else if (message.type === 'stop') {
        this.running = false;
        this.target?.close();
        this.target = null;
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (!this.running) return false;
    const channels = inputs[0] ?? [];
    // No input channels: the source has ended (or not started); keep the node alive for it.
    if (channels.length === 0) return true;
    const length = channels[0]!.length;
    const scale = 1 / channels.length;
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (const channel of channels) sum += channel[i]!;
      this.block[this.filled++] = sum * scale;
      if (this.filled === this.block.length) this.flush();
    }
    return true;
  }

  private flush(): void {
    this.filled = 0;
    const samples = this.resampler.process(this.block);
    if (samples.length === 0 || this.target === null) return;
    const chunk: CaptureChunk = { type: 'samples', samples, firstSample: this.sent, capturedAt: currentTime };
    this.sent += samples.length;
    this.target.postMessage(chunk, [samples.buffer]);
  }
}

registerProcessor('capture-16k', CaptureProcessor);
