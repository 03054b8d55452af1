/**
 * Speed and memory benchmarks: every line is a ratio of two measurements taken in this
 * run on this machine (absolute times are printed too, but only the ratios compare).
 *   npm run bench [-- --repeats N]
 */
import * as tf from '@tensorflow/tfjs';
import { powerSpectrogram, powerSpectrogramOf } from '../src/audio/features';
import { countNetwork } from '../src/dcl/count';
import { gate, type GateOptions } from '../src/dcl/gate';
import type { Network } from '../src/dcl/network';
import { LearnableWidth } from '../src/dcl/width';
import { MODEL_FAMILIES } from '../src/models/registry';
import { frameBinaryCrossEntropy } from '../src/models/vad';
import { WidthTrainer } from '../src/train/trainer';
import { useBackend } from './lib/node';

const argIndex = process.argv.indexOf('--repeats');
const REPEATS = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 5;

/** Median milliseconds of `fn` over REPEATS calls after one warm-up. */
function timeMs(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function timeMsAsync(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function median(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

const rows: string[][] = [];
function report(what: string, a: string, aMs: number, b: string, bMs: number): void {
  rows.push([what, `${a}: ${aMs.toFixed(1)} ms`, `${b}: ${bMs.toFixed(1)} ms`, `${(aMs / bMs).toFixed(2)}×`]);
  console.log(rows.at(-1)!.join('  |  '));
}

const spectrogramInput = () => tf.randomNormal([16, 16_240], 0, 0.1, 'float32', 1) as tf.Tensor2D;

function benchGateNoise(): void {
  const width = new LearnableWidth('bench', 80, 0.1);
  width.setKappa(40.5 / 80);
  const x = tf.randomNormal([16, 100, 80], 0, 1, 'float32', 2);
  const run = (noise: GateOptions['noise']) => () => tf.tidy(() => gate(x, width, 'train', { noise, seed: 3 }).dataSync());
  report('gate noise [16,100,80]', 'per element', timeMs(run('element')), 'per sequence', timeMs(run('sequence')));
  x.dispose();
  width.dispose();
}

function benchSpectrogram(): void {
  const audio = spectrogramInput();
  const samples = audio.dataSync() as Float32Array;
  report('power spectrogram 16 × 1 s', 'DFT matmul', timeMs(() => tf.tidy(() => powerSpectrogram(audio, 'matmul').dataSync())), 'JS FFT', timeMs(() => tf.tidy(() => powerSpectrogramOf(samples, 16).dataSync())));
  audio.dispose();
}

/** A model whose widths sit at 25 % of full, and its consolidation. */
function quarterWidth(modelId: 'crnn' | 'transformer'): { full: Network; small: Network } {
  const full = MODEL_FAMILIES[modelId].build({ seed: 1 });
  for (const w of full.learnableWidths()) w.setKappa(Math.max(w.kappaMin, 0.25));
  return { full, small: full.consolidate() };
}

function benchConsolidation(modelId: 'crnn' | 'transformer'): void {
  const { full, small } = quarterWidth(modelId);
  const input = tf.tidy(() => powerSpectrogram(spectrogramInput()));
  const infer = (n: Network) => () => tf.tidy(() => n.infer(input).dataSync());
  report(`${modelId} inference 16 × 1 s, widths at 25 %`, 'masked full-size', timeMs(infer(full)), 'consolidated', timeMs(infer(small)));
  const bytes = (n: Network) => countNetwork(n).parameters * 4;
  rows.push([`${modelId} weight memory`, `full: ${bytes(full)} B`, `consolidated: ${bytes(small)} B`, `${(bytes(full) / bytes(small)).toFixed(2)}×`]);
  console.log(rows.at(-1)!.join('  |  '));
  input.dispose();
  full.dispose();
  small.dispose();
}

async function benchTrainingBackends(modelId: 'crnn' | 'transformer'): Promise<void> {
  const ms: Record<string, number> = {};
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend);
    const network = MODEL_FAMILIES[modelId].build({ seed: 1 });
    const trainer = new WidthTrainer(network, frameBinaryCrossEntropy, { alpha: 0.5, learningRate: 1e-3, kappaLearningRate: 1e-2, seed: 1 });
    const input = tf.tidy(() => powerSpectrogram(spectrogramInput()));
    const target = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([16, input.shape[1], 1], 0, 1, 'float32', 4), 0.5), 'float32'));
    ms[backend] = await timeMsAsync(() => trainer.step(input, target));
    tf.dispose([input, target]);
    trainer.dispose();
    network.dispose();
  }
  report(`${modelId} training step, batch 16 × 1 s`, 'tfjs cpu', ms.cpu, 'tfjs wasm', ms.wasm);
}

async function main(): Promise<void> {
  console.log(`benchmarks: median of ${REPEATS} after a warm-up; ratios compare two measurements of this run\n`);
  await useBackend('wasm');
  benchGateNoise();
  benchSpectrogram();
  benchConsolidation('crnn');
  benchConsolidation('transformer');
  await benchTrainingBackends('crnn');
  await benchTrainingBackends('transformer');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
