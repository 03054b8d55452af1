import type { SavedWeights } from '../dcl/weights';
import type { Corpus } from '../data/corpus';
import type { BatchSource, TrainingBatchSpec } from '../data/trainingBatches';
import type { ModelId, RunConfig } from '../protocol';
import { createSyntheticTask } from './syntheticTask';
import type { TrainingTask } from './task';
import { createVadTask, VAD_TASK_DEFAULTS, type VadTaskOptions } from './vadTask';

/** Where a host (browser worker or Node) gets the bundled data from. */
export interface TaskSources {
  loadCorpus(): Promise<Corpus>;
  loadPretrained(modelId: ModelId): Promise<SavedWeights>;
  /** Opens a run's training batches made on another thread; absent: made on this one from the corpus's training split. */
  trainingBatches?: (spec: TrainingBatchSpec) => BatchSource;
}

/** Builds the training task for a run; VAD tasks read the corpus (and pretrained weights) from the host. */
/**
 * The page scores a VAD run on the first 8 of the command-line sweep's 24 held-out scenes per
 * split (same seeds, every channel variant): a third of the audio, so a validation pass (and the
 * score before step 1) takes seconds rather than a minute, at the price of a noisier EER.
 */
export const PAGE_HELD_OUT: Partial<VadTaskOptions> = { heldOutScenes: 8 };

export async function createTask(config: RunConfig, sources: TaskSources, vad: Partial<VadTaskOptions> = {}): Promise<TrainingTask> {
  if (config.modelId === 'synthetic') return createSyntheticTask(config);
  const corpus = await sources.loadCorpus();
  const pretrained = config.init === 'pretrained' ? await sources.loadPretrained(config.modelId) : undefined;
  const teacher = config.distillationTeacher;
  const teacherWeights = teacher && teacher !== config.modelId ? await sources.loadPretrained(teacher) : undefined;
  return createVadTask(config, corpus, { ...VAD_TASK_DEFAULTS, openBatches: sources.trainingBatches, ...vad, pretrained, teacherWeights });
}
