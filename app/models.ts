/**
 * What the UI shows about each model family, read from the plain-data catalog
 * (src/models/catalog.ts: no tfjs, so it stays out of the main-thread bundle).
 * Full-width FLOP/s are not typed in: the worker measures them (see the store).
 */
import { MODEL_CATALOG } from '../src/models/catalog';
import type { ModelId, RunConfig, WidthMethod } from '../src/protocol';

export interface WidthInfo {
  name: string;
  full: number;
}

export function catalogWidths(modelId: ModelId): WidthInfo[] {
  const entry = MODEL_CATALOG[modelId];
  return entry.widthNames.map((name) => ({ name, full: entry.fullSizes[name]! }));
}

/** The VAD family whose published points (public/paper/vad-results.csv, column `family`) belong on this model's chart. */
export function paperFamily(modelId: ModelId): string | null {
  return MODEL_CATALOG[modelId].input === 'powerSpectrogram' ? modelId : null;
}

export const METHOD_LABELS: Record<WidthMethod, string> = {
  dcl: 'DCL (learned by noise injection)',
  uniform: 'Uniform widths (baseline, from scratch)',
  straightThrough: 'Straight-through hard mask (baseline)',
};

/** How a run's widths were set, in words: its method, or the run whose consolidated widths it trained at. */
export function methodText(config: RunConfig): string {
  return config.trainedAtWidthsOf === undefined ? METHOD_LABELS[config.method] : `Fixed at the consolidated widths of run ${config.trainedAtWidthsOf.runId}`;
}

/** The method that chose a run's widths: its own, or for a run at another's consolidated widths, that run's. */
export function widthsLearnedBy(config: RunConfig): WidthMethod {
  return config.trainedAtWidthsOf?.learnedBy ?? config.method;
}
