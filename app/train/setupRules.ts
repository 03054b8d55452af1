/**
 * The range of every number in a run setup, and the one check the form, the URL and Train use.
 * A value outside its range never reaches the setup: the form shows why beside the field, the
 * URL reader lists it in a notice, and Train refuses a setup that breaks a rule.
 */
import { MODEL_CATALOG } from '../../src/models/catalog';
import { MODEL_IDS, WIDTH_METHODS, type ModelId, type RunConfig } from '../../src/protocol';
import { ALPHA_MAX } from './alphaScale';

export interface NumberRule {
  min: number;
  max: number;
  /** The minimum itself is not allowed (a learning rate of 0 trains nothing). */
  minExclusive?: boolean;
  integer?: boolean;
}

export type NumericSetupKey = 'steps' | 'batchSize' | 'learningRate' | 'kappaLearningRate' | 'evalEvery' | 'seed' | 'uniformFraction' | 'alpha' | 'budgetFlopsPerSecond';

export const SETUP_RULES: Readonly<Record<NumericSetupKey, NumberRule>> = {
  steps: { min: 1, max: 100_000, integer: true },
  batchSize: { min: 1, max: 1024, integer: true },
  // Up to 10: large enough to watch a run diverge, and the divergence check stops it.
  learningRate: { min: 0, max: 10, minExclusive: true },
  // 0 freezes the widths, which is a meaningful experiment.
  kappaLearningRate: { min: 0, max: 10 },
  evalEvery: { min: 1, max: 100_000, integer: true },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  uniformFraction: { min: 0.01, max: 1 },
  // The slider's range: a larger α only pins every width at κ_min.
  alpha: { min: 0, max: ALPHA_MAX },
  budgetFlopsPerSecond: { min: 1, max: 1e15 },
};

/** κ_min of a width of N units: at least one unit, at most all of them. */
export function kappaMinRule(full: number): NumberRule {
  return { min: 1 / full, max: 1 };
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function describeRange(rule: NumberRule): string {
  const kind = rule.integer === true ? 'a whole number' : 'a number';
  const low = rule.minExclusive === true ? `above ${rule.min}` : `from ${rule.min}`;
  return `must be ${kind} ${low} to ${rule.max}`;
}

export type Checked = { value: number; error: null } | { value: null; error: string };

/** The number in `text`, or why it is not an allowed value ("must be a whole number from 1 to 100000"). */
export function checkNumber(text: string, rule: NumberRule): Checked {
  const trimmed = text.trim();
  if (trimmed === '') return { value: null, error: `is empty: it ${describeRange(rule)}` };
  if (!NUMBER_TEXT.test(trimmed)) return { value: null, error: `“${trimmed}” is not a number: it ${describeRange(rule)}` };
  return checkValue(Number(trimmed), rule);
}

export function checkValue(value: number, rule: NumberRule): Checked {
  const below = rule.minExclusive === true ? value <= rule.min : value < rule.min;
  if (!Number.isFinite(value) || below || value > rule.max || (rule.integer === true && !Number.isInteger(value))) {
    return { value: null, error: describeRange(rule) };
  }
  return { value, error: null };
}

const LABELS: Record<NumericSetupKey, string> = {
  steps: 'steps',
  batchSize: 'batch size',
  learningRate: 'learning rate',
  kappaLearningRate: 'κ learning rate',
  evalEvery: 'validate every',
  seed: 'seed',
  uniformFraction: 'uniform fraction',
  alpha: 'α',
  budgetFlopsPerSecond: 'FLOP/s budget',
};

/** Every rule `setup` breaks, as sentences; empty when the worker may run it. */
export function setupProblems(setup: RunConfig): string[] {
  const problems: string[] = [];
  if (!MODEL_IDS.includes(setup.modelId)) return [`unknown model “${String(setup.modelId)}”`];
  if (!WIDTH_METHODS.includes(setup.method)) problems.push(`unknown width method “${String(setup.method)}”`);
  if (setup.init !== 'scratch' && setup.init !== 'pretrained') problems.push(`unknown init “${String(setup.init)}”`);
  for (const key of Object.keys(SETUP_RULES) as NumericSetupKey[]) {
    const value = setup[key];
    if (key === 'budgetFlopsPerSecond' && value === null) continue;
    const checked = checkValue(value as number, SETUP_RULES[key]);
    if (checked.error !== null) problems.push(`${LABELS[key]} ${String(value)} ${checked.error}`);
  }
  problems.push(...kappaMinProblems(setup.modelId, setup.kappaMin));
  return problems;
}

function kappaMinProblems(modelId: ModelId, kappaMin: Record<string, number>): string[] {
  const sizes = MODEL_CATALOG[modelId].fullSizes;
  return Object.entries(kappaMin).flatMap(([name, value]) => {
    const full = sizes[name];
    if (full === undefined) return [`κ_min for “${name}”: ${MODEL_CATALOG[modelId].displayName} has no such width`];
    const checked = checkValue(value, kappaMinRule(full));
    return checked.error === null ? [] : [`κ_min ${name} ${value} ${checked.error}`];
  });
}
