/**
 * The peer lane: Silero VAD (the ONNX model shipped in @ricky0123/vad-web) run with
 * onnxruntime-web on single-threaded wasm (no SharedArrayBuffer, so no cross-origin
 * isolation needed), in Node and in a worker. It reads 512-sample windows at 16 kHz, each
 * with the previous window's last 64 samples in front (as silero-vad's own wrapper and
 * vad-web do), and carries its recurrent state across windows.
 *
 * Mapped onto our 10 ms frame grid: frame f (samples [160f, 160f + 400)) takes the
 * probability of the window holding its centre sample 160f + 200, so it is known once that
 * window has been run; flush() pads the last partial window with silence.
 */
import { FRAME_HOP, FRAME_LENGTH, SAMPLE_RATE, frameCount } from '../audio/frames';
import { FRAME_SECONDS, type StreamingVad } from './streaming';

export const SILERO_WINDOW = 512;
export const SILERO_CONTEXT = 64;
/** The recurrent state Silero v5 takes and returns: [2, batch 1, 128]. */
export const SILERO_STATE_SHAPE = [2, 1, 128];
const STATE_SIZE = SILERO_STATE_SHAPE.reduce((n, d) => n * d, 1);

export interface SileroOptions {
  /** Where the browser fetches ort's wasm files from (a URL prefix on the app's own origin); Node needs none. */
  wasmPaths?: string;
  name?: string;
}

type Ort = typeof import('onnxruntime-web/wasm');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

let ortModule: Promise<Ort> | null = null;

async function loadOrt(wasmPaths: string | undefined): Promise<Ort> {
  ortModule ??= import('onnxruntime-web/wasm');
  const ort = await ortModule;
  // One thread: the threaded build then runs without SharedArrayBuffer; no proxy worker (we are in one already).
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  return ort;
}

/** Silero of the bytes of its .onnx file (v5 or v6 interface: input, state, sr → output, stateN). */
export async function createSileroVad(onnxBytes: Uint8Array, options: SileroOptions = {}): Promise<StreamingVad> {
  const ort = await loadOrt(options.wasmPaths);
  let session: Session;
  try {
    session = await ort.InferenceSession.create(onnxBytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  } catch (error) {
    throw new Error(`Silero VAD: the ONNX model could not be loaded (${error instanceof Error ? error.message : String(error)})`);
  }
  for (const input of ['input', 'state', 'sr']) {
    if (!session.inputNames.includes(input)) throw new Error(`Silero VAD: the model has inputs ${session.inputNames.join(', ')}, expected input, state, sr (Silero v5/v6)`);
  }
  return new SileroStream(ort, session, options.name ?? 'silero');
}

class SileroStream implements StreamingVad {
  readonly frameSeconds = FRAME_SECONDS;
  private readonly sampleRate: InstanceType<Ort['Tensor']>;
  private state!: InstanceType<Ort['Tensor']>;
  /** The 64 samples before the next window, then the window being filled. */
  private window!: Float32Array;
  private filled!: number;
  /** Probability of each window run since window `firstWindow` (older ones are no longer needed). */
  private windows!: number[];
  private firstWindow!: number;
  /** Samples received, and frames already returned. */
  private received!: number;
  private emitted!: number;
  /** Calls run one after another: each continues the state the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    readonly name: string,
  ) {
    this.sampleRate = new ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), []);
    this.reset();
  }

  reset(): void {
    this.state = new this.ort.Tensor('float32', new Float32Array(STATE_SIZE), SILERO_STATE_SHAPE);
    this.window = new Float32Array(SILERO_CONTEXT + SILERO_WINDOW);
    this.filled = 0;
    this.windows = [];
    this.firstWindow = 0;
    this.received = 0;
    this.emitted = 0;
  }

  push(samples16k: Float32Array): Promise<Float32Array> {
    const copy = samples16k.slice();
    return this.serial(() => this.consume(copy, false));
  }

  flush(): Promise<Float32Array> {
    return this.serial(() => this.consume(new Float32Array(0), true));
  }

  dispose(): void {
    void this.serial(() => this.session.release());
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async consume(samples: Float32Array, final: boolean): Promise<Float32Array> {
    this.received += samples.length;
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(SILERO_WINDOW - this.filled, samples.length - offset);
      this.window.set(samples.subarray(offset, offset + take), SILERO_CONTEXT + this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === SILERO_WINDOW) await this.runWindow();
    }
    if (final && this.filled > 0) {
      this.window.fill(0, SILERO_CONTEXT + this.filled);
      await this.runWindow();
    }
    return this.emit(final);
  }

  private async runWindow(): Promise<void> {
    const input = new this.ort.Tensor('float32', this.window.slice(), [1, this.window.length]);
    const out = await this.session.run({ input, state: this.state, sr: this.sampleRate });
    this.state = out.stateN as InstanceType<Ort['Tensor']>;
    this.windows.push((out.output.data as Float32Array)[0]);
    // The next window's context: this window's last 64 samples.
    this.window.copyWithin(0, SILERO_WINDOW, SILERO_WINDOW + SILERO_CONTEXT);
    this.filled = 0;
  }

  /** The frames whose centre window has been run (all of the stream's frames once final). */
  private emit(final: boolean): Float32Array {
    const total = frameCount(this.received);
    const out: number[] = [];
    const runWindows = this.firstWindow + this.windows.length;
    while (this.emitted < total) {
      const index = Math.floor((this.emitted * FRAME_HOP + FRAME_LENGTH / 2) / SILERO_WINDOW);
      if (index >= runWindows && !final) break;
      // Past the last window run (only possible when final): the last one there is.
      out.push(this.windows[Math.min(index, runWindows - 1) - this.firstWindow] ?? 0);
      this.emitted++;
    }
    // Windows before the next frame's are never read again: the state stays bounded on a long stream.
    const needed = Math.floor((this.emitted * FRAME_HOP + FRAME_LENGTH / 2) / SILERO_WINDOW);
    const drop = Math.min(this.windows.length - 1, needed - this.firstWindow);
    if (drop > 0) {
      this.windows.splice(0, drop);
      this.firstWindow += drop;
    }
    return Float32Array.from(out);
  }

  /** Numbers held as stream state (bounded: it does not grow with the stream's length). */
  stateSize(): number {
    return this.window.length + STATE_SIZE + this.windows.length;
  }
}
