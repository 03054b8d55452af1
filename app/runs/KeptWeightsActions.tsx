/** In a run's details: continue training it, train its consolidated model on at its widths, or test it in the listen panels, where its weights are kept. */
import type { RunSummary } from '../../src/protocol';
import { formatBytes } from '../format';
import { useAppStore } from '../store';
import { continueTraining, testRunModel, trainAtWidths, useKeptWeights } from './keptWeights';

export function KeptWeightsActions({ run }: { run: RunSummary }) {
  const idle = useAppStore((s) => s.runState === 'idle');
  const kept = useKeptWeights(run.runId);
  if (kept === 'loading') return null;
  if (kept === null) {
    return (
      <p className="hint" data-testid="weights-not-kept">
        No weights kept for this run (trained before weights were kept, imported from a file, or deleted): it cannot be continued or tested. Restore its
        setup to train it again.
      </p>
    );
  }
  return (
    <div className="kept-weights" data-testid="weights-kept" data-bytes={kept.bytes}>
      <p className="hint">
        Weights kept ({formatBytes(kept.bytes)}; every finished run keeps them, synthetic ones too, until it is deleted).
      </p>
      <button
        type="button"
        data-testid="continue-training"
        disabled={!idle}
        title={idle ? 'A new run with this setup, starting from these weights and widths' : 'Stop the running training first'}
        onClick={() => void continueTraining(run)}
      >
        Continue training
      </button>{' '}
      {kept.testable && run.config.method !== 'uniform' && (
        <>
          <button
            type="button"
            data-testid="train-at-widths"
            disabled={!idle}
            title={
              idle
                ? `A new run that trains its consolidated model on at these widths (fixed, every unit kept is trained) for ${run.config.steps} steps`
                : 'Stop the running training first'
            }
            onClick={() => void trainAtWidths(run)}
          >
            Train on at these widths
          </button>{' '}
        </>
      )}
      {kept.testable ? (
        <button type="button" data-testid="test-model" title="Its consolidated model goes into the listen panels (microphone, file)" onClick={() => void testRunModel(run)}>
          Test this model
        </button>
      ) : (
        <span className="hint">(the synthetic MLP hears nothing: only VAD runs can be tested)</span>
      )}
    </div>
  );
}
