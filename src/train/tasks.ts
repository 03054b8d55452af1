import type { RunConfig } from '../protocol';
import { createSyntheticTask } from './syntheticTask';
import type { TrainingTask } from './task';

/** Builds the training task for a run; VAD tasks need the corpus, loaded once by the host. */
export async function createTask(config: RunConfig): Promise<TrainingTask> {
  switch (config.modelId) {
    case 'synthetic':
      return createSyntheticTask(config);
    default:
      throw new Error(`model ${config.modelId} is not available yet`);
  }
}
