import type { SavedWeights } from '../dcl/weights';
import type { Corpus } from '../data/corpus';
import type { ModelId, RunConfig } from '../protocol';
import { createSyntheticTask } from './syntheticTask';
import type { TrainingTask } from './task';
import { createVadTask, VAD_TASK_DEFAULTS, type VadTaskOptions } from './vadTask';

/** Where a host (browser worker or Node) gets the bundled data from. */
export interface TaskSources {
  loadCorpus(): Promise<Corpus>;
  loadPretrained(modelId: ModelId): Promise<SavedWeights>;
}

/** Builds the training task for a run; VAD tasks read the corpus (and pretrained weights) from the host. */
export async function createTask(config: RunConfig, sources: TaskSources, vad: Partial<VadTaskOptions> = {}): Promise<TrainingTask> {
  if (config.modelId === 'synthetic') return createSyntheticTask(config);
  const corpus = await sources.loadCorpus();
  const pretrained = config.init === 'pretrained' ? await sources.loadPretrained(config.modelId) : undefined;
  return createVadTask(config, corpus, { ...VAD_TASK_DEFAULTS, ...vad, pretrained });
}
