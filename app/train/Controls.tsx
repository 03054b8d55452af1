/** Run setup (model, method, hyper-parameters, κ_min per width) and the run buttons. */
import { MODEL_IDS, WIDTH_METHODS, type ModelId, type WidthMethod } from '../../src/protocol';
import { editSetup, pause, resetCharts, resume, stop, train } from '../actions';
import { ComplexityControl } from './ComplexityControl';
import { MODEL_CATALOG } from '../../src/models/catalog';
import { formatFlops } from '../format';
import { catalogWidths, METHOD_LABELS } from '../models';
import { NumberField } from './NumberField';
import { checkPretrained, initProblem, makeWeightsHint } from './pretrained';
import { useAppStore } from '../store';
import { Help } from '../help/Help';
import { useSweepStore } from '../curve/sweepClient';
import { kappaMinRule, SETUP_RULES, setupProblems } from './setupRules';

function RunButtons() {
  const runState = useAppStore((s) => s.runState);
  const ready = useAppStore((s) => s.workerStatus === 'ready');
  const blocked = useAppStore((s) => initProblem(s.setup, s.pretrained[s.setup.modelId]) !== null);
  const fieldErrors = useAppStore((s) => s.fieldErrors);
  const setup = useAppStore((s) => s.setup);
  // Invalid text never reaches the setup, but Train must not run the last valid value behind it.
  const invalid = [...Object.values(fieldErrors), ...setupProblems(setup)];
  const idle = runState === 'idle';
  // Between a sweep's runs the worker is idle for a moment: Train waits for the sweep's end.
  const sweeping = useSweepStore((s) => s.status?.state === 'running' && !s.interrupted);
  return (
    <div className="run-buttons">
      <button
        type="button"
        className="primary"
        data-testid="train"
        disabled={!ready || !idle || sweeping || blocked || invalid.length > 0}
        aria-describedby={invalid.length > 0 ? 'train-blocked' : undefined}
        onClick={train}
      >
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
      {invalid.length > 0 && (
        <p className="warning" id="train-blocked" data-testid="train-blocked">
          Train waits for valid values: {invalid.join('; ')}
        </p>
      )}
    </div>
  );
}

function KappaMinFields({ disabled }: { disabled: boolean }) {
  const modelId = useAppStore((s) => s.setup.modelId);
  const kappaMin = useAppStore((s) => s.setup.kappaMin);
  const widths = catalogWidths(modelId);
  const defaultKappaMin = MODEL_CATALOG[modelId].defaultKappaMin;
  return (
    <div className="kappa-min">
      <span className="group-label">
        κ_min per width (K ≥ κ_min · N) <Help topic="kappaMin" />
      </span>
      {widths.map((width) => (
        <NumberField
          key={width.name}
          label={`${width.name} (N = ${width.full})`}
          value={kappaMin[width.name] ?? Number(defaultKappaMin.toPrecision(3))}
          rule={kappaMinRule(width.full)}
          disabled={disabled}
          testId={`kappa-min-${width.name}`}
          onCommit={(value) => editSetup({ kappaMin: { ...useAppStore.getState().setup.kappaMin, [width.name]: value } })}
        />
      ))}
    </div>
  );
}

/** Start from random weights or the bundled full-width weights (VAD families, when the sweep has made them). */
function InitField() {
  const setup = useAppStore((s) => s.setup);
  const availability = useAppStore((s) => s.pretrained[s.setup.modelId]);
  const entry = MODEL_CATALOG[setup.modelId];
  let unavailable: string | null = null;
  if (!entry.pretrainable) unavailable = `${entry.displayName} has no pretrained weights: it trains from scratch.`;
  else if (availability === 'missing') unavailable = makeWeightsHint(setup.modelId);
  else if (availability !== 'available') unavailable = 'Checking whether pretrained weights are served…';
  const problem = initProblem(setup, availability);
  return (
    <>
      <label className="field" title={unavailable ?? undefined} data-testid="init-field">
        <span>Init</span>
        <select value={setup.init} data-testid="init-select" onChange={(event) => editSetup({ init: event.target.value as 'scratch' | 'pretrained' })}>
          <option value="scratch">from scratch</option>
          <option value="pretrained" disabled={unavailable !== null} data-testid="init-pretrained">
            pretrained full width{unavailable === null ? '' : ' (not available)'}
          </option>
        </select>
      </label>
      {problem !== null && (
        <p className="warning" data-testid="init-problem">
          {problem}
        </p>
      )}
    </>
  );
}

/** C(K_max) as the worker counted it at startup (or a stored run reports it). */
function FullFlopsHint() {
  const modelId = useAppStore((s) => s.setup.modelId);
  const fullFlops = useAppStore((s) => s.fullFlops[modelId]);
  return (
    <p className="hint" data-testid="full-flops">
      Full width: {fullFlops === undefined ? 'FLOP/s counted once the worker is ready' : `${formatFlops(fullFlops)} (counted from the network)`}
    </p>
  );
}

export function Controls() {
  const setup = useAppStore((s) => s.setup);
  const locked = useAppStore((s) => s.runState !== 'idle');

  return (
    <aside className="controls" data-testid="controls">
      <RunButtons />
      <ComplexityControl />
      <fieldset disabled={locked}>
        <legend>
          Model <Help topic="family" />
        </legend>
        <label className="field">
          <span>Family</span>
          <select
            value={setup.modelId}
            data-testid="model-select"
            onChange={(event) => {
              const modelId = event.target.value as ModelId;
              editSetup({ modelId, kappaMin: {}, init: 'scratch', ...MODEL_CATALOG[modelId].training });
              // The sweep may have written the weights since the page loaded.
              checkPretrained(modelId);
            }}
          >
            {MODEL_IDS.map((id) => (
              <option key={id} value={id}>
                {MODEL_CATALOG[id].displayName}
              </option>
            ))}
          </select>
        </label>
        <FullFlopsHint />
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
        <Help topic="method" />
        {setup.method === 'uniform' && (
          <NumberField
            label="Fraction of every width kept"
            value={setup.uniformFraction}
            rule={SETUP_RULES.uniformFraction}
            testId="uniform-fraction"
            onCommit={(uniformFraction) => editSetup({ uniformFraction })}
          />
        )}
        <InitField />
        <KappaMinFields disabled={locked} />
      </fieldset>
      <fieldset disabled={locked}>
        <legend>
          Training <Help topic="training" />
        </legend>
        <NumberField label="Steps" value={setup.steps} rule={SETUP_RULES.steps} testId="steps-input" onCommit={(steps) => editSetup({ steps })} />
        <NumberField label="Batch size" value={setup.batchSize} rule={SETUP_RULES.batchSize} testId="batch-input" onCommit={(batchSize) => editSetup({ batchSize })} />
        <NumberField label="Learning rate" value={setup.learningRate} rule={SETUP_RULES.learningRate} testId="lr-input" onCommit={(learningRate) => editSetup({ learningRate })} />
        <NumberField
          label="κ learning rate"
          value={setup.kappaLearningRate}
          rule={SETUP_RULES.kappaLearningRate}
          testId="kappa-lr-input"
          onCommit={(kappaLearningRate) => editSetup({ kappaLearningRate })}
        />
        <NumberField label="Validate every (steps)" value={setup.evalEvery} rule={SETUP_RULES.evalEvery} testId="eval-input" onCommit={(evalEvery) => editSetup({ evalEvery })} />
        <NumberField label="Seed" value={setup.seed} rule={SETUP_RULES.seed} testId="seed-input" onCommit={(seed) => editSetup({ seed })} />
      </fieldset>
    </aside>
  );
}
