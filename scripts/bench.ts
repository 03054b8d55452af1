/**
 * Speed and memory benchmarks: every line is a ratio of two measurements taken in this
 * run on this machine (absolute times are printed too, but only the ratios compare).
 *   npm run bench [-- --repeats N]
 *   npm run bench -- peer   what the 16 kHz resampler measures (scripts/lib/resamplerBench.ts); Silero beside our VADs: test-split EER/AUC,
 *                           streaming real-time factors, latency vs FLOP ratios (scripts/lib/peerBench.ts)
 */
import * as tf from '@tensorflow/tfjs';
import { benchPeer } from './lib/peerBench';
import { benchResampler } from './lib/resamplerBench';
import { powerSpectrogram, powerSpectrogramOf } from '../src/audio/features';
import { countNetwork } from '../src/dcl/count';
import { gate, type GateOptions } from '../src/dcl/gate';
import { matMul2d } from '../src/dcl/matMul';
import type { Network } from '../src/dcl/network';
import { LearnableWidth } from '../src/dcl/width';
import { MODEL_FAMILIES } from '../src/models/registry';
import { frameBinaryCrossEntropy } from '../src/models/vad';
import { WidthTrainer } from '../src/train/trainer';
import { TRAINING_SCENE_OPTIONS } from '../src/train/vadTask';
import { widthSpecs } from '../src/dcl/widthSpec';
import { sampleBatch } from '../src/data/batches';
import { createRng } from '../src/data/random';
import { seededContext } from '../src/dcl/network';
import { diskSources, useBackend, workerBatches } from './lib/node';
import { createTask } from '../src/train/tasks';
import type { RunConfig } from '../src/protocol';

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
  const run = (noise: GateOptions['noise']) => () => tf.tidy(() => gate(x, width, 'train', { noise, seed: 3 }).dispose());
  report('gate noise [16,100,80]', 'per element', timeMs(run('element')), 'per sequence', timeMs(run('sequence')));
  x.dispose();
  width.dispose();
}

/** tf.matMul's own gradient (transpose flags) against matMul2d's (explicit transposes on wasm), one backward pass. */
function benchMatMulGradient(): void {
  const [a, b] = [tf.randomNormal([1600, 80], 0, 1, 'float32', 7) as tf.Tensor2D, tf.randomNormal([80, 128], 0, 1, 'float32', 8) as tf.Tensor2D];
  const backward = (mm: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor) => () =>
    tf.tidy(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(mm(x as tf.Tensor2D, y as tf.Tensor2D)))([a, b]).forEach((g) => g.dispose()));
  report('matmul [1600,80]·[80,128] forward + backward', 'tf.matMul', timeMs(backward((x, y) => tf.matMul(x, y))), 'matMul2d', timeMs(backward(matMul2d)));
  tf.dispose([a, b]);
}

function benchSpectrogram(): void {
  const audio = spectrogramInput();
  const samples = audio.dataSync() as Float32Array;
  // Both end in a tensor on the backend (not read back: see matmulPeak).
  report('power spectrogram 16 × 1 s', 'DFT matmul', timeMs(() => tf.dispose(powerSpectrogram(audio, 'matmul'))), 'JS FFT', timeMs(() => tf.dispose(powerSpectrogramOf(samples, 16))));
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

/**
 * FLOP/s of a large matmul, the fastest of REPEATS rounds: the backend's practical peak for
 * dense arithmetic (the fastest round, because a shared machine only ever slows a round down).
 */
function matmulPeak(n: number): number {
  const [a, b] = [tf.randomNormal([n, n], 0, 1, 'float32', 5) as tf.Tensor2D, tf.randomNormal([n, n], 0, 1, 'float32', 6) as tf.Tensor2D];
  // No read-back: wasm and cpu kernels run synchronously, and reading a 1 MB result back
  // costs more than the multiplication on tfjs wasm in Node.
  const call = () => tf.matMul(a, b).dispose();
  call();
  let best = Infinity;
  for (let i = 0; i < Math.max(REPEATS, 5); i++) {
    const t0 = performance.now();
    call();
    best = Math.min(best, performance.now() - t0);
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (best / 1000);
}

const BATCH = 16;
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;

/** One training batch as a step takes it: the task's scenes drawn from `rng`, their power spectrogram and frame labels. */
async function trainingBatch(rng: ReturnType<typeof createRng>) {
  const corpus = await diskSources.loadCorpus();
  const batch = sampleBatch(corpus.splits.train, BATCH, 1, rng, TRAINING_SCENE_OPTIONS);
  const input = powerSpectrogramOf(batch.audio, BATCH);
  const target = tf.tensor3d(Float32Array.from(batch.labels), [BATCH, batch.frames, 1]);
  return { corpus, batch, input, target };
}

/**
 * One VAD training step taken apart, each phase timed on its own (median of REPEATS):
 * scene synthesis and front end as the session does them, then the network's forward pass
 * (loss and complexity, no gradient tape), forward + backward (tf.variableGrads), the two Adam
 * updates, and the step's one read-back of its summary. "whole step" is the sum of these
 * phases; backward is (forward + backward) − forward. The backends' kernels run synchronously
 * on the CPU (wasm, cpu), so wall time per phase is its compute time. A tf.profile of one step
 * then lists its kernel count and where the kernel time goes.
 */
async function benchStepProfile(modelId: 'crnn' | 'transformer', backend: 'wasm' | 'cpu', peak: number): Promise<void> {
  await useBackend(backend);
  const rng = createRng(1);
  const network = MODEL_FAMILIES[modelId].build({ seed: 1 });
  const trainer = new WidthTrainer(network, frameBinaryCrossEntropy, { alpha: 0.5, learningRate: 1e-3, kappaLearningRate: 1e-2, seed: 1 });
  const context = seededContext('train', 2);
  const variables = [...network.weightVariables(), ...network.learnableWidths().map((w) => w.kappa)];
  const full = network.fullFlopsPerSecond();
  const objective = (input: tf.Tensor, target: tf.Tensor) => () =>
    tf.add(frameBinaryCrossEntropy(network.apply(input, context), target), tf.mul(tf.div(network.flopsPerSecond(), full), 0.5)) as tf.Scalar;

  const { corpus, batch, input, target } = await trainingBatch(rng);
  const adam = tf.train.adam(1e-6);
  const phases = {
    synthesis: () => sampleBatch(corpus.splits.train, BATCH, 1, rng, TRAINING_SCENE_OPTIONS),
    frontEnd: () => tf.dispose(powerSpectrogramOf(batch.audio, BATCH)),
    forward: () => tf.tidy(() => objective(input, target)().dataSync()),
    forwardBackward: () => {
      const { value, grads } = tf.variableGrads(objective(input, target), variables);
      tf.dispose([value, ...Object.values(grads)]);
    },
    optimizerAndReadback: () => {
      const { value, grads } = tf.variableGrads(objective(input, target), variables);
      const gradList = Object.values(grads);
      let t0 = performance.now();
      adam.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      optimizerMs.push(performance.now() - t0);
      t0 = performance.now();
      tf.tidy(() => tf.stack([value, tf.cast(tf.all(tf.stack(gradList.map((g) => tf.all(tf.isFinite(g))))), 'float32')]).dataSync());
      readbackMs.push(performance.now() - t0);
      tf.dispose([value, ...gradList]);
    },
    trainerStep: () => trainer.step(input, target),
  };
  // Rounds interleave the phases, so a burst of load on the shared machine hits them alike.
  const optimizerMs: number[] = [];
  const readbackMs: number[] = [];
  const times = Object.fromEntries(Object.keys(phases).map((k) => [k, [] as number[]])) as Record<keyof typeof phases, number[]>;
  for (let round = 0; round <= REPEATS; round++) {
    for (const [name, run] of Object.entries(phases) as [keyof typeof phases, () => unknown][]) {
      const t0 = performance.now();
      await run();
      if (round > 0) times[name].push(performance.now() - t0);
    }
  }
  adam.dispose();
  const [synthesis, frontEnd, forward, forwardBackward, trainerStep] = (['synthesis', 'frontEnd', 'forward', 'forwardBackward', 'trainerStep'] as const).map((k) => median(times[k]));
  const [optimizer, readback] = [median(optimizerMs.slice(1)), median(readbackMs.slice(1))];
  // The whole step as the sum of its phases (a difference of noisy medians can go negative);
  // WidthTrainer.step's own time, which also checks the gradients and projects κ, beside it.
  const backward = Math.max(0, forwardBackward - forward);
  const whole = synthesis + frontEnd + forward + backward + optimizer + readback;
  const label = `${modelId} training step on ${backend}, batch ${BATCH} × 1 s`;
  const part = (name: string, ms: number) => `${name} ${ms.toFixed(1)} (${percent(ms, whole)})`;
  console.log(
    `${label}: whole ${whole.toFixed(1)} ms = ${part('scene synthesis', synthesis)}, ${part('front end', frontEnd)}, ${part('forward', forward)}, ` +
      `${part('backward', backward)}, ${part('optimizer', optimizer)}, ${part('readback', readback)}; WidthTrainer.step alone ${trainerStep.toFixed(1)} ms`,
  );
  rows.push([`${modelId} front end (synthesis + features) / whole step, ${backend}`, `front end: ${(synthesis + frontEnd).toFixed(1)} ms`, `whole step: ${whole.toFixed(1)} ms`, percent(synthesis + frontEnd, whole)]);
  console.log(rows.at(-1)!.join('  |  '));
  // Model FLOPs: the counted FLOP/s at full width are FLOPs per second of audio = per 1 s example.
  const achieved = (full * BATCH * 3) / (whole / 1000);
  rows.push([`${modelId} achieved FLOP/s of a training step / matmul peak, ${backend}`, `step: ${(achieved / 1e9).toFixed(3)} GFLOP/s`, `peak: ${(peak / 1e9).toFixed(2)} GFLOP/s`, percent(achieved, peak)]);
  console.log(rows.at(-1)!.join('  |  '));
  const profile = await tf.profile(() => trainer.step(input, target) as unknown as tf.TensorContainer);
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of profile.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs) || 0;
    entry.calls++;
    byKernel.set(k.name, entry);
  }
  const top = [...byKernel].sort((x, y) => y[1].ms - x[1].ms).slice(0, 6);
  console.log(`${modelId} on ${backend}: ${profile.kernels.length} kernels per training step; most time in ${top.map(([n, e]) => `${n} ${e.ms.toFixed(0)} ms × ${e.calls}`).join(', ')}`);
  tf.dispose([input, target]);
  trainer.dispose();
  network.dispose();
}

/**
 * Whole training steps as a run takes them (WidthTrainer.step on the task's batches, as
 * src/train/session.ts does), with the batches made on this thread when asked for and with
 * them made ahead on a worker thread (src/data/batchServer.ts, as the app's trainer worker
 * does). The front end's share of the critical path is the time a step waited for its batch.
 */
async function benchPipelinedSteps(modelId: 'crnn' | 'transformer', peak: number): Promise<void> {
  await useBackend('wasm');
  const config: RunConfig = {
    modelId, method: 'dcl', alpha: 0.5, budgetFlopsPerSecond: null, steps: 1000, batchSize: BATCH,
    learningRate: 1e-3, kappaLearningRate: 1e-2, kappaMin: {}, uniformFraction: 1, seed: 1, evalEvery: 1000, init: 'scratch',
  };
  const steps = Math.max(8, 2 * REPEATS);
  const worker = workerBatches();
  const timeSteps = async (where: 'inline' | 'worker') => {
    const sources = where === 'inline' ? diskSources : { ...diskSources, trainingBatches: worker.client.open.bind(worker.client) };
    const task = await createTask(config, sources);
    const trainer = new WidthTrainer(task.network, task.taskLoss, { alpha: config.alpha, learningRate: config.learningRate, kappaLearningRate: config.kappaLearningRate, seed: 1 });
    let waited = 0;
    const step = async () => {
      const t0 = performance.now();
      const { input, target } = await task.nextBatch();
      waited += performance.now() - t0;
      await trainer.step(input, target);
      tf.dispose([input, target]);
    };
    // Warm-up: the worker loads its split and makes the first batches.
    for (let i = 0; i < 3; i++) await step();
    waited = 0;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    const ms = (performance.now() - t0) / steps;
    const fullFlopsPerSecond = task.network.fullFlopsPerSecond();
    trainer.dispose();
    task.dispose();
    return { ms, waited: waited / steps, fullFlopsPerSecond };
  };
  const inline = await timeSteps('inline');
  const pipelined = await timeSteps('worker');
  await worker.terminate();
  report(`${modelId} whole training step (${steps} steps, wasm, batch ${BATCH} × 1 s)`, 'batches made inline', inline.ms, 'made ahead on a worker thread', pipelined.ms);
  rows.push([`${modelId} front end on the step's critical path (time waiting for the batch / step)`, `inline: ${percent(inline.waited, inline.ms)}`, `worker: ${pipelined.waited.toFixed(1)} ms of ${pipelined.ms.toFixed(1)} ms`, percent(pipelined.waited, pipelined.ms)]);
  console.log(rows.at(-1)!.join('  |  '));
  const achieved = (pipelined.fullFlopsPerSecond * BATCH * 3) / (pipelined.ms / 1000);
  rows.push([`${modelId} achieved FLOP/s of a whole step (batches on a worker) / matmul peak`, `step: ${(achieved / 1e9).toFixed(3)} GFLOP/s`, `peak: ${(peak / 1e9).toFixed(2)} GFLOP/s`, percent(achieved, peak)]);
  console.log(rows.at(-1)!.join('  |  '));
}

/**
 * What learning widths by noise costs over learning them straight-through: WidthTrainer.step
 * of each method on the same batch from the same full-width model. DCL adds every gate's noise
 * draw and σ; straight-through multiplies by its mask.
 */
async function benchMethodOverhead(modelId: 'crnn' | 'transformer'): Promise<void> {
  await useBackend('wasm');
  const { input, target } = await trainingBatch(createRng(1));
  const trainers = (['dcl', 'straightThrough'] as const).map((method) => {
    const family = MODEL_FAMILIES[modelId];
    const network = family.build({ seed: 1, widths: widthSpecs(family.fullSizes, method, { uniformFraction: 1 }) });
    return new WidthTrainer(network, frameBinaryCrossEntropy, { alpha: 0.5, learningRate: 1e-3, kappaLearningRate: 1e-2, seed: 1 });
  });
  // Rounds interleave the two, so a burst of load on the shared machine hits them alike.
  const times: number[][] = [[], []];
  for (let round = 0; round <= REPEATS; round++) {
    for (const [i, trainer] of trainers.entries()) {
      const t0 = performance.now();
      await trainer.step(input, target);
      if (round > 0) times[i].push(performance.now() - t0);
    }
  }
  report(`${modelId} training step, wasm, batch ${BATCH} × 1 s`, 'DCL', median(times[0]), 'straight-through', median(times[1]));
  for (const trainer of trainers) {
    trainer.dispose();
    trainer.network.dispose();
  }
  tf.dispose([input, target]);
}

async function main(): Promise<void> {
  console.log(`benchmarks: median of ${REPEATS} after a warm-up; ratios compare two measurements of this run\n`);
  await useBackend('wasm');
  if (process.argv.includes('peer')) {
    await benchResampler(REPEATS);
    await benchPeer(REPEATS);
    return;
  }
  const peak = matmulPeak(512);
  console.log(`wasm matmul peak (512 × 512 · 512 × 512, fastest round): ${(peak / 1e9).toFixed(2)} GFLOP/s`);
  await benchStepProfile('crnn', 'wasm', peak);
  await benchStepProfile('transformer', 'wasm', peak);
  await benchPipelinedSteps('crnn', peak);
  await benchPipelinedSteps('transformer', peak);
  await benchMethodOverhead('crnn');
  await benchMethodOverhead('transformer');
  benchMatMulGradient();
  if (process.argv.includes('--profile-only')) return;
  benchGateNoise();
  benchSpectrogram();
  benchConsolidation('crnn');
  benchConsolidation('transformer');
  await benchTrainingBackends('crnn');
  await benchTrainingBackends('transformer');
  // Streaming lanes (ours and Silero) and consolidated/full latency ratios; the test-split scoring runs with `peer`.
  await benchPeer(REPEATS, { score: false });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
