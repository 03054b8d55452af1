/**
 * Picks the fastest tfjs backend that actually initialises here:
 * WebGPU, then WebGL, then WASM, then CPU. Records why each faster one was
 * skipped, so the UI can say honestly what it runs on. No DOM, no React:
 * runs in the trainer worker and in Node.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_NAMES, type BackendName } from './protocol';

export interface BackendChoice {
  backend: BackendName;
  /** Why WebGPU was not used ('' when it was); later fallbacks appended with '; '. */
  reason: string;
}

export interface ChooseBackendOptions {
  /**
   * Directory URL (ending in '/') the tfjs-wasm binaries are served from.
   * In the browser this must be the app's own origin; in Node leave it unset
   * and tfjs-wasm loads the binaries from node_modules.
   */
  wasmPath?: string;
  /** Backends to try, in order; defaults to all four. */
  order?: readonly BackendName[];
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Returns '' when WebGPU looks usable, else why not. */
async function webgpuUnavailableReason(): Promise<string> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (nav?.gpu === undefined) return 'navigator.gpu missing';
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (adapter === null || adapter === undefined) return 'navigator.gpu.requestAdapter() returned null';
  } catch (error) {
    return `navigator.gpu.requestAdapter() threw: ${describe(error)}`;
  }
  return '';
}

/**
 * Runs one tiny computation: some software adapters initialise but then fail
 * (or return zeros) on the first kernel, and the UI must not claim them. It reads
 * back asynchronously, as all training code does: tfjs-backend-webgpu's
 * synchronous `dataSync` path returns zeros on the SwiftShader adapter of headless
 * Chromium, so nothing on the worker's path uses it. The operands are large enough
 * (> 1000 elements) that tfjs-webgpu does not forward the work to the CPU.
 */
async function smokeTestReason(name: BackendName): Promise<string> {
  const total = tf.tidy(() => tf.sum(tf.matMul(tf.ones([64, 32]), tf.fill([32, 16], 3))));
  try {
    const value = (await total.data())[0];
    return value === 64 * 16 * 96 ? '' : `${name} computed a wrong test sum (${value} instead of ${64 * 16 * 96})`;
  } finally {
    total.dispose();
  }
}

/** Tries one backend; returns '' on success, else why it failed. */
async function trySetBackend(name: BackendName, options: ChooseBackendOptions): Promise<string> {
  if (name === 'webgpu') {
    const unavailable = await webgpuUnavailableReason();
    if (unavailable !== '') return unavailable;
  }
  if (name === 'wasm' && options.wasmPath !== undefined) {
    setWasmPaths(options.wasmPath);
  }
  try {
    // setBackend resolves false (it does not throw) when the backend's
    // initialisation fails, and throws only when it was never registered.
    const ok = await tf.setBackend(name);
    if (!ok) return `setBackend(${name}) resolved false`;
    await tf.ready();
    if (tf.getBackend() !== name) return `setBackend(${name}) left backend ${tf.getBackend()}`;
    return await smokeTestReason(name);
  } catch (error) {
    return `setBackend(${name}) threw: ${describe(error)}`;
  }
}

export async function chooseBackend(options: ChooseBackendOptions = {}): Promise<BackendChoice> {
  const order = options.order ?? BACKEND_NAMES;
  const reasons: string[] = [];
  if (!order.includes('webgpu')) reasons.push(`webgpu not among the requested backends (${order.join(', ')})`);
  for (const name of order) {
    const failure = await trySetBackend(name, options);
    if (failure === '') return { backend: name, reason: reasons.join('; ') };
    reasons.push(failure);
  }
  throw new Error(`No tfjs backend could be initialised: ${reasons.join('; ')}`);
}
