/**
 * `npm run bench -- peer`: our VADs beside Silero on the same audio, measured in one run.
 *  1. Accuracy on the repo's test split (the held-out scenes src/train/vadTask.ts scores, and its
 *     channel variants): frame EER/AUC of the bundled models (full-width and small) and of
 *     Silero v5, with FLOP/s and parameters.
 *  2. Streaming real-time factor of each lane (audio pushed 10 ms at a time): full CRNN,
 *     consolidated CRNN at 25 % width, full transformer, Silero; plus tfjs-wasm whole-clip
 *     inference of the same models, the reference the plain-TypeScript kernels replace.
 *  3. Consolidated vs full per-frame latency beside the FLOP ratio, two widths per family.
 * Widths below full are set on the bundled weights (κ = 0.5, 0.25) and consolidated: their
 * accuracy is not that of a trained small model, but their cost is exactly a small model's.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { SAMPLE_RATE } from '../../src/audio/frames';
import { stackScenes } from '../../src/data/batches';
import { diskLoader } from '../../src/data/nodeCorpus';
import { fixedScenes } from '../../src/data/scenes';
import { importWeights } from '../../src/dcl/weights';
import { MODEL_FAMILIES } from '../../src/models/registry';
import {
  BUNDLED_SMALL_MODELS,
  createSileroVad,
  createStreamingVad,
  inferClip,
  loadBundledModel,
  modelFromNetwork,
  savedBuildOptions,
  SILERO_WINDOW,
  sileroSize,
  StreamingSpectrum,
  type StreamingVad,
  type VadFamily,
  type VadModel,
} from '../../src/runtime';
import { detectionMetrics } from '../../src/train/metrics';
import { HELD_OUT_SEED, HELD_OUT_VARIANTS, heldOutVariantAudio, VAD_TASK_DEFAULTS } from '../../src/train/vadTask';
import { diskSources } from './node';
import { concatArrays } from '../../src/concatArrays';

const SILERO_ONNX = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';
/** Samples per push when streaming: one 10 ms hop, as the microphone path delivers them. */
const PUSH = 160;

/** A family's bundled weights with every width at fraction κ of full, consolidated. */
async function bundledAt(family: VadFamily, kappa: number): Promise<VadModel> {
  const saved = await diskSources.loadPretrained(family);
  const network = MODEL_FAMILIES[family].build({ seed: 0, ...savedBuildOptions(saved) });
  try {
    importWeights(network, saved, `${family} weights`);
    for (const w of network.learnableWidths()) w.setKappa(kappa);
    const label = kappa === 1 ? `${family}-full` : `${family} at ${Math.round(kappa * 100)} %`;
    return await modelFromNetwork(network, { name: label });
  } finally {
    network.dispose();
  }
}

async function streamAll(vad: StreamingVad, audio: Float32Array, chunk: number): Promise<Float32Array> {
  vad.reset();
  const parts: Float32Array[] = [];
  for (let i = 0; i < audio.length; i += chunk) parts.push(await vad.push(audio.subarray(i, i + chunk)));
  parts.push(await vad.flush());
  return concatArrays(parts, Float32Array);
}

interface Timing {
  median: number;
  low: number;
  high: number;
}

/** Median and range (ms) of `repeats` runs after one warm-up. */
async function time(repeats: number, fn: () => Promise<unknown>): Promise<Timing> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], low: ms[0], high: ms.at(-1)! };
}

const spread = (t: Timing) => `±${((100 * (t.high - t.low)) / 2 / t.median).toFixed(0)} %`;
const fmt = (x: number, digits = 3) => x.toPrecision(digits);

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => console.log(line(r)));
  console.log('');
}

export async function benchPeer(repeats: number, { score = true } = {}): Promise<void> {
  const corpus = await diskSources.loadCorpus();
  const { heldOutScenes, heldOutSeconds } = VAD_TASK_DEFAULTS;
  const test = stackScenes(fixedScenes(corpus.splits.test, heldOutScenes, heldOutSeconds, HELD_OUT_SEED.test));
  const scene = (b: number) => test.audio.subarray(b * test.samples, (b + 1) * test.samples);
  const onnx = new Uint8Array(await readFile(SILERO_ONNX));
  const silero = await createSileroVad(onnx, { name: 'silero v5' });
  const size = sileroSize(onnx, SILERO_ONNX);
  console.log(
    `Silero v5's size, counted from ${SILERO_ONNX} (src/runtime/sileroSize.ts): the 16 kHz model has ${size.parameters} learned parameters in ${size.tensors.length} tensors ` +
      `(${size.parametersFromBytes} by the stored bytes) and a fixed STFT basis of ${size.fixedValues} values; the file's weights (16 and 8 kHz models) are ${size.weightBytes} of its ${size.fileBytes} bytes. ` +
      `One call (512 new samples) costs ${size.macsPerCall} multiply-adds counted in its Conv and LSTM nodes (src/runtime/onnxMacs.ts), ${size.stftMacsPerCall} of them in the STFT: ` +
      `${fmt(size.flopsPerSecond / 1e6)} MFLOP/s, ${fmt(((size.macsPerCall - size.stftMacsPerCall) * 2 * SAMPLE_RATE) / SILERO_WINDOW / 1e6)} MFLOP/s without the STFT (our models' counts leave their own STFT out and start at the mel filterbank).\n`,
  );
  const crnnFull = await bundledAt('crnn', 1);
  const transformerFull = await bundledAt('transformer', 1);

  if (score) {
    const smalls = await Promise.all(BUNDLED_SMALL_MODELS.map((name) => loadBundledModel(name, diskLoader())));
    const variants = HELD_OUT_VARIANTS.test;
    console.log(`Test split: ${test.batchSize} scenes × ${heldOutSeconds} s (seed ${HELD_OUT_SEED.test}), ${test.labels.length} frames per variant (${variants.join(', ')}: src/train/vadTask.ts); each scene streamed from a fresh state\n`);
    const rows: string[][] = [];
    for (const variant of variants) for (const [name, vad, flops, params] of [
      ['crnn-full', createStreamingVad(crnnFull), crnnFull.exported.flopsReport.flopsPerSecond, crnnFull.exported.flopsReport.parameters],
      ['transformer-full', createStreamingVad(transformerFull), transformerFull.exported.flopsReport.flopsPerSecond, transformerFull.exported.flopsReport.parameters],
      ...smalls.map((small) => [small.name, createStreamingVad(small), small.exported.flopsReport.flopsPerSecond, small.exported.flopsReport.parameters] as const),
      ['silero v5 (peer)', silero, size.flopsPerSecond, null],
    ] as const) {
      const scores = new Float32Array(test.labels.length);
      for (let b = 0; b < test.batchSize; b++) {
        const p = await streamAll(vad, heldOutVariantAudio(scene(b), variant, b), test.samples);
        if (p.length !== test.frames) throw new Error(`${name}: ${p.length} frames for a scene of ${test.frames}`);
        scores.set(p, b * test.frames);
      }
      const m = detectionMetrics(scores, test.labels, test.snr);
      rows.push([
        variant,
        name,
        `${(100 * m.eer).toFixed(2)} %`,
        m.auc.toFixed(4),
        m.eerBySnr.map((e) => (Number.isNaN(e) ? '–' : `${(100 * e).toFixed(1)}`)).join(' / '),
        `${fmt(flops / 1e6)} M${params === null ? ' (counted in the ONNX graph, STFT included)' : ''}`,
        params === null ? `${size.parameters} (counted in the ONNX file)` : String(params),
      ]);
    }
    smalls.forEach((small) => small.dispose());
    table(['test variant', 'model', 'frame EER', 'AUC', 'EER % by SNR (<5 / 5–15 / 15–25 / ≥25 dB)', 'FLOP/s', 'parameters'], rows);
  }

  // Streaming real-time factor: the first scenes of the test split back to back.
  const seconds = Math.min(32, heldOutScenes * heldOutSeconds);
  const audio = test.audio.subarray(0, seconds * SAMPLE_RATE);
  const crnnQuarter = await bundledAt('crnn', 0.25);
  const transformerQuarter = await bundledAt('transformer', 0.25);
  const lanes: [string, StreamingVad, VadModel | null][] = [
    ['crnn-full', createStreamingVad(crnnFull), crnnFull],
    ['crnn at 25 % (consolidated)', createStreamingVad(crnnQuarter), crnnQuarter],
    ['transformer-full', createStreamingVad(transformerFull), transformerFull],
    ['transformer at 25 % (consolidated)', createStreamingVad(transformerQuarter), transformerQuarter],
    ['silero v5 (peer)', silero, null],
  ];
  console.log(`Streaming real-time factor (processing time / audio time), ${seconds} s of test audio pushed ${PUSH} samples (10 ms) at a time, median of ${repeats}:`);
  console.log(`plain-TypeScript kernels for our models (state carried frame to frame); Silero on onnxruntime-web wasm, 1 thread; tfjs ${tf.getBackend()} whole-clip inference of the same models for comparison\n`);
  const rtf: Record<string, number> = {};
  const laneRows: string[][] = [];
  for (const [name, vad, model] of lanes) {
    const t = await time(repeats, () => streamAll(vad, audio, PUSH));
    rtf[name] = t.median / 1000 / seconds;
    let [tfjsCell, differenceCell] = ['–', '–'];
    if (model) {
      const w = await time(repeats, () => inferClip(model.network, audio));
      tfjsCell = `${fmt(w.median / 1000 / seconds)} (${spread(w)})`;
      // The kernels' output against tfjs on this backend, same audio (the unit tests check it on cpu).
      const [streamed, whole] = [await streamAll(vad, audio, PUSH), await inferClip(model.network, audio)];
      differenceCell = streamed.reduce((max, p, f) => Math.max(max, Math.abs(p - whole[f])), 0).toExponential(1);
    }
    laneRows.push([name, `${fmt(rtf[name])} (${spread(t)})`, `${fmt((t.median * 1000) / (seconds * 100))} µs`, tfjsCell, differenceCell]);
  }
  // The floor under every lane of ours: the STFT power spectrum alone (not in the FLOP counts, which start at the mel filterbank).
  const spectrum = new StreamingSpectrum();
  const front = await time(repeats, async () => {
    spectrum.reset();
    for (let i = 0; i < audio.length; i += PUSH) spectrum.push(audio.subarray(i, i + PUSH));
  });
  laneRows.push(['(front end alone: 400-point STFT power)', `${fmt(front.median / 1000 / seconds)} (${spread(front)})`, `${fmt((front.median * 1000) / (seconds * 100))} µs`, '–', '–']);
  table(['lane', 'streaming RTF', 'per 10 ms frame', `tfjs ${tf.getBackend()} whole-clip RTF`, `max |streamed − tfjs ${tf.getBackend()}|`], laneRows);
  const small = rtf['crnn at 25 % (consolidated)'];
  const peer = rtf['silero v5 (peer)'];
  console.log(`consolidated CRNN at 25 % vs Silero, streaming RTF: ${fmt(small)} vs ${fmt(peer)} → ${fmt(peer / small)}× ${small < peer ? 'faster' : 'SLOWER'} than Silero\n`);

  // Consolidated vs full: per-frame latency ratio beside the FLOP ratio.
  // 8 s suffice for a ratio: the cost per frame does not depend on the stream's length.
  const clip = audio.subarray(0, 8 * SAMPLE_RATE);
  console.log(`Consolidated vs full, same weights, widths at κ: latency over an 8 s clip streamed 10 ms at a time (TS kernels) and of tfjs ${tf.getBackend()} whole-clip inference, each a ratio of two measurements of this run (median of ${repeats}, ± half range)\n`);
  const ratioRows: string[][] = [];
  for (const family of ['crnn', 'transformer'] as const) {
    const full = family === 'crnn' ? crnnFull : transformerFull;
    for (const kappa of [0.5, 0.25]) {
      const small = kappa === 0.25 ? (family === 'crnn' ? crnnQuarter : transformerQuarter) : await bundledAt(family, kappa);
      const [fullVad, smallVad] = [createStreamingVad(full), createStreamingVad(small)];
      const tf0 = await time(repeats, () => streamAll(fullVad, clip, PUSH));
      const tf1 = await time(repeats, () => streamAll(smallVad, clip, PUSH));
      const w0 = await time(repeats, () => inferClip(full.network, clip));
      const w1 = await time(repeats, () => inferClip(small.network, clip));
      const flopRatio = full.exported.flopsReport.flopsPerSecond / small.exported.flopsReport.flopsPerSecond;
      ratioRows.push([
        family,
        `${kappa}`,
        Object.entries(small.architecture.widths)
          .filter(([name]) => name !== 'spectrum' && name !== 'output')
          .map(([name, units]) => `${name} ${units}`)
          .join(', '),
        `${fmt(flopRatio)}×`,
        `${fmt(tf0.median / tf1.median)}× (${spread(tf0)}, ${spread(tf1)})`,
        `${fmt(w0.median / w1.median)}× (${spread(w0)}, ${spread(w1)})`,
      ]);
      if (small !== crnnQuarter && small !== transformerQuarter) small.dispose();
    }
  }
  table(['family', 'κ', 'widths', 'FLOP ratio full/consolidated', 'latency ratio, streaming kernels', `latency ratio, tfjs ${tf.getBackend()}`], ratioRows);
  [crnnFull, transformerFull, crnnQuarter, transformerQuarter].forEach((m) => m.dispose());
  silero.dispose();
}
