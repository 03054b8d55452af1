import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { N_FREQ } from '../src/audio/features';
import type { Corpus } from '../src/data/corpus';
import { DEFAULT_PUBLIC_DIR, loadCorpusFromDisk } from '../src/data/nodeCorpus';
import { seededContext, type Network } from '../src/dcl/network';
import { exportWeights, importWeights, layerVariables, type SavedWeights } from '../src/dcl/weights';
import { MODEL_FAMILIES } from '../src/models/registry';
import { LogMel } from '../src/models/logMel';
import { pretrainedWeightsPath } from '../src/models/catalog';
import { attentionContextOf, TRANSFORMER_CONTEXT } from '../src/models/transformer';
import type { Evaluation, RunConfig, RunSummary } from '../src/protocol';
import { BandEnergy, bandEnergyNetwork } from '../src/train/bandEnergy';
import { RunControl, trainSession } from '../src/train/session';
import { createVadTask, type VadEvaluation } from '../src/train/vadTask';
import { buildNetwork } from '../src/runtime/architecture';
import { fromZip, readWeights } from '../src/runtime/exportModel';

let corpus: Corpus;
beforeAll(async () => {
  // wasm: the tfjs backend the command-line sweep uses (≈ 4× the pure-JS cpu backend here).
  expect(await tf.setBackend('wasm')).toBe(true);
  corpus = await loadCorpusFromDisk();
});

/**
 * What a short training run must beat: a zero-parameter detector that scores each frame by its
 * 300–4000 Hz energy, on the same held-out scenes, by at least these margins. Measured with the
 * settings below on corpus v2 (test split, 16 scenes × 8 s): band energy EER 24.7 %, AUC 0.797;
 * the CRNN EER 16.5 %, AUC 0.873; the transformer EER 19.1 %, AUC 0.863. A CRNN that does not
 * train (lr 0) scored EER 48.4 %, AUC 0.516 and fails; on the first corpus one trained too
 * little (80 steps at lr 3e-3: EER 26.1 %, AUC 0.845 against 27.0 %, 0.807) failed the EER margin.
 */
const MARGIN = { eer: 0.03, auc: 0.04 };
/**
 * 16 scenes × 8 s per split: on 8 × 4 s the test split happened to suit band energy
 * (EER 14.5 %, against 27.0 % on these scenes and 27.9 % on the sweep's 24 × 8 s).
 */
const HELD_OUT = { heldOutScenes: 16, heldOutSeconds: 8 };

const percent = (e: Evaluation) => `EER ${(100 * e.value).toFixed(1)} %, AUC ${e.auc?.toFixed(3)}`;

describe('band-energy baseline', () => {
  it('scores each frame by its log energy in 300–4000 Hz, with no parameters', () => {
    const layer = new BandEnergy();
    // Bin k is at 40·k Hz: bins 8 … 100 lie in the band.
    const power = new Float32Array(2 * N_FREQ);
    power.fill(5);
    for (let k = 8; k <= 100; k++) power[N_FREQ + k] = 2;
    power[N_FREQ + 7] = 1000; // 280 Hz: outside the band
    power[N_FREQ + 101] = 1000; // 4040 Hz: outside the band
    const frames = tf.tensor3d(power.map((v, i) => (i < N_FREQ ? (i >= 8 && i <= 100 ? 1 : 0) : v)), [1, 2, N_FREQ]);
    const scores = layer.apply(frames);
    expect(scores.shape).toEqual([1, 2, 1]);
    const [first, second] = scores.dataSync();
    expect(first).toBeCloseTo(Math.log(93 + 1e-6), 4);
    expect(second).toBeCloseTo(Math.log(2 * 93 + 1e-6), 4);
    expect(layer.variables()).toEqual([]);
    expect(() => layer.apply(tf.zeros([1, 2, 80]))).toThrow(/201/);
    expect(() => new BandEnergy('band', N_FREQ, 16000, { low: 300, high: 9000 })).toThrow(/0–8000 Hz/);
    tf.dispose([frames, scores]);
    layer.dispose();
  });
});

/** A short run of the real thing: corpus scenes, log-mel model with learned widths, α > 0. */
for (const modelId of ['crnn', 'transformer'] as const) {
  describe(`${modelId} VAD, quick training on the bundled corpus`, () => {
    it(`beats a 300–4000 Hz band-energy detector on the unseen speaker and noises by ≥ ${100 * MARGIN.eer} pp EER and ≥ ${MARGIN.auc} AUC, shrinks its widths, and consolidates exactly`, async () => {
      const config: RunConfig = {
        modelId, method: 'dcl', alpha: 1, budgetFlopsPerSecond: null, steps: 80, batchSize: 16, learningRate: 1e-2,
        kappaLearningRate: 3e-2, kappaMin: {}, uniformFraction: 1, seed: 1, evalEvery: 80, init: 'scratch',
      };
      const task = createVadTask(config, corpus, { segmentSeconds: 1, ...HELD_OUT });
      let summary: RunSummary | null = null;
      for await (const e of trainSession({ runId: modelId, config, task, control: new RunControl(config), backend: 'wasm', progressEvery: 40 })) {
        if (e.type === 'finished') summary = e.summary;
      }
      expect(summary).not.toBeNull();
      // The run ends calibrated: on validation its pooled best-F1 threshold is now 0.5.
      expect(Number.isFinite(summary!.calibrationShift)).toBe(true);
      const calibrated = (await task.evaluate(task.network, 'validation')) as VadEvaluation;
      console.log(`${modelId}: calibration shift ${summary!.calibrationShift!.toFixed(3)}, validation best-F1 threshold now ${calibrated.pooledBestF1Threshold!.toFixed(4)}`);
      expect(calibrated.pooledBestF1Threshold!).toBeCloseTo(0.5, 3);
      const widths = task.network.learnableWidths();
      expect(widths.some((w) => w.value() < 0.9 * w.full)).toBe(true);

      const trained = await task.evaluate(task.network, 'test');
      const baseline = bandEnergyNetwork();
      const band = await task.evaluate(baseline, 'test');
      baseline.dispose();
      console.log(`${modelId} test split: trained ${percent(trained)}; band energy ${percent(band)}; widths ${widths.map((w) => `${w.name} ${w.value().toFixed(1)}`).join(', ')}`);
      expect(trained.value).toBeLessThanOrEqual(band.value - MARGIN.eer);
      expect(trained.auc!).toBeGreaterThanOrEqual(band.auc! + MARGIN.auc);

      // The consolidated model computes the same scores (so it scores the same EER and AUC).
      const small = task.network.consolidate();
      const x = tf.randomNormal([2, 50, 201], 1, 0.5, 'float32', 3).abs();
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(task.network.infer(x), small.infer(x)))).dataSync()[0]);
      expect(diff).toBeLessThan(1e-5);
      x.dispose();
      small.dispose();
      task.dispose();
    }, 900_000);
  });
}

describe('distillation from the full-width model', () => {
  it('mixes the frozen full-width model’s speech probability into each frame’s target by β', async () => {
    const saved = JSON.parse(readFileSync(join(DEFAULT_PUBLIC_DIR, pretrainedWeightsPath('crnn')), 'utf8')) as SavedWeights;
    const config = (distillation: number): RunConfig => ({
      modelId: 'crnn', method: 'dcl', alpha: 1, budgetFlopsPerSecond: null, steps: 1, batchSize: 4, learningRate: 1e-2,
      kappaLearningRate: 3e-2, kappaMin: {}, uniformFraction: 1, seed: 5, evalEvery: 1, init: 'pretrained', distillation,
    });
    const options = { segmentSeconds: 1, heldOutScenes: 2, heldOutSeconds: 1, pretrained: saved };
    // Tasks of one seed draw the same batches; the β = 0 task's network is still the untrained full-width model.
    const [plain, half, full] = [0, 0.5, 1].map((beta) => createVadTask(config(beta), corpus, options));
    const [a, b, c] = await Promise.all([plain.nextBatch(), half.nextBatch(), full.nextBatch()]);
    const labels = await a.target.data();
    const teacher = await plain.network.infer(a.input).data();
    const [mixed, soft] = [await b.target.data(), await c.target.data()];
    expect(await b.input.data()).toEqual(await a.input.data());
    expect(new Set(labels)).toEqual(new Set([0, 1]));
    let largest = 0;
    for (let i = 0; i < labels.length; i++) {
      largest = Math.max(largest, Math.abs(soft[i] - teacher[i]), Math.abs(mixed[i] - (0.5 * labels[i] + 0.5 * teacher[i])));
    }
    expect(largest).toBeLessThan(1e-6);
    // The teacher's probabilities are not the labels (else the test could not tell them apart).
    expect(teacher.some((p, i) => Math.abs(p - labels[i]) > 0.2)).toBe(true);
    tf.dispose([a, b, c].flatMap((batch) => [batch.input, batch.target]));
    [plain, half, full].forEach((task) => task.dispose());
    expect(() => createVadTask({ ...config(0.5), init: 'scratch' }, corpus, options)).toThrow(/init pretrained/);
    expect(() => createVadTask(config(1.5), corpus, options)).toThrow(/\(0, 1\]/);
  }, 120_000);

  it('takes another family’s full-width model as the teacher of a run from scratch', async () => {
    const crnnWeights = JSON.parse(readFileSync(join(DEFAULT_PUBLIC_DIR, pretrainedWeightsPath('crnn')), 'utf8')) as SavedWeights;
    const config = (distillation: number): RunConfig => ({
      modelId: 'transformer', method: 'uniform', alpha: 0, budgetFlopsPerSecond: null, steps: 1, batchSize: 4, learningRate: 1e-2,
      kappaLearningRate: 0, kappaMin: {}, uniformFraction: 1, seed: 5, evalEvery: 1, init: 'scratch',
      ...(distillation ? { distillation, distillationTeacher: 'crnn' as const } : {}),
    });
    const options = { segmentSeconds: 1, heldOutScenes: 2, heldOutSeconds: 1, teacherWeights: crnnWeights };
    const [plain, taught] = [0, 0.5].map((beta) => createVadTask(config(beta), corpus, options));
    const crnn = MODEL_FAMILIES.crnn.build({ seed: 0 });
    importWeights(crnn, crnnWeights, 'crnn weights');
    const [a, b] = await Promise.all([plain.nextBatch(), taught.nextBatch()]);
    const labels = await a.target.data();
    const teacher = await crnn.infer(a.input).data();
    const mixed = await b.target.data();
    expect(await b.input.data()).toEqual(await a.input.data());
    let largest = 0;
    for (let i = 0; i < labels.length; i++) largest = Math.max(largest, Math.abs(mixed[i] - (0.5 * labels[i] + 0.5 * teacher[i])));
    expect(largest).toBeLessThan(1e-6);
    expect(teacher.some((p, i) => Math.abs(p - labels[i]) > 0.2)).toBe(true);
    // The transformer's own untrained output is not what the targets mix in.
    const student = await taught.network.infer(a.input).data();
    expect(student.some((p, i) => Math.abs(p - teacher[i]) > 0.05)).toBe(true);
    tf.dispose([a, b].flatMap((batch) => [batch.input, batch.target]));
    [plain, taught].forEach((task) => task.dispose());
    crnn.dispose();
    expect(() => createVadTask(config(0.5), corpus, { ...options, teacherWeights: undefined })).toThrow(/no full-width weights for the distillation teacher crnn/);
  }, 120_000);
});

describe('a CRNN run from the bundled weights with its mel bands spread', () => {
  it('starts as the same function, and only a CRNN is reordered', () => {
    const saved = JSON.parse(readFileSync(join(DEFAULT_PUBLIC_DIR, pretrainedWeightsPath('crnn')), 'utf8')) as SavedWeights;
    const config: RunConfig = {
      modelId: 'crnn', method: 'uniform', alpha: 0, budgetFlopsPerSecond: null, steps: 1, batchSize: 2, learningRate: 1e-2,
      kappaLearningRate: 0, kappaMin: {}, uniformFraction: 1, seed: 5, evalEvery: 1, init: 'pretrained',
    };
    const options = { segmentSeconds: 1, heldOutScenes: 2, heldOutSeconds: 1, pretrained: saved };
    const ascending = createVadTask(config, corpus, options);
    const spread = createVadTask(config, corpus, { ...options, melOrder: 'spread' });
    const x = tf.randomNormal([2, 50, 201], 1, 0.5, 'float32', 3).abs();
    const [diff, moved] = tf.tidy(() => {
      const [a, b] = [ascending.network.infer(x), spread.network.infer(x)];
      // Its second mel unit is another band (40, not 1): the front end did change.
      const secondUnit = (n: typeof ascending.network) => n.layers[0]!.apply(x, seededContext('infer', 0)).slice([0, 0, 1], [-1, -1, 1]);
      return [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!, tf.max(tf.abs(tf.sub(secondUnit(ascending.network), secondUnit(spread.network)))).dataSync()[0]!];
    });
    expect(diff).toBeLessThan(1e-5);
    expect(moved).toBeGreaterThan(0.1);
    x.dispose();
    ascending.dispose();
    spread.dispose();
    const transformer = MODEL_FAMILIES.transformer.build({ seed: 1 });
    const transformerWeights = exportWeights(transformer, { features: 'running:300', attentionContext: 32 });
    transformer.dispose();
    expect(() => createVadTask({ ...config, modelId: 'transformer' }, corpus, { ...options, pretrained: transformerWeights, melOrder: 'spread' })).toThrow(/only CRNN weights/);
  }, 120_000);
});

describe('a run from pretrained transformer weights', () => {
  it('is built at the attention context and log-mel features the weights were trained with; a run from scratch at the ones asked for', () => {
    const trained = MODEL_FAMILIES.transformer.build({ seed: 2, context: 9 });
    const pretrained = exportWeights(trained, { features: 'running:300,floor=1e-10', attentionContext: 9 });
    trained.dispose();
    const config = (method: RunConfig['method'], uniformFraction: number): RunConfig => ({
      modelId: 'transformer', method, alpha: 0, budgetFlopsPerSecond: null, steps: 1, batchSize: 2, learningRate: 1e-2,
      kappaLearningRate: 0, kappaMin: {}, uniformFraction, seed: 5, evalEvery: 1, init: 'pretrained',
    });
    const askedFeatures = { kind: 'running', timeConstantFrames: 50 } as const;
    const options = { segmentSeconds: 1, heldOutScenes: 2, heldOutSeconds: 1, pretrained, attentionContext: 11, features: askedFeatures };
    const featuresOf = (network: Network) => network.layers.find((layer): layer is LogMel => layer instanceof LogMel)?.normalisation;
    for (const [method, fraction] of [['dcl', 1], ['uniform', 0.5]] as const) {
      const task = createVadTask(config(method, fraction), corpus, options);
      expect(attentionContextOf(task.network), `${method} ${fraction}`).toBe(9);
      expect(featuresOf(task.network), `${method} ${fraction}`).toEqual({ kind: 'running', timeConstantFrames: 300, logFloor: 1e-10 });
      task.dispose();
    }
    for (const [asked, built] of [[11, 11], [undefined, TRANSFORMER_CONTEXT]] as const) {
      const scratch = createVadTask({ ...config('dcl', 1), init: 'scratch' }, corpus, { ...options, attentionContext: asked });
      expect(attentionContextOf(scratch.network)).toBe(built);
      expect(featuresOf(scratch.network)).toEqual(askedFeatures);
      scratch.dispose();
    }
  });
});

describe('a uniform model below full width started from the full-width weights', () => {
  it('keeps the first units of every width of the bundled model', async () => {
    const saved = JSON.parse(readFileSync(join(DEFAULT_PUBLIC_DIR, pretrainedWeightsPath('crnn')), 'utf8')) as SavedWeights;
    const config: RunConfig = {
      modelId: 'crnn', method: 'uniform', alpha: 0, budgetFlopsPerSecond: null, steps: 1, batchSize: 4, learningRate: 1e-2,
      kappaLearningRate: 0, kappaMin: {}, uniformFraction: 0.5, seed: 5, evalEvery: 1, init: 'pretrained',
    };
    const task = createVadTask(config, corpus, { segmentSeconds: 1, heldOutScenes: 2, heldOutSeconds: 1, pretrained: saved });
    const full = MODEL_FAMILIES.crnn.build({ seed: 1 });
    importWeights(full, saved, 'crnn pretrained');
    const tensor = (network: Network, layer: string, index: number) => layerVariables(network).filter((v) => v.layer === layer)[index].variable;
    // conv kernel [taps, mel, conv]: mel 40 of 80, conv 16 of 32.
    const conv = tensor(task.network, 'conv', 0);
    expect(conv.shape).toEqual([3, 40, 16]);
    expect(await conv.data()).toEqual(await tf.slice(tensor(full, 'conv', 0), [0, 0, 0], [3, 40, 16]).data());
    // output kernel [gru, 1]: the first 16 GRU units.
    expect(await tensor(task.network, 'output', 0).data()).toEqual(await tf.slice(tensor(full, 'output', 0), [0, 0], [16, 1]).data());
    // GRU recurrent kernel [H, 3H]: each gate's first 16 columns of the first 16 rows.
    const recurrent = tensor(full, 'gru', 1);
    const gates = tf.concat([0, 1, 2].map((g) => tf.slice(recurrent, [0, 32 * g], [16, 16])), 1);
    expect(await tensor(task.network, 'gru', 1).data()).toEqual(await gates.data());
    full.dispose();
    task.dispose();
  }, 60_000);
});

describe('a run from a consolidated model (sweep --polish-from)', () => {
  it('trains that model at its widths, on scenes of its own seed, and refuses a mismatched run', async () => {
    const exported = fromZip(new Uint8Array(readFileSync(join(DEFAULT_PUBLIC_DIR, 'models/crnn-small.zip'))), 'crnn-small.zip');
    const start = { architecture: exported.architecture, arrays: readWeights(exported) };
    const config: RunConfig = {
      modelId: 'crnn', method: 'uniform', alpha: 0, budgetFlopsPerSecond: null, steps: 1, batchSize: 2, learningRate: 1e-2,
      kappaLearningRate: 0, kappaMin: {}, uniformFraction: 1, seed: 5, evalEvery: 1, init: 'scratch',
    };
    const options = { segmentSeconds: 1, heldOutScenes: 2, heldOutSeconds: 1 };
    const task = createVadTask(config, corpus, { ...options, consolidatedStart: start, trainingBatchSeed: 1005 });
    const reference = buildNetwork(start.architecture, start.arrays);
    expect(task.network.layers.flatMap((l) => l.widths()).map((w) => w.full)).toEqual(reference.layers.flatMap((l) => l.widths()).map((w) => w.full));
    expect(task.network.learnableWidths()).toHaveLength(0);
    expect(task.network.weightVariables().every((v) => v.trainable)).toBe(true);
    const x = tf.randomNormal([2, 50, N_FREQ], 1, 0.5, 'float32', 3).abs();
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(task.network.infer(x), reference.infer(x)))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-6);
    // Its scenes are those of the batch seed, not of the run's seed.
    const own = createVadTask(config, corpus, options);
    const [a, b] = [await task.nextBatch(), await own.nextBatch()];
    expect(Array.from(await a.target.data())).not.toEqual(Array.from(await b.target.data()));
    tf.dispose([x, a.input, a.target, b.input, b.target]);
    [task, own].forEach((t) => t.dispose());
    reference.dispose();
    expect(() => createVadTask({ ...config, method: 'dcl' }, corpus, { ...options, consolidatedStart: start })).toThrow(/keeps its widths/);
    expect(() => createVadTask({ ...config, modelId: 'transformer' }, corpus, { ...options, consolidatedStart: start })).toThrow(/is a crnn/);
  }, 60_000);
});
