/**
 * What the UI knows about each model family before the worker has reported anything.
 * Width names and full sizes seed the κ_min inputs; the worker's first progress event
 * replaces them with the real list. src/models/registry.ts does not exist yet: once it
 * does, this table should be read from it.
 */
import type { ModelId, WidthMethod } from '../src/protocol';

export interface WidthInfo {
  name: string;
  full: number;
}

export interface ModelInfo {
  label: string;
  widths: WidthInfo[];
  /** Accuracy metric shown on the y axis. */
  metric: 'MSE' | 'EER';
  /** C(K_max) before the worker reports it (seeds the budget input); null if unknown. */
  fullFlopsPerSecond: number | null;
  /** Bundled full-width weights exist to start from. */
  pretrainedAvailable: boolean;
  /** The paper's published points belong on this model's chart. */
  paperFamily: 'crnn' | 'transformer' | null;
}

export const MODELS: Record<ModelId, ModelInfo> = {
  synthetic: {
    label: 'Synthetic regression (MLP)',
    widths: [
      { name: 'input', full: 32 },
      { name: 'hidden', full: 32 },
    ],
    metric: 'MSE',
    // hidden Dense 2·32·32 + ReLU 32 + output Dense 2·32·1 (the input gate costs nothing).
    fullFlopsPerSecond: 2144,
    pretrainedAvailable: false,
    paperFamily: null,
  },
  crnn: { label: 'CRNN-like VAD', widths: [], metric: 'EER', fullFlopsPerSecond: null, pretrainedAvailable: false, paperFamily: 'crnn' },
  transformer: { label: 'Transformer-like VAD', widths: [], metric: 'EER', fullFlopsPerSecond: null, pretrainedAvailable: false, paperFamily: 'transformer' },
};

export const METHOD_LABELS: Record<WidthMethod, string> = {
  dcl: 'DCL (learned by noise injection)',
  uniform: 'Uniform widths (baseline, from scratch)',
  straightThrough: 'Straight-through hard mask (baseline)',
};
