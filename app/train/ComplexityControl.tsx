/** The complexity weight α (log slider with an explicit 0) or, instead, a FLOP/s budget the worker steers α to. */
import { editSetup } from '../actions';
import { ALPHA_SLIDER_STEPS, alphaFromPosition, formatAlpha, positionFromAlpha } from './alphaScale';
import { formatFlops } from '../format';
import { NumberField } from './NumberField';
import { useAppStore } from '../store';
import { SETUP_RULES } from './setupRules';
import { AlphaZeroNote } from '../help/AlphaZeroNote';
import { Help } from '../help/Help';
import { budgetUnit, inUnit } from './budgetUnit';

export function ComplexityControl() {
  const alpha = useAppStore((s) => s.setup.alpha);
  const budget = useAppStore((s) => s.setup.budgetFlopsPerSecond);
  const modelId = useAppStore((s) => s.setup.modelId);
  const liveAlpha = useAppStore((s) => s.latest?.alpha ?? null);
  // Counted by the worker at startup (the only writer of the page's full width).
  const fullFlops = useAppStore((s) => s.fullFlops[modelId] ?? null);
  const budgetMode = budget !== null;
  // Until the worker has counted the full width, a round placeholder the user overwrites.
  const defaultBudget = fullFlops === null ? 1e6 : Math.round(0.5 * fullFlops);
  const unit = budgetUnit(modelId);

  return (
    <fieldset className="complexity" data-testid="complexity">
      <legend>
        Complexity <Help topic="alpha" />
      </legend>
      <div className="mode-switch" role="radiogroup" aria-label="Steer by">
        <label>
          <input
            type="radio"
            name="complexity-mode"
            checked={!budgetMode}
            data-testid="mode-alpha"
            onChange={() => editSetup({ budgetFlopsPerSecond: null })}
          />
          weight α
        </label>
        <label>
          <input
            type="radio"
            name="complexity-mode"
            checked={budgetMode}
            data-testid="mode-budget"
            onChange={() => editSetup({ budgetFlopsPerSecond: defaultBudget })}
          />
          FLOP/s budget
        </label>
        <Help topic="budget" />
      </div>
      <label className="alpha-slider">
        <span>
          α = <output data-testid="alpha-value">{formatAlpha(alpha)}</output>
        </span>
        <input
          type="range"
          min={0}
          max={ALPHA_SLIDER_STEPS}
          step={1}
          value={positionFromAlpha(alpha)}
          disabled={budgetMode}
          aria-label="complexity weight α"
          aria-valuetext={formatAlpha(alpha)}
          data-testid="alpha-slider"
          onChange={(event) => editSetup({ alpha: alphaFromPosition(Number(event.target.value)) })}
        />
        <span className="scale-ends">
          <span>0</span>
          <span>10⁻³</span>
          <span>30</span>
        </span>
      </label>
      {budgetMode && (
        <NumberField
          label={`Budget (${unit.label})`}
          value={inUnit(budget, unit)}
          rule={{ ...SETUP_RULES.budgetFlopsPerSecond, min: SETUP_RULES.budgetFlopsPerSecond.min / unit.scale, max: SETUP_RULES.budgetFlopsPerSecond.max / unit.scale }}
          testId="budget-input"
          title={fullFlops === null ? 'full width: counted once the worker is ready' : `full width: ${formatFlops(fullFlops)}`}
          onCommit={(value) => editSetup({ budgetFlopsPerSecond: Number((value * unit.scale).toPrecision(12)) })}
        />
      )}
      <p className="hint" data-testid="alpha-in-use">
        {liveAlpha === null
          ? 'L = L_task + α · C(K) / C(K_max)'
          : `α the training uses: ${formatAlpha(liveAlpha)}${budgetMode ? ' (set by the budget controller)' : ''}`}
      </p>
      <AlphaZeroNote />
    </fieldset>
  );
}
