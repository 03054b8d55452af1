/**
 * Microphone capture on the audio thread: mixes the input down to mono and posts it, at the
 * AudioContext's rate, straight to the listen worker over a MessagePort. The worker resamples it
 * to 16 kHz (src/listen/captureResampler.ts), so the audio thread does as little as it can, and
 * the page's main thread never touches the audio.
 */
import type { CaptureChunk, ToCapture } from '../src/protocol';

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib.
declare const sampleRate: number;
declare const currentTime: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

/** Samples gathered per message: 20 ms, so the worker is not sent one message per 128-sample render quantum. */
const BLOCK_SECONDS = 0.02;

class CaptureProcessor extends AudioWorkletProcessor {
  private block = new Float32Array(Math.round(sampleRate * BLOCK_SECONDS));
  private filled = 0;
  private target: MessagePort | null = null;
  private running = true;
  /** Samples posted so far: the listen worker checks it to notice a lost chunk. */
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
      if (this.filled === this.block.length) this.post();
    }
    return true;
  }

  private post(): void {
    const samples = this.block;
    this.block = new Float32Array(samples.length);
    this.filled = 0;
    if (this.target === null) return;
    const chunk: CaptureChunk = { type: 'samples', samples, sampleRate, firstSample: this.sent, capturedAt: currentTime };
    this.sent += samples.length;
    this.target.postMessage(chunk, [samples.buffer]);
  }
}

registerProcessor('capture-mono', CaptureProcessor);
