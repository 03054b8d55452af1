/**
 * Does the wider corpus, the channel augmentation and the feature normalisation help? Trains
 * the full-width CRNN for a few hundred steps under one recipe and scores it on the current
 * corpus's validation (pooled over its channel variants) and test (clean, telephone, −20 dB).
 *
 *   npx tsx scripts/robustness-check.ts --recipe old|new-global|new-running [--steps 300] [--seed 1]
 *     [--old-public DIR]   a public/ holding the first corpus (for --recipe old), e.g. from
 *                          `git archive 9cfd1f2 public/corpus | tar -x -C /tmp/old`
 *
 * Recipes: old = first corpus's training split, plain scenes, global log-mel normalisation;
 * new-* = this corpus, TRAINING_SCENE_OPTIONS (channel chain, events), global or running
 * normalisation. Held-out scenes are always this corpus's, so every recipe meets the same test.
 * Writes results/robustness-<recipe>-s<seed>.json.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Corpus } from '../src/data/corpus';
import { loadCorpusFromDisk } from '../src/data/nodeCorpus';
import { GLOBAL_NORMALISATION, RUNNING_NORMALISATION } from '../src/models/logMel';
import type { RunConfig } from '../src/protocol';
import { WidthTrainer } from '../src/train/trainer';
import { createVadTask, PLAIN_SCENE_OPTIONS, TRAINING_SCENE_OPTIONS, VAD_TASK_DEFAULTS, type VadEvaluation } from '../src/train/vadTask';
import { useBackend } from './lib/node';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};

const RECIPES = ['old', 'new-global', 'new-running'] as const;
type Recipe = (typeof RECIPES)[number];

async function main(): Promise<void> {
  const recipe = option('recipe', 'new-running') as Recipe;
  if (!RECIPES.includes(recipe)) throw new Error(`--recipe must be one of ${RECIPES.join(', ')}`);
  const steps = Number(option('steps', '300'));
  const seed = Number(option('seed', '1'));
  const evalEvery = Number(option('eval-every', String(steps)));
  const backend = await useBackend('wasm');
  const t0 = Date.now();
  const current = await loadCorpusFromDisk(option('public', undefined as unknown as string));
  let corpus: Corpus = current;
  if (recipe === 'old') {
    const oldPublic = option('old-public', '');
    if (!oldPublic) throw new Error('--recipe old needs --old-public DIR (a public/ with the first corpus)');
    const old = await loadCorpusFromDisk(oldPublic, { splits: ['train'] });
    corpus = { manifest: current.manifest, splits: { ...current.splits, train: old.splits.train } };
  }
  console.log(`corpus loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s; recipe ${recipe}, ${steps} steps × batch 16 × 1 s, seed ${seed}, tfjs ${backend}`);
  const config: RunConfig = {
    modelId: 'crnn', method: 'uniform', alpha: 0, budgetFlopsPerSecond: null, steps, batchSize: 16,
    learningRate: 3e-3, kappaLearningRate: 3e-2, kappaMin: {}, uniformFraction: 1, seed, evalEvery: steps, init: 'scratch',
  };
  const task = createVadTask(config, corpus, {
    ...VAD_TASK_DEFAULTS,
    trainingScenes: recipe === 'old' ? PLAIN_SCENE_OPTIONS : TRAINING_SCENE_OPTIONS,
    features: recipe === 'new-running' ? RUNNING_NORMALISATION : GLOBAL_NORMALISATION,
  });
  const trainer = new WidthTrainer(task.network, task.taskLoss, { alpha: 0, learningRate: config.learningRate, kappaLearningRate: config.kappaLearningRate, seed });
  const checkpoints: { step: number; validation: VadEvaluation }[] = [];
  const tTrain = Date.now();
  for (let step = 1; step <= steps; step++) {
    const { input, target } = await task.nextBatch();
    const result = await trainer.step(input, target);
    tf.dispose([input, target]);
    if (step % 50 === 0) process.stderr.write(`  step ${step}: loss ${result.taskLoss.toFixed(3)} (${((Date.now() - tTrain) / 1000).toFixed(0)} s)\n`);
    if (step % evalEvery === 0 || step === steps) {
      const validation = (await task.evaluate(task.network, 'validation')) as VadEvaluation;
      checkpoints.push({ step, validation });
      console.log(`step ${step}: validation EER ${pct(validation.value)} (${variantLine(validation)})`);
    }
  }
  const test = (await task.evaluate(task.network, 'test')) as VadEvaluation;
  console.log(`test: ${variantLine(test)}`);
  for (const [variant, v] of Object.entries(test.variants)) {
    console.log(`  ${variant}: EER ${pct(v.eer)}, by SNR ${v.eerBySnr.map(pct).join(' / ')}, AUC ${v.auc.toFixed(3)}, best-F1 threshold ${v.bestF1Threshold.toFixed(2)}`);
  }
  mkdirSync('results', { recursive: true });
  const file = `results/robustness-${recipe}-s${seed}.json`;
  writeFileSync(file, JSON.stringify({ recipe, steps, seed, backend, trainingSeconds: (Date.now() - tTrain) / 1000, checkpoints, test }, null, 1));
  console.log(`written ${file}`);
  trainer.dispose();
  task.dispose();
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(2) : '–');
const variantLine = (e: VadEvaluation) => Object.entries(e.variants).map(([k, v]) => `${k} ${pct(v.eer)}`).join(', ');

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
