/** Run setup (model, method, hyper-parameters, κ_min per width) and the run buttons. */
import { MODEL_IDS, WIDTH_METHODS, type ModelId, type WidthMethod } from '../src/protocol';
import { editSetup, pause, resetCharts, resume, stop, train } from './actions';
import { ComplexityControl } from './ComplexityControl';
import { METHOD_LABELS, MODELS } from './models';
import { NumberField } from './NumberField';
import { useAppStore } from './store';

function RunButtons() {
  const runState = useAppStore((s) => s.runState);
  const ready = useAppStore((s) => s.workerStatus === 'ready');
  const idle = runState === 'idle';
  return (
    <div className="run-buttons">
      <button type="button" className="primary" data-testid="train" disabled={!ready || !idle} onClick={train}>
        Train
      </button>
      {runState === 'paused' ? (
        <button type="button" data-testid="resume" onClick={resume}>
          Resume
        </button>
      ) : (
        <button type="button" data-testid="pause" disabled={runState !== 'running'} onClick={pause}>
          Pause
        </button>
      )}
      <button type="button" data-testid="stop" disabled={idle} onClick={stop}>
        Stop
      </button>
      <button type="button" data-testid="reset" title="Clear the charts of the current run" onClick={resetCharts}>
        Reset
      </button>
    </div>
  );
}

function KappaMinFields({ disabled }: { disabled: boolean }) {
  const modelId = useAppStore((s) => s.setup.modelId);
  const kappaMin = useAppStore((s) => s.setup.kappaMin);
  const reported = useAppStore((s) => s.reportedWidths[modelId]);
  const widths = reported ?? MODELS[modelId].widths;
  if (widths.length === 0) {
    return <p className="hint">κ_min per width: the width names appear once this model has reported them.</p>;
  }
  return (
    <div className="kappa-min">
      <span className="group-label">κ_min per width (K ≥ κ_min · N)</span>
      {widths.map((width) => (
        <NumberField
          key={width.name}
          label={`${width.name} (N = ${width.full})`}
          value={kappaMin[width.name] ?? Number((1 / width.full).toPrecision(3))}
          min={1 / width.full}
          max={1}
          disabled={disabled}
          testId={`kappa-min-${width.name}`}
          onCommit={(value) => editSetup({ kappaMin: { ...useAppStore.getState().setup.kappaMin, [width.name]: value } })}
        />
      ))}
    </div>
  );
}

export function Controls() {
  const setup = useAppStore((s) => s.setup);
  const locked = useAppStore((s) => s.runState !== 'idle');
  const model = MODELS[setup.modelId];

  return (
    <aside className="controls" data-testid="controls">
      <RunButtons />
      <ComplexityControl />
      <fieldset disabled={locked}>
        <legend>Model</legend>
        <label className="field">
          <span>Family</span>
          <select
            value={setup.modelId}
            data-testid="model-select"
            onChange={(event) => editSetup({ modelId: event.target.value as ModelId, kappaMin: {}, init: 'scratch' })}
          >
            {MODEL_IDS.map((id) => (
              <option key={id} value={id}>
                {MODELS[id].label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Widths</span>
          <select value={setup.method} data-testid="method-select" onChange={(event) => editSetup({ method: event.target.value as WidthMethod })}>
            {WIDTH_METHODS.map((method) => (
              <option key={method} value={method}>
                {METHOD_LABELS[method]}
              </option>
            ))}
          </select>
        </label>
        {setup.method === 'uniform' && (
          <NumberField
            label="Fraction of every width kept"
            value={setup.uniformFraction}
            min={0.01}
            max={1}
            testId="uniform-fraction"
            onCommit={(uniformFraction) => editSetup({ uniformFraction })}
          />
        )}
        <label
          className="field"
          title={model.pretrainedAvailable ? undefined : 'No bundled pretrained weights for this model yet: it trains from scratch.'}
        >
          <span>Init</span>
          <select value={setup.init} data-testid="init-select" onChange={(event) => editSetup({ init: event.target.value as 'scratch' | 'pretrained' })}>
            <option value="scratch">from scratch</option>
            <option value="pretrained" disabled={!model.pretrainedAvailable}>
              pretrained full width{model.pretrainedAvailable ? '' : ' (not available)'}
            </option>
          </select>
        </label>
        <KappaMinFields disabled={locked} />
      </fieldset>
      <fieldset disabled={locked}>
        <legend>Training</legend>
        <NumberField label="Steps" value={setup.steps} min={1} integer testId="steps-input" onCommit={(steps) => editSetup({ steps })} />
        <NumberField label="Batch size" value={setup.batchSize} min={1} integer testId="batch-input" onCommit={(batchSize) => editSetup({ batchSize })} />
        <NumberField label="Learning rate" value={setup.learningRate} min={0} testId="lr-input" onCommit={(learningRate) => editSetup({ learningRate })} />
        <NumberField
          label="κ learning rate"
          value={setup.kappaLearningRate}
          min={0}
          testId="kappa-lr-input"
          onCommit={(kappaLearningRate) => editSetup({ kappaLearningRate })}
        />
        <NumberField label="Validate every (steps)" value={setup.evalEvery} min={1} integer testId="eval-input" onCommit={(evalEvery) => editSetup({ evalEvery })} />
        <NumberField label="Seed" value={setup.seed} integer testId="seed-input" onCommit={(seed) => editSetup({ seed })} />
      </fieldset>
    </aside>
  );
}
