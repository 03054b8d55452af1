/**
 * Picks the first tfjs backend that actually initialises here: WebGPU, then WebGL, then
 * WASM, then CPU, except that a software WebGPU adapter (SwiftShader, a fallback adapter)
 * goes last. Records why each earlier one was skipped, so the UI can say honestly what it
 * runs on. Which backend trains fastest is then measured per model family
 * (`backendMeasure.ts`). No DOM, no React: runs in the trainer worker and in Node.
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

interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

/** What the WebGPU adapter is, and whether it computes on the CPU (a fallback or software rasteriser). */
export interface AdapterDescription {
  software: boolean;
  /** e.g. "google swiftshader (fallback adapter)". */
  description: string;
}

/** Names of CPU implementations of WebGPU/Vulkan/D3D that report themselves as ordinary adapters. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render|software/i;

/** The WebGPU adapter's description, or null when there is none. */
export async function describeWebgpuAdapter(): Promise<AdapterDescription | null> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  const adapter = await nav?.gpu?.requestAdapter().catch(() => null);
  if (adapter === null || adapter === undefined) return null;
  const info = adapter.info ?? {};
  const fallback = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true;
  const names = [info.vendor, info.architecture, info.device, info.description].filter((n) => n !== undefined && n !== '');
  const software = fallback || names.some((n) => SOFTWARE_ADAPTER.test(n!));
  const description = `${names.join(' ') || 'unnamed adapter'}${fallback ? ' (fallback adapter)' : ''}`;
  return { software, description };
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

/** Switches tfjs to one backend; returns '' on success, else why it failed. */
export async function trySetBackend(name: BackendName, options: ChooseBackendOptions): Promise<string> {
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
  let order = options.order ?? BACKEND_NAMES;
  const reasons: string[] = [];
  if (order.includes('webgpu') && order.length > 1) {
    const adapter = await describeWebgpuAdapter();
    if (adapter?.software === true) {
      order = [...order.filter((name) => name !== 'webgpu'), 'webgpu'];
      reasons.push(`the WebGPU adapter computes on the CPU (${adapter.description}), so it is tried last`);
    }
  }
  if (!order.includes('webgpu')) reasons.push(`webgpu not among the requested backends (${order.join(', ')})`);
  for (const name of order) {
    const failure = await trySetBackend(name, options);
    if (failure === '') return { backend: name, reason: reasons.join('; ') };
    reasons.push(failure);
  }
  throw new Error(`No tfjs backend could be initialised: ${reasons.join('; ')}`);
}
