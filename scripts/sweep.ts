/**
 * Command-line sweeps (same src/ code as the browser worker).
 *   npm run sweep -- synthetic [--steps N] [--quick]
 *   npm run sweep -- vad --family crnn|transformer [--quick] [--steps N] [--fine-tune]
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countNetwork } from '../src/dcl/count';
import { exportWeights } from '../src/dcl/weights';
import { DEFAULT_PUBLIC_DIR } from '../src/data/nodeCorpus';
import { MODEL_FAMILIES } from '../src/models/registry';
import type { Evaluation, ModelId, RunConfig, WidthState } from '../src/protocol';
import { SNR_BINS } from '../src/train/metrics';
import { RunControl, trainSession } from '../src/train/session';
import { runSynthetic, SYNTHETIC_DEFAULTS, type SyntheticRunResult } from '../src/train/syntheticRun';
import { pretrainedWeightsPath } from '../src/models/catalog';
import { createTask } from '../src/train/tasks';
import { VAD_TASK_DEFAULTS } from '../src/train/vadTask';
import { straightThroughInterval, SYNTHETIC_ALPHAS, VAD_DCL_ALPHA, VAD_KAPPA_MINS } from '../src/train/sweepPlan';
import { diskSources, useBackend } from './lib/node';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};

async function syntheticSweep(): Promise<void> {
  const steps = Number(option('steps', flag('quick') ? '400' : String(SYNTHETIC_DEFAULTS.steps)));
  const seed = Number(option('seed', '1'));
  console.log(`synthetic sweep: ${steps} steps, batch ${SYNTHETIC_DEFAULTS.batchSize}, seed ${seed}, backend ${tf.getBackend()}`);
  console.log('32 inputs of which the first 8 carry signal; MLP 32 → 32 relu → 1; input and hidden widths learned.\n');
  const results: SyntheticRunResult[] = [];
  const header = ['α', 'input K', 'hidden K', 'FLOPs', 'of full', 'val MSE', 'test MSE', 'time'];
  console.log(header.join('\t'));
  for (const alpha of SYNTHETIC_ALPHAS) {
    const t0 = Date.now();
    const r = await runSynthetic({ alpha, steps, seed }, Math.max(1, Math.round(steps / 20)));
    results.push(r);
    console.log(
      [alpha, r.inputWidth.toFixed(2), r.hiddenWidth.toFixed(2), r.flops.toFixed(0), `${((100 * r.flops) / r.fullFlops).toFixed(1)} %`,
        r.validationMse.toFixed(4), r.testMse.toFixed(4), `${((Date.now() - t0) / 1000).toFixed(0)} s`].join('\t'),
    );
  }
  console.log('\nInput width K over training (every 5 % of the steps):');
  for (const r of results) console.log(`α = ${String(r.alpha).padEnd(5)} ${sparkline(r.inputWidthTrace, 32)}  ${r.inputWidthTrace.map((k) => k.toFixed(0)).join(' ')}`);
  mkdirSync('results', { recursive: true });
  writeFileSync('results/synthetic-sweep.json', JSON.stringify({ steps, seed, results }, null, 2));
  console.log('\nwritten results/synthetic-sweep.json');
}

/** A row of block characters scaled to [0, max]. */
function sparkline(values: number[], max: number): string {
  const blocks = '▁▂▃▄▅▆▇█';
  return values.map((v) => blocks[Math.min(7, Math.max(0, Math.round((v / max) * 7)))]).join('');
}

interface VadRunSpec {
  label: string;
  method: RunConfig['method'];
  init?: RunConfig['init'];
  kappaMin?: number;
  uniformFraction?: number;
  /** Straight-through: the FLOP ratio of the DCL run it is matched to. */
  matchRatio?: number;
}

interface VadRunResult extends VadRunSpec {
  widths: WidthState[];
  mflopsPerSecond: number;
  parameters: number;
  validation: Evaluation;
  test: Evaluation;
  trainingSeconds: number;
}

async function vadSweep(): Promise<void> {
  const family = option('family', 'crnn') as ModelId;
  if (!(family in MODEL_FAMILIES) || MODEL_FAMILIES[family].input !== 'powerSpectrogram') throw new Error(`--family must be crnn or transformer, got ${family}`);
  const quick = flag('quick');
  const steps = Number(option('steps', quick ? '40' : '400'));
  const seed = Number(option('seed', '1'));
  const backend = await useBackend(option('backend', 'wasm') as 'wasm' | 'cpu');
  const heldOut = quick ? { heldOutScenes: 6, heldOutSeconds: 4 } : {};
  const base: RunConfig = {
    modelId: family, method: 'dcl', alpha: 0, budgetFlopsPerSecond: null, steps, batchSize: 16,
    learningRate: 3e-3, kappaLearningRate: 3e-2, kappaMin: {}, uniformFraction: 1, seed, evalEvery: steps, init: 'scratch',
  };
  const kappaMins = quick ? [0.25] : VAD_KAPPA_MINS;
  console.log(`VAD sweep, ${family}: ${steps} steps × batch 16 × ${VAD_TASK_DEFAULTS.segmentSeconds} s, seed ${seed}, tfjs ${backend}`);
  console.log(`held-out: ${heldOut.heldOutScenes ?? VAD_TASK_DEFAULTS.heldOutScenes} scenes × ${heldOut.heldOutSeconds ?? VAD_TASK_DEFAULTS.heldOutSeconds} s per split; test = unseen speaker and unseen noise files\n`);

  const results: VadRunResult[] = [];
  const run = async (spec: VadRunSpec, save?: string): Promise<VadRunResult> => {
    const config: RunConfig = {
      ...base,
      method: spec.method,
      alpha: spec.method === 'dcl' ? VAD_DCL_ALPHA : 0,
      kappaMin: spec.kappaMin ? Object.fromEntries(MODEL_FAMILIES[family].widthNames.map((n) => [n, spec.kappaMin!])) : {},
      uniformFraction: spec.uniformFraction ?? 1,
      init: spec.init ?? 'scratch',
    };
    const task = await createTask(config, diskSources, heldOut);
    const t0 = Date.now();
    const budgetInterval = spec.matchRatio ? straightThroughInterval(spec.matchRatio) : undefined;
    try {
      for await (const e of trainSession({ runId: spec.label, config, task, control: new RunControl(config), backend, progressEvery: Math.max(1, Math.round(steps / 4)), budgetInterval })) {
        if (e.type === 'progress') process.stderr.write(`  ${spec.label}: step ${e.event.step}/${steps}, loss ${e.event.taskLoss.toFixed(3)}, FLOP/s ${(100 * e.event.complexityRatio).toFixed(0)} % of full\n`);
        if (e.type !== 'finished') continue;
        const small = await task.network.consolidateAsync();
        const counted = countNetwork(small);
        const result: VadRunResult = {
          ...spec,
          widths: e.summary.widths.length ? e.summary.widths : fixedWidths(family, config.uniformFraction),
          mflopsPerSecond: counted.flopsPerSecond / 1e6,
          parameters: counted.parameters,
          validation: await task.evaluate(small, 'validation'),
          test: await task.evaluate(small, 'test'),
          trainingSeconds: (Date.now() - t0) / 1000,
        };
        if (save) {
          const weights = exportWeights(task.network, {
            command: `npm run sweep -- vad --family ${family}${quick ? ' --quick' : ''}`,
            steps, seed, backend, validationEer: result.validation.value, testEer: result.test.value,
          });
          mkdirSync(join(DEFAULT_PUBLIC_DIR, 'models'), { recursive: true });
          writeFileSync(join(DEFAULT_PUBLIC_DIR, save), JSON.stringify(weights));
        }
        small.dispose();
        results.push(result);
        printVadRow(result);
        return result;
      }
      throw new Error(`${spec.label}: no summary`);
    } finally {
      task.dispose();
    }
  };

  printVadHeader();
  const write = (suffix: string) => {
    mkdirSync('results', { recursive: true });
    const file = `results/vad-sweep-${family}${suffix}.json`;
    writeFileSync(file, JSON.stringify({ family, steps, seed, backend, alpha: VAD_DCL_ALPHA, results }, null, 2));
    console.log(`\nwritten ${file}`);
  };
  if (flag('fine-tune')) {
    // DCL started from the bundled full-width weights (made by the plain sweep) instead of from scratch.
    for (const kappaMin of kappaMins) await run({ label: `DCL κmin ${kappaMin} from full`, method: 'dcl', kappaMin, init: 'pretrained' });
    return write(`-finetune${quick ? '-quick' : ''}`);
  }
  await run({ label: 'full width', method: 'uniform', uniformFraction: 1 }, quick ? undefined : pretrainedWeightsPath(family));
  const fullFlops = results[0].mflopsPerSecond;
  const dcl = [];
  for (const kappaMin of kappaMins) dcl.push(await run({ label: `DCL κmin ${kappaMin}`, method: 'dcl', kappaMin }));
  for (const fraction of kappaMins) await run({ label: `uniform ${fraction}`, method: 'uniform', uniformFraction: fraction });
  for (const d of dcl) {
    await run({ label: `straight-through ≈${((100 * d.mflopsPerSecond) / fullFlops).toFixed(0)} %`, method: 'straightThrough', kappaMin: d.kappaMin, matchRatio: d.mflopsPerSecond / fullFlops });
  }
  write(quick ? '-quick' : '');
}

/** The widths a uniform-width run was built with (it has no learnable ones to report). */
function fixedWidths(family: ModelId, fraction: number): WidthState[] {
  const { widthNames, fullSizes } = MODEL_FAMILIES[family];
  return widthNames.map((name) => ({ name, units: Math.max(1, Math.round(fullSizes[name] * fraction)), full: fullSizes[name], kappaMin: 1 }));
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(2) : '–');

function printVadHeader(): void {
  console.log(['model', 'widths', 'MFLOP/s', 'params', 'EER %', ...SNR_BINS.map((b) => `EER ${b.label}`), 'AUC', 'val EER %', 'train s'].join('\t'));
}

function printVadRow(r: VadRunResult): void {
  const widths = r.widths.map((w) => `${w.name} ${Math.ceil(w.units - 1e-6)}/${w.full}`).join(', ');
  console.log(
    [r.label, widths, r.mflopsPerSecond.toFixed(3), r.parameters, pct(r.test.value), ...(r.test.eerBySnr ?? []).map(pct), r.test.auc?.toFixed(3), pct(r.validation.value), r.trainingSeconds.toFixed(0)].join('\t'),
  );
}

async function main(): Promise<void> {
  const command = args.find((a) => !a.startsWith('--')) ?? 'synthetic';
  if (command === 'synthetic') {
    await tf.setBackend('cpu');
    return syntheticSweep();
  }
  if (command === 'vad') return vadSweep();
  throw new Error(`unknown sweep "${command}": use synthetic or vad`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
