import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameCount } from '../src/audio/frames';
import { countNetwork } from '../src/dcl/count';
import type { Network } from '../src/dcl/network';
import { exportWeights, type SavedWeights } from '../src/dcl/weights';
import { DEFAULT_PUBLIC_DIR } from '../src/data/nodeCorpus';
import { crnnNetwork } from '../src/models/crnn';
import { MODEL_FAMILIES } from '../src/models/registry';
import { TRANSFORMER_CONTEXT, transformerNetwork } from '../src/models/transformer';
import {
  BUNDLED_MODELS,
  BUNDLED_SMALL_MODELS,
  bundledFamily,
  bundledModel,
  createSileroVad,
  createStreamingVad,
  detectSegments,
  exportModel,
  fromFiles,
  fromZip,
  inferClip,
  isBundledModelName,
  loadBundledModel,
  loadModel,
  modelFromNetwork,
  savedAttentionContext,
  savedNormalisation,
  normalisationName,
  toFiles,
  toZip,
  type ModelArchitecture,
  type StreamingVad,
} from '../src/runtime';
import { concatArrays } from '../src/concatArrays';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 16 kHz test audio with the dynamic range of speech in noise: noise floor, loud tone bursts, a silent stretch. */
function testAudio(seconds: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const out = new Float32Array(Math.round(seconds * 16000));
  for (let i = 0; i < out.length; i++) {
    const t = i / 16000;
    const burst = Math.floor(t * 3) % 2 === 0 ? 0.3 * Math.sin(2 * Math.PI * (180 + 40 * Math.floor(t * 3)) * t) * Math.sin(2 * Math.PI * 3 * t) : 0;
    const silent = t > seconds * 0.4 && t < seconds * 0.5;
    out[i] = silent ? 0 : burst + 0.01 * rand();
  }
  return out;
}

/** Push `audio` in chunks of varying sizes (1 sample up to ~0.3 s); all returned frames concatenated. */
async function streamInChunks(vad: StreamingVad, audio: Float32Array, seed: number): Promise<Float32Array> {
  const sizes = [1, 7, 160, 399, 400, 401, 512, 1000, 4800];
  const parts: Float32Array[] = [];
  let offset = 0;
  for (let i = seed; offset < audio.length; i++) {
    const size = sizes[i % sizes.length];
    parts.push(await vad.push(audio.subarray(offset, offset + size)));
    offset += size;
  }
  parts.push(await vad.flush());
  return concatArrays(parts, Float32Array);
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const RUNNING = { kind: 'running', timeConstantFrames: 50 } as const;
const FAMILIES: { name: string; build: () => Network; fractional: number[] }[] = [
  { name: 'crnn', build: () => crnnNetwork({ seed: 3 }), fractional: [41.3, 17.6, 9.45] },
  { name: 'transformer', build: () => transformerNetwork({ seed: 3 }), fractional: [37.4, 50.7, 21.2] },
  // Running normalisation: a causal running mean per band, carried across pushes (τ below the clip length, so both regimes run).
  { name: 'crnn with running normalisation', build: () => crnnNetwork({ seed: 3, features: RUNNING }), fractional: [41.3, 17.6, 9.45] },
  { name: 'transformer with running normalisation', build: () => transformerNetwork({ seed: 3, features: RUNNING }), fractional: [37.4, 50.7, 21.2] },
  // A log floor other than the default travels with the model (its export's front end), or the silent stretch would differ.
  { name: 'crnn with a log floor of 1e-10', build: () => crnnNetwork({ seed: 3, features: { ...RUNNING, logFloor: 1e-10 } }), fractional: [41.3, 17.6, 9.45] },
  // A floor that follows the level: its running mean of the frame power travels in the streaming state, its factor in the front end.
  { name: 'transformer with a level-relative floor', build: () => transformerNetwork({ seed: 3, features: { ...RUNNING, logFloor: 1e-12, relativeFloor: 1e-3 } }), fractional: [37.4, 50.7, 21.2] },
];

for (const family of FAMILIES) {
  describe(`${family.name}: streaming equals whole-clip inference`, () => {
    const audio = testAudio(2.3, 7);

    it('at full width', async () => {
      const network = family.build();
      const reference = await inferClip(network, audio);
      const model = await modelFromNetwork(network, { name: `${family.name}-test` });
      const streamed = await streamInChunks(createStreamingVad(model), audio, 0);
      expect(streamed.length).toBe(frameCount(audio.length));
      expect(maxDifference(streamed, reference)).toBeLessThan(1e-4);
      model.dispose();
      network.dispose();
    });

    it('consolidated at fractional widths (against the masked DCL network), also after export and import', async () => {
      const network = family.build();
      network.learnableWidths().forEach((w, i) => w.setKappa(family.fractional[i] / w.full));
      const reference = await inferClip(network, audio);
      const model = await modelFromNetwork(network, { name: `${family.name}-small` });
      expect(Object.values(model.architecture.widths)).toEqual(expect.arrayContaining(family.fractional.map(Math.ceil)));
      const vad = createStreamingVad(model);
      const streamed = await streamInChunks(vad, audio, 3);
      expect(maxDifference(streamed, reference)).toBeLessThan(1e-4);
      // reset(): the next stream starts from scratch and gives the same frames.
      vad.reset();
      expect(maxDifference(await streamInChunks(vad, audio, 5), reference)).toBeLessThan(1e-4);
      const copy = await loadModel(fromFiles(toFiles(model.exported)));
      expect(maxDifference(await copy.inferClip(audio), reference)).toBeLessThan(1e-4);
      copy.dispose();
      model.dispose();
      network.dispose();
    });
  });
}

describe('streaming state', () => {
  it('does not grow with the length of the stream (transformer: running means, conv taps, attention window, spectrum overlap)', async () => {
    const network = transformerNetwork({ seed: 1, features: { kind: 'running', timeConstantFrames: 300 } });
    const model = await modelFromNetwork(network, { name: 't' });
    network.dispose();
    const vad = createStreamingVad(model);
    const tenMs = testAudio(0.01, 3);
    const sizes: number[] = [];
    for (let i = 0; i < 6000; i++) {
      vad.process(tenMs);
      if (i === 99 || i === 5999) sizes.push(vad.stateSize());
    }
    // 1 s and 60 s into the stream: the same state; and it holds no more than the model's windows need.
    expect(sizes[1]).toBe(sizes[0]);
    // 2 attention blocks × keys and values of the context's frames × 80, 3 frames × 80 of causal mix, the sample buffer, 80 running means and a frame counter.
    expect(sizes[0]).toBeLessThanOrEqual(2 * 2 * TRANSFORMER_CONTEXT * 80 + 3 * 80 + 4 * 400 + 80 + 1);
    model.dispose();
  });
});

describe('export → import', () => {
  it('gives identical outputs, through files and through a zip; the weights are tfjs weights', async () => {
    const network = crnnNetwork({ seed: 5 });
    network.learnableWidths().forEach((w, i) => w.setKappa([50.5, 12.2, 20][i] / w.full));
    const exported = await exportModel(network, { name: 'small crnn', trainingSetup: { alpha: 0.3 } });
    const original = await loadModel(exported);
    const audio = testAudio(1.5, 11);
    const expected = await original.inferClip(audio);

    const files = toFiles(exported);
    expect(files.map((f) => f.name).sort()).toEqual(['flops.json', 'model.json', 'setup.json', 'weights.bin']);
    const viaFiles = await loadModel(fromFiles(files.map((f) => ({ name: `some/folder/${f.name}`, data: f.data })), 'folder'));
    const viaZip = await loadModel(fromZip(toZip(exported), 'small.zip'));
    for (const copy of [viaFiles, viaZip]) {
      expect(Array.from(await copy.inferClip(audio))).toEqual(Array.from(expected));
      expect(Array.from(await streamInChunks(createStreamingVad(copy), audio, 1))).toEqual(Array.from(await streamInChunks(createStreamingVad(original), audio, 1)));
      expect(copy.exported.trainingSetup).toEqual({ alpha: 0.3 });
      expect(copy.exported.flopsReport.flopsPerSecond).toBe(exported.flopsReport.flopsPerSecond);
    }
    expect(exported.flopsReport.flopsPerSecond).toBeLessThan(exported.flopsReport.fullFlopsPerSecond!);
    expect(exported.architecture.widths).toMatchObject({ mel: 51, conv: 13, gru: 20, output: 1 });

    // tfjs reads weights.bin with the manifest.
    const decoded = tf.io.decodeWeights(exported.weightData, exported.weightsManifest[0].weights);
    const convKernel = Object.keys(decoded).find((k) => k.endsWith('/conv/kernel'))!;
    expect(decoded[convKernel].shape).toEqual([3, 51, 13]);
    tf.dispose(Object.values(decoded));
    [original, viaFiles, viaZip].forEach((m) => m.dispose());
    network.dispose();
  });

  it('rejects incomplete or inconsistent folders with a message naming them', async () => {
    const network = transformerNetwork({ seed: 2 });
    const files = toFiles(await exportModel(network, { name: 't' }));
    network.dispose();
    const without = (name: string) => files.filter((f) => f.name !== name);
    expect(() => fromFiles(without('weights.bin'), 'my-model')).toThrow(/my-model: weights\.bin is missing/);
    expect(() => fromFiles(without('model.json'), 'my-model')).toThrow(/my-model: model\.json is missing/);
    const short = files.map((f) => (f.name === 'weights.bin' ? { ...f, data: f.data.subarray(0, 100) } : f));
    expect(() => fromFiles(short, 'my-model')).toThrow(/my-model: weights\.bin holds 100 bytes/);
    const broken = files.map((f) => (f.name === 'model.json' ? { ...f, data: new TextEncoder().encode('{"format": 1') } : f));
    expect(() => fromFiles(broken, 'my-model')).toThrow(/my-model: model\.json is not valid JSON/);
    const foreign = files.map((f) => (f.name === 'model.json' ? { ...f, data: new TextEncoder().encode('{"modelTopology": {"format": "keras"}}') } : f));
    expect(() => fromFiles(foreign, 'my-model')).toThrow(/not a model of this app/);
    expect(() => fromZip(new Uint8Array([1, 2, 3]), 'x.zip')).toThrow(/x\.zip: not a readable zip/);
    const withFrontEnd = (change: (model: { modelTopology: ModelArchitecture }) => void) =>
      files.map((f) => {
        if (f.name !== 'model.json') return f;
        const model = JSON.parse(new TextDecoder().decode(f.data)) as { modelTopology: ModelArchitecture };
        change(model);
        return { ...f, data: new TextEncoder().encode(JSON.stringify(model)) };
      });
    expect(() => fromFiles(withFrontEnd((m) => (m.modelTopology.frontEnd.relativeLogFloor = -1)), 'my-model')).toThrow(/relative log floor -1 is not a positive number/);
    const globalOnly = withFrontEnd((m) => {
      m.modelTopology.frontEnd.relativeLogFloor = 1e-3;
      for (const layer of m.modelTopology.layers) if (layer.kind === 'logMel') layer.normalisation = { kind: 'global' };
    });
    expect(() => fromFiles(globalOnly, 'my-model')).toThrow(/relative log floor needs a log-mel layer with running normalisation/);
  });
});

/** A bundled model's file as the command line reads it (public/ on disk, through loadBundledModel). */
const readPublic = async (path: string): Promise<Uint8Array> => new Uint8Array(await readFile(join(DEFAULT_PUBLIC_DIR, path)));

describe('bundled models', () => {
  it('crnn-full is built with the log-mel normalisation its provenance names', async () => {
    const saved = JSON.parse(await readFile(join(DEFAULT_PUBLIC_DIR, 'models/crnn-full.weights.json'), 'utf8')) as SavedWeights;
    const model = await bundledModel('crnn-full', saved);
    expect(model.architecture.widths).toMatchObject({ mel: 80, conv: 32, gru: 32 });
    // Built with the log-mel normalisation its provenance names (the sweep writes it).
    expect(saved.provenance.features).toBe('running:300');
    expect(model.architecture.layers[0]).toMatchObject({ kind: 'logMel', normalisation: { kind: 'running', timeConstantFrames: 300 } });
    model.dispose();
  });

  it.each(BUNDLED_MODELS)('%s (loaded as the command line loads it) streams like its whole-clip inference', async (name) => {
    const model = await loadBundledModel(name, readPublic);
    expect(model.name).toBe(name);
    expect(model.architecture.family).toBe(bundledFamily(name));
    const audio = testAudio(1.2, 2);
    const streamed = await streamInChunks(createStreamingVad(model), audio, 2);
    expect(maxDifference(streamed, await model.inferClip(audio))).toBeLessThan(1e-4);
    model.dispose();
  });

  it.each(BUNDLED_SMALL_MODELS)('%s is a smaller model of its family than the full one: fewer counted FLOP/s and parameters, as its flops report says and its layers count', async (name) => {
    const small = await loadBundledModel(name, readPublic);
    const full = await loadBundledModel(`${bundledFamily(name)}-full`, readPublic);
    expect(small.architecture.family).toBe(bundledFamily(name));
    const report = small.exported.flopsReport;
    // The report in the zip is the count of the layers it holds (nothing typed in by hand).
    const counted = countNetwork(small.network);
    expect(report.flopsPerSecond).toBe(counted.flopsPerSecond);
    expect(report.parameters).toBe(counted.parameters);
    expect(report.flopsPerSecond).toBeLessThan(full.exported.flopsReport.flopsPerSecond);
    expect(report.parameters).toBeLessThan(full.exported.flopsReport.parameters);
    // The README's small models: at most a quarter of their full model's counted FLOP/s.
    expect(report.flopsPerSecond).toBeLessThanOrEqual(0.25 * full.exported.flopsReport.flopsPerSecond);
    for (const [width, units] of Object.entries(full.architecture.widths)) expect(small.architecture.widths[width]).toBeLessThanOrEqual(units);
    console.log(`${name}: ${JSON.stringify(report.widths)}, ${report.flopsPerSecond} FLOP/s (${((100 * report.flopsPerSecond) / full.exported.flopsReport.flopsPerSecond).toFixed(1)} % of ${full.name}), ${report.parameters} parameters (${full.name} ${full.exported.flopsReport.parameters})`);
    small.dispose();
    full.dispose();
  });

  it('names the file when a bundled model cannot be read', async () => {
    await expect(loadBundledModel('crnn-small', async () => new Uint8Array([1, 2, 3]))).rejects.toThrow(/public\/models\/crnn-small\.zip: not a readable zip/);
    // A zip of the wrong family dropped in its place.
    const network = transformerNetwork({ seed: 3 });
    const transformerZip = toZip(await exportModel(network, { name: 'a transformer' }));
    network.dispose();
    await expect(loadBundledModel('crnn-small', async () => transformerZip)).rejects.toThrow(/crnn-small\.zip: holds a transformer model, crnn-small must be a crnn/);
    expect(isBundledModelName('crnn-small')).toBe(true);
    expect(isBundledModelName('crnn-tiny')).toBe(false);
  });
});

describe('savedNormalisation', () => {
  const saved = (features?: string) => ({ format: 'width-explorer-weights/1', network: 'crnn', provenance: features === undefined ? {} : { features }, tensors: [] }) as SavedWeights;
  it('reads the normalisation from the provenance, global when absent', () => {
    expect(savedNormalisation(saved())).toEqual({ kind: 'global' });
    expect(savedNormalisation(saved('global'))).toEqual({ kind: 'global' });
    expect(savedNormalisation(saved('running:300'))).toEqual({ kind: 'running', timeConstantFrames: 300 });
    expect(() => savedNormalisation(saved('layer norm'))).toThrow(/unknown features "layer norm"/);
    expect(() => savedNormalisation(saved('running:300,floor=tiny'))).toThrow(/unknown features/);
  });

  it('reads a log floor where the weights name one, and writes back what it reads', () => {
    expect(savedNormalisation(saved('running:300,floor=1e-10'))).toEqual({ kind: 'running', timeConstantFrames: 300, logFloor: 1e-10 });
    for (const name of ['global', 'running:300', 'running:300,floor=1e-10', 'global,floor=0.001', 'running:300,floor=1e-12,relative=0.000004']) {
      expect(normalisationName(savedNormalisation(saved(name)))).toBe(name);
    }
  });

  it('reads a level-relative floor for running normalisation only', () => {
    expect(savedNormalisation(saved('running:300,floor=1e-12,relative=0.000004'))).toEqual({ kind: 'running', timeConstantFrames: 300, logFloor: 1e-12, relativeFloor: 4e-6 });
    expect(() => savedNormalisation(saved('global,relative=0.1'))).toThrow(/unknown features/);
  });
});

describe('savedAttentionContext', () => {
  const saved = (attentionContext?: number | string) =>
    ({ format: 'width-explorer-weights/1', network: 'transformer', provenance: attentionContext === undefined ? {} : { attentionContext }, tensors: [] }) as SavedWeights;
  it('reads the context from the provenance, 16 frames for weights that predate it', () => {
    expect(savedAttentionContext(saved())).toBe(16);
    expect(savedAttentionContext(saved(32))).toBe(32);
    expect(() => savedAttentionContext(saved(2.5))).toThrow(/not a whole number of frames/);
    expect(() => savedAttentionContext(saved('wide'))).toThrow(/not a whole number of frames/);
  });

  it('builds a bundled transformer at the context its weights were trained with', async () => {
    const network = MODEL_FAMILIES.transformer.build({ seed: 3, context: 7 });
    const weights = exportWeights(network, { features: 'running:300', attentionContext: 7 });
    network.dispose();
    const model = await bundledModel('transformer-full', weights);
    const contexts = model.architecture.layers.flatMap((layer) => (layer.kind === 'attention' ? [layer.context] : []));
    expect(contexts).toEqual([7, 7]);
    model.dispose();
  });
});

describe('detectSegments', () => {
  const probs = (pattern: string) => Array.from(pattern, (c) => (c === '#' ? 0.9 : 0.1));

  it('finds runs, drops blips, bridges short gaps with the hang-over, and clips at the end', () => {
    // frames of 0.1 s: speech 1–4, a 1-frame blip at 7, speech 9–10 with a 1-frame gap
    const p = probs('.###..#.##.#');
    expect(detectSegments(p, 0.1, { minSpeech: 0.2, hangover: 0 })).toEqual([
      { start: 0.1, end: expect.closeTo(0.4, 9) },
      { start: expect.closeTo(0.8, 9), end: expect.closeTo(1.0, 9) },
    ]);
    const merged = detectSegments(p, 0.1, { minSpeech: 0.1, hangover: 0.1 });
    expect(merged.map((s) => [s.start, s.end].map((x) => Math.round(x * 10) / 10))).toEqual([
      [0.1, 0.5],
      [0.6, 1.2],
    ]);
    expect(detectSegments(probs('....'), 0.01)).toEqual([]);
    expect(detectSegments(p, 0.1, { threshold: 0.95 })).toEqual([]);
  });

  it('rejects nonsense settings', () => {
    expect(() => detectSegments([0.9], 0)).toThrow(/frameSeconds/);
    expect(() => detectSegments([0.9], 0.01, { hangover: -1 })).toThrow(/hangover/);
  });
});

describe('Silero peer', () => {
  let silero: StreamingVad;
  beforeAll(async () => {
    silero = await createSileroVad(new Uint8Array(await readFile('node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx')));
  }, 60_000);
  afterAll(() => silero?.dispose());

  it('maps its 512-sample windows onto the 10 ms frame grid, the same however the audio is chunked', async () => {
    const audio = testAudio(1.37, 4);
    const whole = [...(await silero.push(audio)), ...(await silero.flush())];
    expect(whole.length).toBe(frameCount(audio.length));
    expect(whole.every((p) => p >= 0 && p <= 1)).toBe(true);
    silero.reset();
    const chunked = await streamInChunks(silero, audio, 4);
    expect(maxDifference(chunked, whole)).toBeLessThan(1e-6);
    // Consecutive frames share a window: at most one value per 512 samples.
    expect(new Set(whole).size).toBeLessThanOrEqual(Math.ceil(audio.length / 512));
  });

  it('keeps a bounded state on a long stream', async () => {
    silero.reset();
    const sizes: number[] = [];
    const chunk = testAudio(0.1, 8);
    for (let i = 0; i < 300; i++) {
      await silero.push(chunk);
      if (i === 9 || i === 299) sizes.push((silero as unknown as { stateSize(): number }).stateSize());
    }
    expect(sizes[1]).toBe(sizes[0]);
  }, 120_000);
});
