/**
 * What is known about each model family without building it: plain data, no tfjs, so the
 * UI's main-thread bundle can read it. The registry (src/models/registry.ts) adds the
 * build functions and checks these sizes against the model modules.
 */
import type { ModelId, RunConfig } from '../protocol';

/** Training settings a run of the family starts from (the user can change them). */
export type TrainingDefaults = Pick<RunConfig, 'steps' | 'batchSize' | 'learningRate' | 'kappaLearningRate' | 'evalEvery'>;

/** VAD runs: the sweep's settings (batch 16 × 1 s, lr 3e-3); fewer steps so a browser run stays short. */
const VAD_TRAINING: TrainingDefaults = { steps: 300, batchSize: 16, learningRate: 3e-3, kappaLearningRate: 3e-2, evalEvery: 50 };

export interface ModelCatalogEntry {
  id: ModelId;
  displayName: string;
  /** What the network reads: a power spectrogram [B, T, 201] (VAD) or feature vectors [B, 32]. */
  input: 'powerSpectrogram' | 'features';
  /** What it returns: a speech probability per frame [B, T, 1] (train with binary cross-entropy), or a regression value [B, 1]. */
  output: 'speechProbability' | 'regression';
  /** Learnable width names in network order. */
  widthNames: readonly string[];
  /** Full size N of each width. */
  fullSizes: Readonly<Record<string, number>>;
  /** κ_min a run uses unless told otherwise. */
  defaultKappaMin: number;
  /** Full-width weights can be bundled for it (`npm run sweep -- vad` makes them); VAD families only. */
  pretrainable: boolean;
  training: TrainingDefaults;
}

export const MODEL_CATALOG: Readonly<Record<ModelId, ModelCatalogEntry>> = {
  crnn: {
    id: 'crnn',
    displayName: 'CRNN-like VAD',
    input: 'powerSpectrogram',
    output: 'speechProbability',
    widthNames: ['mel', 'conv', 'gru'],
    fullSizes: { mel: 80, conv: 32, gru: 32 },
    defaultKappaMin: 0.125,
    pretrainable: true,
    training: VAD_TRAINING,
  },
  transformer: {
    id: 'transformer',
    displayName: 'Transformer-like VAD',
    input: 'powerSpectrogram',
    output: 'speechProbability',
    widthNames: ['mel', 'ff1', 'ff2'],
    fullSizes: { mel: 80, ff1: 128, ff2: 128 },
    defaultKappaMin: 0.125,
    pretrainable: true,
    training: VAD_TRAINING,
  },
  synthetic: {
    id: 'synthetic',
    displayName: 'Synthetic regression (MLP)',
    input: 'features',
    output: 'regression',
    widthNames: ['input', 'hidden'],
    fullSizes: { input: 32, hidden: 32 },
    defaultKappaMin: 1 / 32,
    pretrainable: false,
    training: { steps: 500, batchSize: 64, learningRate: 1e-2, kappaLearningRate: 3e-2, evalEvery: 25 },
  },
};

/** The accuracy metric a family is scored with: EER for a VAD, MSE for a regression. */
export function accuracyMetric(entry: ModelCatalogEntry): 'EER' | 'MSE' {
  return entry.output === 'speechProbability' ? 'EER' : 'MSE';
}

/**
 * Path (relative to the app's base, i.e. public/) of a family's bundled full-width weights,
 * written by `npm run sweep -- vad` and fetched by the worker for init = 'pretrained'.
 */
export function pretrainedWeightsPath(modelId: ModelId): string {
  return `models/${modelId}-full.weights.json`;
}

/** The app's bundled models under public/ (the runtime loads them: src/runtime/model.ts). */
export const BUNDLED_MODELS = ['crnn-full', 'transformer-full', 'crnn-small', 'transformer-small'] as const;
export type BundledModelName = (typeof BUNDLED_MODELS)[number];
export type BundledFullModelName = Extract<BundledModelName, `${string}-full`>;
export type BundledSmallModelName = Extract<BundledModelName, `${string}-small`>;
export const BUNDLED_SMALL_MODELS = BUNDLED_MODELS.filter((name): name is BundledSmallModelName => name.endsWith('-small'));
