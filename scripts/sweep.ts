/**
 * Command-line sweeps (same src/ code as the browser worker).
 *   npm run sweep -- synthetic [--steps N] [--quick]
 *   npm run sweep -- vad --family crnn|transformer [--quick] [--steps N] [--fine-tune [--distill β]] [--seeds 1,2,3] [--shard k/n]
 *     [--distill β --teacher crnn|transformer (the other family's bundled full-width model teaches, also from scratch)]
 *     [--only <row label part>] [--checkpoints N (validation passes of fixed-width runs; the best is kept)]
 *     [--kappa-mins 0.5,0.25,0.125 (κ_min of the DCL rows and the fraction of the baselines' rows)]
 *     [--learned-checkpoints (learned-width runs too, among checkpoints no costlier than their last step)]
 *     [--batch-size B (16)] [--learning-rate r (Adam's, 3e-3)] [--context frames (the transformer's attention context, from scratch)]
 *     [--levels lo,hi (dBFS range of the training scenes' level, default -45,-10)]
 *     [--mel-order spread (the mel width keeps bands spread over the spectrum, not the lowest; a fine-tuned CRNN's weights are reordered)]
 *     [--frequency-masks count,widest (SpecAugment's frequency masks on every training example, widest as a fraction of the mel scale)]
 *     [--log-floor f (runs from scratch: log(mel + f) instead of the default floor, logMel.ts)]
 *     [--dropout p (transformer: dropout on the attention and feed-forward branches while training)]
 *     [--weight-decay d (decoupled weight decay, AdamW's: each step every weight matrix shrinks by learning rate × d)]
 *     [--relative-floor r|default (runs from scratch: a floor that follows the level, r · running mean power per bin, over an absolute floor of 1e-12 unless --log-floor)]
 *     [--budget f (DCL rows: α steered to hold f of full width's FLOP/s, κ_min only a lower bound)]
 *     [--average-from F (fixed-width runs: also try the mean of the weights from step F·steps on; kept if better on validation)]
 *     [--polish-from 'results/models/<name>-s{seed}.zip' (each seed trains that seed's consolidated model on, at its widths, on new scenes)]
 *     [--tag name (results/vad-sweep-<family>-<name>.json)]
 *   npm run sweep -- merge results/vad-sweep-crnn.shard-*-of-2.json [--out merged.json]
 *   npm run sweep -- calibrate --family crnn|transformer   (the bundled weights, on validation)
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { countNetwork } from '../src/dcl/count';
import { slicePlan, type Network } from '../src/dcl/network';
import { DEFAULT_FEATURE_NORMALISATION, DEFAULT_RELATIVE_FLOOR, GLOBAL_NORMALISATION, levelRelativeNormalisation, LogMel } from '../src/models/logMel';
import { readUnits } from '../src/dcl/width';
import { widthSpecs } from '../src/dcl/widthSpec';
import { exportWeights, type SavedWeights } from '../src/dcl/weights';
import { exportModel, fromZip, toZip, type ExportedModel } from '../src/runtime/exportModel';
import { normalisationName } from '../src/runtime/model';
import { DEFAULT_PUBLIC_DIR } from '../src/data/nodeCorpus';
import { checkFrequencyMasking, type FrequencyMasking } from '../src/data/frequencyMasks';
import { MODEL_FAMILIES } from '../src/models/registry';
import { attentionContextOf } from '../src/models/transformer';
import type { Evaluation, ModelId, RunConfig, WidthState } from '../src/protocol';
import { SNR_BINS } from '../src/train/metrics';
import { WeightSnapshot } from '../src/train/divergence';
import { WeightAverage } from '../src/train/weightAverage';
import { RunControl, trainSession } from '../src/train/session';
import { runSynthetic, SYNTHETIC_DEFAULTS, type SyntheticRunResult } from '../src/train/syntheticRun';
import { pretrainedWeightsPath } from '../src/models/catalog';
import { createTask } from '../src/train/tasks';
import { atWidthsOptions, TRAINING_SCENE_OPTIONS, VAD_TASK_DEFAULTS, type VadEvaluation } from '../src/train/vadTask';
import { DEFAULT_CHANNEL_AUGMENTATION } from '../src/audio/channel';
import { calibrateOnValidation } from '../src/train/calibration';
import type { TrainingTask } from '../src/train/task';
import { straightThroughInterval, SYNTHETIC_ALPHAS, VAD_DCL_ALPHA, VAD_KAPPA_MINS } from '../src/train/sweepPlan';
import { diskSources, useBackend } from './lib/node';

const args = process.argv.slice(2);
/** This run's command as a shell would take it again: saved with every result and model it writes. */
const sweepCommand = `npm run sweep -- ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`;
/** Adam's learning rate unless --learning-rate says otherwise. */
const DEFAULT_LEARNING_RATE = 3e-3;
/** Every option a command has read: what it was given beyond them it does not know. */
const asked = new Set<string>();
const flag = (name: string) => {
  asked.add(name);
  return args.includes(`--${name}`);
};
const option = (name: string, fallback: string) => {
  asked.add(name);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
/**
 * A numeric option, undefined when absent; a word in `named` stands for its number. Stops with
 * "--name takes <expected>, got <text>" when `valid` refuses the value.
 */
function numberOption(name: string, valid: (value: number) => boolean, expected: string, named: Record<string, number> = {}): number | undefined {
  const text = option(name, '');
  if (text === '') return undefined;
  const value = Object.hasOwn(named, text) ? named[text] : Number(text);
  if (!valid(value)) throw new Error(`--${name} takes ${expected}, got ${text}`);
  return value;
}
/** Called once a command has read all its options, before any work: a misspelt option would otherwise run a long sweep without it. */
function refuseUnknownOptions(command: string): void {
  const unknown = args.filter((a) => a.startsWith('--') && !asked.has(a.slice(2)));
  if (unknown.length > 0) throw new Error(`sweep ${command}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (the options are listed at the head of scripts/sweep.ts)`);
}

async function syntheticSweep(): Promise<void> {
  const steps = Number(option('steps', flag('quick') ? '400' : String(SYNTHETIC_DEFAULTS.steps)));
  const seed = Number(option('seed', '1'));
  refuseUnknownOptions('synthetic');
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
  seed: number;
  /** Position of the row in the sweep's table. */
  order: number;
  init?: RunConfig['init'];
  kappaMin?: number;
  uniformFraction?: number;
  /** Straight-through: the FLOP/s ratio its penalty band is matched to. */
  matchRatio?: number;
  /** DCL with --budget: the FLOP/s budget, as a fraction of full width's, that steers its α. */
  budgetFraction?: number;
  /** --polish-from: the consolidated export zip the run starts from and keeps the widths of. */
  startFrom?: string;
}

interface VadRunResult extends VadRunSpec {
  /** Each width's K at the end and the units its consolidated model kept. */
  widths: (WidthState & { kept: number })[];
  mflopsPerSecond: number;
  parameters: number;
  validation: Evaluation;
  test: Evaluation;
  /** The logit shift folded into the output bias on validation (src/train/calibration.ts); validation and test are scored after it. */
  calibrationShift?: number;
  /** --average-from: the run's weight average, scored on validation before calibration. */
  weightAverage?: AveragedWeights & { afterStep: number };
  trainingSeconds: number;
  /** The command that trained it (its options: levels, context, floors, …). Files before it lack it. */
  command?: string;
}

interface VadSweepFile {
  family: ModelId;
  steps: number;
  seeds: number[];
  backend: string;
  alpha: number;
  shard: string;
  results: VadRunResult[];
}

/** `--shard k/n`: this process runs every n-th run of the sweep, starting at the k-th. */
function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(count >= 1 && index >= 1 && index <= count)) throw new Error(`--shard must be k/n with 1 ≤ k ≤ n, got ${text}`);
  return { index, count };
}

/** FLOP/s of the family at uniform width fraction f over its full width, as the consolidated model counts them. */
function uniformRatio(family: ModelId, fraction: number): number {
  const { fullSizes } = MODEL_FAMILIES[family];
  const small = MODEL_FAMILIES[family].build({ seed: 0, widths: widthSpecs({ ...fullSizes }, 'uniform', { uniformFraction: fraction }) });
  const full = MODEL_FAMILIES[family].build({ seed: 0 });
  try {
    return countNetwork(small).flopsPerSecond / countNetwork(full).flopsPerSecond;
  } finally {
    small.dispose();
    full.dispose();
  }
}

/**
 * Every run of a VAD sweep, in a fixed order. Runs are independent of each other, so any
 * subset can run anywhere (`--shard k/n`): DCL at each κ_min, the uniform-width model at that
 * fraction, and straight-through held in a band just below the uniform model's FLOP/s (where
 * κ_min binds, the DCL model ends at exactly that width and cost).
 */
function vadRunSpecs(family: ModelId, kappaMins: readonly number[], seeds: readonly number[], fineTune: boolean): VadRunSpec[] {
  const perSeed = (seed: number): Omit<VadRunSpec, 'order'>[] => {
    // From scratch, or (fine-tune) every run started from the bundled full-width weights: the
    // uniform model as their first units (src/train/vadTask.ts), the others at full width.
    const start = fineTune ? { init: 'pretrained' as const } : {};
    const suffix = fineTune ? ' from full' : '';
    return [
      ...(fineTune ? [] : [{ label: 'full width', method: 'uniform' as const, uniformFraction: 1, seed }]),
      ...kappaMins.map((kappaMin): Omit<VadRunSpec, 'order'> => ({ label: `DCL κmin ${kappaMin}${suffix}`, method: 'dcl', kappaMin, seed, ...start })),
      ...kappaMins.map((fraction): Omit<VadRunSpec, 'order'> => ({ label: `uniform ${fraction}${suffix}`, method: 'uniform', uniformFraction: fraction, seed, ...start })),
      ...kappaMins.map((fraction): Omit<VadRunSpec, 'order'> => {
        const ratio = uniformRatio(family, fraction);
        return { label: `straight-through ≈${(100 * ratio).toFixed(0)} %${suffix}`, method: 'straightThrough', kappaMin: fraction, matchRatio: ratio, seed, ...start };
      }),
    ];
  };
  return seeds.flatMap((seed) => perSeed(seed).map((spec, order) => ({ ...spec, order })));
}

/**
 * `--polish-from`: one run per seed, each training the consolidated model that seed's zip holds
 * (a learned-width run's result) on at its fixed widths. The label names the run it continues.
 */
function polishRunSpecs(family: ModelId, template: string, seeds: readonly number[]): VadRunSpec[] {
  if (!template.includes('{seed}')) throw new Error(`--polish-from names each seed's zip with {seed} in the path, got ${template}`);
  return seeds.map((seed) => {
    const path = template.replaceAll('{seed}', String(seed));
    const start = readConsolidated(path);
    if (start.architecture.family !== family) throw new Error(`${path} holds a ${start.architecture.family}, not a ${family}`);
    const startLabel = start.name.replace(`${family} `, '').replace(/ seed \d+$/, '');
    return { label: `${startLabel} (${start.trainingSetup.steps} steps), consolidated, then trained at its widths`, method: 'uniform', seed, order: 0, startFrom: path };
  });
}

const consolidatedZips = new Map<string, ExportedModel>();

/** The export zip a --polish-from run continues (read once: the plan and the run both need it). */
function readConsolidated(path: string): ExportedModel {
  let model = consolidatedZips.get(path);
  if (model === undefined) {
    model = fromZip(new Uint8Array(readFileSync(path)), path);
    consolidatedZips.set(path, model);
  }
  return model;
}

async function vadSweep(): Promise<void> {
  const family = option('family', 'crnn') as ModelId;
  if (!(family in MODEL_FAMILIES) || MODEL_FAMILIES[family].input !== 'powerSpectrogram') throw new Error(`--family must be crnn or transformer, got ${family}`);
  const quick = flag('quick');
  const fineTune = flag('fine-tune');
  const distillation = Number(option('distill', '0'));
  const learnedCheckpoints = flag('learned-checkpoints');
  const averageFrom = option('average-from', '') === '' ? null : Number(option('average-from', ''));
  if (averageFrom !== null && !(averageFrom >= 0 && averageFrom < 1)) throw new Error(`--average-from must be a fraction of the steps in [0, 1), got ${option('average-from', '')}`);
  const teacher = option('teacher', family) as ModelId;
  if (!(teacher in MODEL_FAMILIES) || MODEL_FAMILIES[teacher].input !== 'powerSpectrogram') throw new Error(`--teacher must be crnn or transformer, got ${teacher}`);
  const ownTeacher = teacher === family;
  if (distillation !== 0 && ownTeacher && !fineTune) throw new Error('--distill needs --fine-tune (or --teacher naming the other family): the teacher is the bundled full-width model the runs start from');
  if (distillation === 0 && !ownTeacher) throw new Error('--teacher needs --distill β');
  const steps = Number(option('steps', quick ? '40' : '400'));
  // Moments after this step go into the weight average.
  const averageAfter = averageFrom === null ? null : Math.floor(averageFrom * steps);
  const seeds = option('seeds', option('seed', '1')).split(',').map(Number);
  if (seeds.some((s) => !Number.isInteger(s))) throw new Error(`--seeds must be integers separated by commas, got ${option('seeds', '')}`);
  const shardText = option('shard', '1/1');
  const shard = parseShard(shardText);
  const backend = await useBackend(option('backend', 'wasm') as 'wasm' | 'cpu');
  const heldOut = quick ? { heldOutScenes: 6, heldOutSeconds: 4 } : {};
  const levels = option('levels', '') === '' ? null : option('levels', '').split(',').map(Number);
  if (levels && !(levels.length === 2 && levels[0] < levels[1] && levels[1] <= 0)) throw new Error(`--levels takes two dBFS values lo,hi with lo < hi ≤ 0, got ${option('levels', '')}`);
  const trainingScenes = levels ? { ...TRAINING_SCENE_OPTIONS, channel: { ...DEFAULT_CHANNEL_AUGMENTATION, levelRangeDb: levels as [number, number] } } : undefined;
  const attentionContext = option('context', '') === '' ? undefined : Number(option('context', ''));
  if (attentionContext !== undefined && !(family === 'transformer' && Number.isInteger(attentionContext) && attentionContext >= 1 && !fineTune)) {
    throw new Error(`--context takes a whole number of frames ≥ 1, for transformer runs from scratch (a fine-tuned run keeps its weights' context), got ${option('context', '')}`);
  }
  const melOrder = option('mel-order', '') || undefined;
  if (melOrder !== undefined && melOrder !== 'ascending' && melOrder !== 'spread') throw new Error(`--mel-order takes ascending or spread, got ${melOrder}`);
  const frequencyMaskText = option('frequency-masks', '');
  const frequencyMasks = frequencyMaskText === '' ? undefined : parseFrequencyMasks(frequencyMaskText);
  const budgetFraction = numberOption('budget', (f) => f > 0 && f < 1, "a fraction of full width's FLOP/s in (0, 1)");
  const logFloor = numberOption('log-floor', (f) => f > 0, 'a positive number');
  const relativeFloor = numberOption('relative-floor', (r) => r > 0, "a positive number or 'default'", { default: DEFAULT_RELATIVE_FLOOR });
  const features =
    relativeFloor !== undefined
      ? { ...levelRelativeNormalisation(relativeFloor), ...(logFloor === undefined ? {} : { logFloor }) }
      : logFloor === undefined
        ? undefined
        : { ...DEFAULT_FEATURE_NORMALISATION, logFloor };
  const dropout = numberOption('dropout', (p) => p > 0 && p < 1, 'a rate in (0, 1)');
  if (dropout !== undefined && family !== 'transformer') throw new Error('--dropout is for the transformer (its residual branches); the CRNN has none');
  const weightDecay = numberOption('weight-decay', (d) => d > 0 && d < 100, 'a number in (0, 100)');
  const kappaMins = option('kappa-mins', '') ? option('kappa-mins', '').split(',').map(Number) : quick ? [0.25] : VAD_KAPPA_MINS;
  if (kappaMins.some((k) => !(k > 0 && k <= 1))) throw new Error(`--kappa-mins must be numbers in (0, 1] separated by commas, got ${option('kappa-mins', '')}`);
  const only = option('only', '');
  const polishFrom = option('polish-from', '');
  if ((logFloor !== undefined || relativeFloor !== undefined) && (fineTune || polishFrom)) throw new Error('--log-floor and --relative-floor are for runs from scratch: a run from weights keeps its floors');
  if (polishFrom && (fineTune || distillation)) throw new Error('--polish-from starts from the consolidated zips: not with --fine-tune or --distill');
  const specs = (polishFrom ? polishRunSpecs(family, polishFrom, seeds) : vadRunSpecs(family, kappaMins, seeds, fineTune))
    .map((spec) => (distillation ? { ...spec, label: `${spec.label}, distilled ${distillation}${ownTeacher ? '' : ` from ${teacher}`}` } : spec))
    .map((spec) => (melOrder === 'spread' ? { ...spec, label: `${spec.label}, mel bands spread` } : spec))
    .map((spec) => (frequencyMasks ? { ...spec, label: `${spec.label}, ${frequencyMasks.count} frequency masks ≤ ${frequencyMasks.maxMelFraction}` } : spec))
    .map((spec) => (logFloor !== undefined ? { ...spec, label: `${spec.label}, log floor ${logFloor}` } : spec))
    .map((spec) => (relativeFloor !== undefined ? { ...spec, label: `${spec.label}, level-relative log floor ${relativeFloor}` } : spec))
    .map((spec) => (dropout !== undefined ? { ...spec, label: `${spec.label}, dropout ${dropout}` } : spec))
    .map((spec) => (weightDecay !== undefined ? { ...spec, label: `${spec.label}, weight decay ${weightDecay}` } : spec))
    .map((spec) => (budgetFraction !== undefined && spec.method === 'dcl' ? { ...spec, budgetFraction, label: spec.label.replace(/^DCL κmin \S+/, (head) => `${head}, budget ${100 * budgetFraction} %`) } : spec))
    .filter((spec) => spec.label.includes(only))
    .filter((_, i) => i % shard.count === shard.index - 1);
  const checkpoints = Number(option('checkpoints', '4'));
  const batchSize = Number(option('batch-size', '16'));
  const learningRate = Number(option('learning-rate', String(DEFAULT_LEARNING_RATE)));
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`--batch-size must be a whole number ≥ 1, got ${option('batch-size', '')}`);
  if (!(learningRate > 0)) throw new Error(`--learning-rate must be a positive number, got ${option('learning-rate', '')}`);
  const tag = option('tag', '');
  refuseUnknownOptions('vad');
  console.log(`VAD sweep, ${family}: ${steps} steps × batch ${batchSize} × ${VAD_TASK_DEFAULTS.segmentSeconds} s, Adam ${learningRate}, seeds ${seeds.join(', ')}, tfjs ${backend}, shard ${shardText} (${specs.length} runs)`);
  console.log(`held-out: ${heldOut.heldOutScenes ?? VAD_TASK_DEFAULTS.heldOutScenes} scenes × ${heldOut.heldOutSeconds ?? VAD_TASK_DEFAULTS.heldOutSeconds} s per split; test = unseen speaker and unseen noise files\n`);

  const base: RunConfig = {
    modelId: family, method: 'dcl', alpha: 0, budgetFlopsPerSecond: null, steps, batchSize,
    learningRate, kappaLearningRate: 3e-2, kappaMin: {}, uniformFraction: 1, seed: 1, evalEvery: steps, init: 'scratch',
  };
  const stem = `results/vad-sweep-${family}${fineTune ? '-finetune' : ''}${quick ? '-quick' : ''}${tag ? `-${tag}` : ''}`;
  const file = shard.count === 1 ? `${stem}.json` : `${stem}.shard-${shard.index}-of-${shard.count}.json`;
  const results: VadRunResult[] = [];
  const write = () => {
    mkdirSync('results', { recursive: true });
    const content: VadSweepFile = { family, steps, seeds, backend, alpha: VAD_DCL_ALPHA, shard: shardText, results };
    writeFileSync(file, JSON.stringify(content, null, 2));
  };

  // A continued model is named after the zip it continues, so its name keeps how that one was made.
  const modelStem = (spec: VadRunSpec) =>
    spec.startFrom
      ? `${basename(spec.startFrom).replace(/-s\d+\.zip$/, '')}-consolidated-then-${steps}-steps${learningRate === DEFAULT_LEARNING_RATE ? '' : `-lr-${learningRate}`}`
      : `${family}-${slug(spec.label)}`;

  const run = async (spec: VadRunSpec): Promise<VadRunResult> => {
    const config: RunConfig = {
      ...base,
      seed: spec.seed,
      method: spec.method,
      alpha: spec.method === 'dcl' ? VAD_DCL_ALPHA : 0,
      kappaMin: spec.kappaMin ? Object.fromEntries(MODEL_FAMILIES[family].widthNames.map((n) => [n, spec.kappaMin!])) : {},
      uniformFraction: spec.uniformFraction ?? 1,
      init: spec.init ?? 'scratch',
      ...(distillation ? { distillation } : {}),
      ...(ownTeacher ? {} : { distillationTeacher: teacher }),
    };
    const start = spec.startFrom ? readConsolidated(spec.startFrom) : null;
    const continued = start ? atWidthsOptions(start, spec.seed) : {};
    const task = await createTask(config, diskSources, { ...heldOut, attentionContext, trainingScenes, melOrder, frequencyMasks, features, ...continued });
    // A budget row steers α to keep the network's FLOP/s at the budget (session.ts BudgetController).
    const budgeted = spec.budgetFraction === undefined ? config : { ...config, budgetFlopsPerSecond: spec.budgetFraction * task.network.fullFlopsPerSecond() };
    const t0 = Date.now();
    const budgetInterval = spec.matchRatio ? straightThroughInterval(spec.matchRatio) : undefined;
    // A fixed-width model is scored on validation `checkpoints` times and ends on its best
    // weights. A learned-width run does so only with --learned-checkpoints, and then only among
    // checkpoints whose consolidated model costs no more than its last step's (an earlier,
    // wider model would buy its accuracy with FLOP/s).
    const fixed = spec.method === 'uniform';
    const checkpointed = fixed || learnedCheckpoints;
    const runConfig = checkpointed ? { ...budgeted, evalEvery: Math.max(1, Math.round(steps / checkpoints)) } : budgeted;
    const checkpointsKept: Checkpoint[] = [];
    const logEvery = Math.max(1, Math.round(steps / 4));
    // The weight average (fixed widths only: a learned width changes which units its weights
    // serve) takes a moment every AVERAGE_MOMENTS-th of the run from step averageFrom·steps on.
    const average = fixed && averageAfter !== null ? new WeightAverage(task.network.weightVariables()) : null;
    const averageEvery = Math.max(1, Math.round(steps / AVERAGE_MOMENTS));
    try {
      for await (const e of trainSession({ runId: spec.label, config: runConfig, task, control: new RunControl(runConfig), backend, progressEvery: average ? averageEvery : logEvery, budgetInterval, dropout, weightDecay, calibrate: false })) {
        if (e.type === 'progress') {
          const v = e.event.evaluation?.value;
          if (average && e.event.step > averageAfter! && e.event.step % averageEvery === 0) average.add();
          if (v === undefined && e.event.step % logEvery !== 0) continue;
          process.stderr.write(`  ${spec.label} (seed ${spec.seed}): step ${e.event.step}/${steps}, loss ${e.event.taskLoss.toFixed(3)}, ${(e.event.flopsPerSecond / 1e6).toFixed(2)} MFLOP/s${v === undefined ? '' : `, validation EER ${pct(v)} %`}\n`);
          if (checkpointed && v !== undefined && Number.isFinite(v)) {
            const variables = [...task.network.weightVariables(), ...task.network.learnableWidths().map((w) => w.kappa)];
            checkpointsKept.push({ value: v, step: e.event.step, flopsPerSecond: await consolidatedFlops(task.network), weights: WeightSnapshot.take(variables) });
          }
        }
        if (e.type !== 'finished') continue;
        const best = bestCheckpoint(checkpointsKept, await consolidatedFlops(task.network));
        if (best) {
          best.weights.restore();
          process.stderr.write(`  ${spec.label} (seed ${spec.seed}): ends on the step-${best.step} checkpoint (validation EER ${pct(best.value)} %)\n`);
        }
        const averaged = average ? await tryAverage(task, average, best?.value ?? (await task.evaluate(task.network, 'validation')).value) : null;
        if (averaged) process.stderr.write(`  ${spec.label} (seed ${spec.seed}): mean of ${averaged.moments} moments after step ${averageAfter}: validation EER ${pct(averaged.validationEer)} %, ${averaged.kept ? 'kept' : 'not kept'}\n`);
        const learnable = task.network.learnableWidths();
        const units = await readUnits(learnable);
        const small = task.network.consolidate(units);
        const counted = countNetwork(small);
        const kept = new Map(learnable.map((w, i) => [w.name, slicePlan(w, units[i]).keep]));
        const shift = await calibrate(task, small);
        const result: VadRunResult = {
          ...spec,
          widths: e.summary.widths.length
            ? e.summary.widths.map((w) => ({ ...w, kept: kept.get(w.name) ?? w.full }))
            : start ? keptWidths(family, start.architecture.widths) : fixedWidths(family, config.uniformFraction),
          mflopsPerSecond: counted.flopsPerSecond / 1e6,
          parameters: counted.parameters,
          validation: await task.evaluate(small, 'validation'),
          test: await task.evaluate(small, 'test'),
          calibrationShift: shift,
          ...(averaged ? { weightAverage: { afterStep: averageAfter!, ...averaged } } : {}),
          trainingSeconds: (Date.now() - t0) / 1000,
          command: sweepCommand,
        };
        // Every trained model is kept as an export (consolidated, calibrated), to listen to or bundle.
        const exported = await exportModel(task.network, {
          name: `${family} ${spec.label} seed ${spec.seed}`,
          trainingSetup: { command: sweepCommand, config: runConfig, steps, validationEer: result.validation.value, testEer: result.test.value, calibrationShift: shift, ...(averaged ? { weightAverage: result.weightAverage } : {}) },
        });
        mkdirSync(SAVED_MODELS_DIR, { recursive: true });
        writeFileSync(join(SAVED_MODELS_DIR, `${modelStem(spec)}-s${spec.seed}.zip`), toZip(exported));
        // The bundled start is seed 1's full-width model; other seeds never replace it.
        if (spec.label === 'full width' && spec.seed === 1 && !quick) {
          const trainedContext = attentionContextOf(task.network);
          const weights = exportWeights(task.network, {
            command: sweepCommand,
            steps, seed: spec.seed, backend, validationEer: result.validation.value, testEer: result.test.value,
            features: featuresOf(task.network), calibrationShift: shift,
            ...(trainedContext === undefined ? {} : { attentionContext: trainedContext }),
          });
          mkdirSync(join(DEFAULT_PUBLIC_DIR, 'models'), { recursive: true });
          writeFileSync(join(DEFAULT_PUBLIC_DIR, pretrainedWeightsPath(family)), JSON.stringify(weights));
        }
        small.dispose();
        return result;
      }
      throw new Error(`${spec.label}: no summary`);
    } finally {
      checkpointsKept.forEach((checkpoint) => checkpoint.weights.dispose());
      average?.dispose();
      task.dispose();
    }
  };

  printVadHeader();
  for (const spec of specs) {
    const result = await run(spec);
    results.push(result);
    printVadRow(result);
    write();
  }
  console.log(`\nwritten ${file}${shard.count > 1 ? `; combine the shards with: npm run sweep -- merge ${stem}.shard-*-of-${shard.count}.json` : ''}`);
}

/** `--frequency-masks count,maxMelFraction`, e.g. 2,0.15: masks per training example and the widest. */
function parseFrequencyMasks(text: string): FrequencyMasking {
  const [count, maxMelFraction, ...rest] = text.split(',').map(Number);
  const masking = { count, maxMelFraction };
  if (rest.length) throw new Error(`--frequency-masks takes count,widest-fraction, got ${text}`);
  checkFrequencyMasking(masking);
  return masking;
}

interface Checkpoint {
  value: number;
  step: number;
  /** FLOP/s of the model consolidated at this checkpoint. */
  flopsPerSecond: number;
  weights: WeightSnapshot;
}

/** Moments a run's weight average may take, spread evenly over the whole run. */
const AVERAGE_MOMENTS = 40;

interface AveragedWeights {
  moments: number;
  validationEer: number;
  /** True when the mean scored better on validation than the weights the run would end on, and replaced them. */
  kept: boolean;
}

/** Scores the weight average on validation and keeps it when it beats `currentEer` (the network's weights now); null with no moments. */
async function tryAverage(task: TrainingTask, average: WeightAverage, currentEer: number): Promise<AveragedWeights | null> {
  if (average.count === 0) return null;
  const current = WeightSnapshot.take(task.network.weightVariables());
  try {
    average.assign();
    const validationEer = (await task.evaluate(task.network, 'validation')).value;
    const kept = validationEer < currentEer;
    if (!kept) current.restore();
    return { moments: average.count, validationEer, kept };
  } finally {
    current.dispose();
  }
}

/** The checkpoint with the lowest validation EER among those whose consolidated model costs at most `limit` FLOP/s. */
function bestCheckpoint(checkpoints: readonly Checkpoint[], limit: number): Checkpoint | null {
  let best: Checkpoint | null = null;
  for (const c of checkpoints) if (c.flopsPerSecond <= limit && (best === null || c.value < best.value)) best = c;
  return best;
}

/** FLOP/s of the network consolidated at its current widths, as the sweep reports them. */
async function consolidatedFlops(network: Network): Promise<number> {
  const small = await network.consolidateAsync();
  try {
    return countNetwork(small).flopsPerSecond;
  } finally {
    small.dispose();
  }
}

/**
 * Calibrate a trained VAD on validation: shift the logit of both the trained network and its
 * consolidated model so that the pooled validation best-F1 threshold sits at 0.5.
 */
async function calibrate(task: TrainingTask, small: Network): Promise<number> {
  return calibrateOrFail((await task.evaluate(small, 'validation')) as VadEvaluation, [small, task.network]);
}

/** calibrateOnValidation for a sweep's model, which must have a threshold to move. */
function calibrateOrFail(validation: VadEvaluation, networks: Network[]): number {
  const shift = calibrateOnValidation(validation, networks);
  if (shift === undefined) throw new Error(`calibration needs a pooled best-F1 threshold strictly between 0 and 1, got ${validation.pooledBestF1Threshold}`);
  return shift;
}

/**
 * `npm run sweep -- calibrate --family crnn|transformer`: calibrate the bundled full-width
 * weights on validation (a logit shift, src/train/calibration.ts) and write them back; prints
 * each validation variant's best-F1 threshold before and after, and the test EER (unchanged).
 */
async function calibrateBundled(): Promise<void> {
  const family = option('family', 'crnn') as ModelId;
  const backend = await useBackend(option('backend', 'wasm') as 'wasm' | 'cpu');
  refuseUnknownOptions('calibrate');
  const config: RunConfig = {
    modelId: family, method: 'uniform', alpha: 0, budgetFlopsPerSecond: null, steps: 1, batchSize: 16,
    learningRate: 0, kappaLearningRate: 0, kappaMin: {}, uniformFraction: 1, seed: 1, evalEvery: 1, init: 'pretrained',
  };
  const path = join(DEFAULT_PUBLIC_DIR, pretrainedWeightsPath(family));
  const saved = JSON.parse(readFileSync(path, 'utf8')) as SavedWeights;
  const task = await createTask(config, diskSources, {});
  try {
    const thresholds = (e: VadEvaluation) =>
      Object.entries(e.variants).map(([v, r]) => `${v} ${r!.bestF1Threshold.toFixed(2)}`).join(', ');
    const before = (await task.evaluate(task.network, 'validation')) as VadEvaluation;
    const shift = calibrateOrFail(before, [task.network]);
    const after = (await task.evaluate(task.network, 'validation')) as VadEvaluation;
    const test = await task.evaluate(task.network, 'test');
    console.log(`${family} on ${backend}: pooled validation best-F1 threshold ${before.pooledBestF1Threshold!.toFixed(3)} → logit shift ${shift.toFixed(3)}`);
    console.log(`  validation best-F1 thresholds before: ${thresholds(before)}`);
    console.log(`  after: ${thresholds(after)} (pooled ${after.pooledBestF1Threshold!.toFixed(3)}); validation EER ${pct(before.value)} → ${pct(after.value)} %, test EER ${pct(test.value)} %`);
    const previous = Number(saved.provenance.calibrationShift ?? 0);
    const weights = exportWeights(task.network, { ...saved.provenance, calibrationShift: previous + shift, calibrationCommand: sweepCommand });
    writeFileSync(path, JSON.stringify(weights));
    console.log(`written ${path}`);
  } finally {
    task.dispose();
  }
}

/** Where sweeps keep each trained model (an export zip: `npm run vad -- --model <zip>`). */
const SAVED_MODELS_DIR = 'results/models';

/** "DCL κmin 0.25 from full" → "dcl-kmin-0.25-from-full". */
function slug(label: string): string {
  return label.toLowerCase().replace(/κ/g, 'k').replace(/≈/g, '').replace(/%/g, 'pct').trim().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '');
}

/** The log-mel normalisation a network was built with, as saved weights name it (runtime/model.ts reads it back). */
function featuresOf(network: Network): string {
  const logMel = network.layers.find((layer): layer is LogMel => layer instanceof LogMel);
  return normalisationName(logMel?.normalisation ?? GLOBAL_NORMALISATION);
}

/** `npm run sweep -- merge a.json b.json …`: one results file and one table from a sweep's shards. */
function mergeShards(files: string[]): void {
  if (files.length === 0) throw new Error('merge: name the shard files to combine');
  const out = option('out', files[0].replace(/\.shard-\d+-of-\d+\.json$/, '.json'));
  refuseUnknownOptions('merge');
  if (!option('out', '') && files.includes(out)) throw new Error(`merge: name the merged file with --out (it would replace ${out})`);
  const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as VadSweepFile);
  const first = parts[0];
  for (const [i, part] of parts.entries()) {
    if (part.family !== first.family || part.steps !== first.steps || part.alpha !== first.alpha || part.backend !== first.backend) {
      throw new Error(`merge: ${files[i]} is from another sweep (family, steps, α or backend differ from ${files[0]})`);
    }
  }
  const results = parts.flatMap((p) => p.results);
  const seeds = [...new Set(results.map((r) => r.seed))].sort((a, b) => a - b);
  writeFileSync(out, JSON.stringify({ ...first, seeds, shard: `merged from ${files.length} files`, results }, null, 2));
  console.log(`written ${out} (${results.length} runs, seeds ${seeds.join(', ')})\n`);
  printMergedTable(results);
}

/** Mean ± half the range over seeds, per row label, in the order the rows were planned. */
function printMergedTable(results: VadRunResult[]): void {
  const labels = [...new Set([...results].sort((a, b) => a.order - b.order).map((r) => r.label))];
  const stat = (xs: number[], digits: number, scale = 1) => {
    const v = xs.filter(Number.isFinite).map((x) => x * scale);
    if (v.length === 0) return '–';
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const half = (Math.max(...v) - Math.min(...v)) / 2;
    return v.length > 1 ? `${mean.toFixed(digits)} ± ${half.toFixed(digits)}` : mean.toFixed(digits);
  };
  console.log(`| model | seeds | widths (seed ${results[0]?.seed}) | MFLOP/s | params | EER % | ${SNR_BINS.map((b) => b.label).join(' | ')} | AUC | telephone EER % | −20 dB EER % | val EER % |`);
  console.log(`|${' --- |'.repeat(10 + SNR_BINS.length)}`);
  for (const label of labels) {
    const rows = results.filter((r) => r.label === label);
    const widths = rows[0].widths.map((w) => `${w.name} ${w.kept}/${w.full}`).join(', ');
    const bins = SNR_BINS.map((_, b) => stat(rows.map((r) => r.test.eerBySnr?.[b] ?? NaN), 2, 100));
    console.log(
      `| ${label} | ${rows.length} | ${widths} | ${stat(rows.map((r) => r.mflopsPerSecond), 3)} | ${stat(rows.map((r) => r.parameters), 0)} | ${stat(rows.map((r) => r.test.value), 2, 100)} | ${bins.join(' | ')} | ${stat(rows.map((r) => r.test.auc ?? NaN), 3)} | ${stat(rows.map((r) => variantEer(r, 'telephone')), 2, 100)} | ${stat(rows.map((r) => variantEer(r, 'quiet')), 2, 100)} | ${stat(rows.map((r) => r.validation.value), 2, 100)} |`,
    );
  }
}

/** The widths a uniform-width run was built with (it has no learnable ones to report). */
function fixedWidths(family: ModelId, fraction: number): VadRunResult['widths'] {
  const { widthNames, fullSizes } = MODEL_FAMILIES[family];
  return keptWidths(family, Object.fromEntries(widthNames.map((name) => [name, Math.max(1, Math.round(fullSizes[name] * fraction))])));
}

/** Fixed widths of the given units (a uniform model's, or a consolidated start's, which a --polish-from run keeps). */
function keptWidths(family: ModelId, units: Record<string, number>): VadRunResult['widths'] {
  const { widthNames, fullSizes } = MODEL_FAMILIES[family];
  return widthNames.map((name) => ({ name, units: units[name], kept: units[name], full: fullSizes[name], kappaMin: 1 }));
}

/** Test EER of one channel variant of the split (NaN where the evaluation has none). */
function variantEer(r: VadRunResult, variant: 'telephone' | 'quiet'): number {
  return (r.test as Evaluation & { variants?: Partial<Record<string, { eer: number }>> }).variants?.[variant]?.eer ?? NaN;
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(2) : '–');

function printVadHeader(): void {
  console.log(['model', 'seed', 'widths', 'MFLOP/s', 'params', 'EER %', ...SNR_BINS.map((b) => `EER ${b.label}`), 'AUC', 'telephone EER %', '−20 dB EER %', 'val EER %', 'train s'].join('\t'));
}

function printVadRow(r: VadRunResult): void {
  const widths = r.widths.map((w) => `${w.name} ${w.kept}/${w.full}`).join(', ');
  console.log(
    [r.label, r.seed, widths, r.mflopsPerSecond.toFixed(3), r.parameters, pct(r.test.value), ...(r.test.eerBySnr ?? []).map(pct), r.test.auc?.toFixed(3), pct(variantEer(r, 'telephone')), pct(variantEer(r, 'quiet')), pct(r.validation.value), r.trainingSeconds.toFixed(0)].join('\t'),
  );
}

async function main(): Promise<void> {
  const command = args.find((a) => !a.startsWith('--')) ?? 'synthetic';
  if (command === 'synthetic') {
    await tf.setBackend('cpu');
    return syntheticSweep();
  }
  if (command === 'vad') return vadSweep();
  if (command === 'calibrate') return calibrateBundled();
  if (command === 'merge') return mergeShards(args.slice(1).filter((a, i, all) => !a.startsWith('--') && all[i] !== option('out', '\0')));
  throw new Error(`unknown sweep "${command}": use synthetic, vad or merge`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
