/**
 * The run setup in the page URL, so that a copied link reproduces it:
 * `?model=synthetic&method=dcl&alpha=0.1&kmin=input:0.25,hidden:0.125&seed=1&steps=500&lr=0.01`.
 * Every value is checked by the same rules as the form (train/setupRules.ts): a URL with bad
 * or unknown parameters loads the good ones and lists each rejected one, and a valid setup
 * round-trips exactly. Parameters other modules own (FOREIGN_KEYS, e.g. `backend`) are left
 * untouched; unknown ones are reported once and dropped from the URL.
 */
import { MODEL_CATALOG } from '../src/models/catalog';
import { MODEL_IDS, WIDTH_METHODS, type ModelId, type RunConfig, type WidthMethod } from '../src/protocol';
import { checkNumber, kappaMinRule, SETUP_RULES, type NumericSetupKey } from './train/setupRules';

export const DEFAULT_SETUP: RunConfig = {
  modelId: 'synthetic',
  method: 'dcl',
  alpha: 0,
  budgetFlopsPerSecond: null,
  ...MODEL_CATALOG.synthetic.training,
  kappaMin: {},
  uniformFraction: 0.5,
  seed: 1,
  init: 'scratch',
};

/** URL key of each numeric setting. */
const NUMERIC_KEYS: Readonly<Record<string, NumericSetupKey>> = {
  alpha: 'alpha',
  budget: 'budgetFlopsPerSecond',
  seed: 'seed',
  steps: 'steps',
  lr: 'learningRate',
  klr: 'kappaLearningRate',
  batch: 'batchSize',
  uf: 'uniformFraction',
  eval: 'evalEvery',
};

/** Keys this module reads and writes. */
const KEYS = ['model', 'method', 'kmin', 'init', ...Object.keys(NUMERIC_KEYS)] as const;

/** Keys other parts of the page read (app/worker.ts: `backend`): neither ours nor unknown. */
export const FOREIGN_KEYS: readonly string[] = ['backend'];

export interface UrlSetup {
  setup: RunConfig;
  /** One line per rejected parameter: what it was and why it was not used. */
  rejected: string[];
}

function parseKappaMin(raw: string, modelId: ModelId, rejected: string[]): Record<string, number> {
  const sizes = MODEL_CATALOG[modelId].fullSizes;
  const entries: [string, number][] = [];
  for (const pair of raw.split(',')) {
    if (pair === '') continue;
    const at = pair.lastIndexOf(':');
    const name = at > 0 ? pair.slice(0, at) : '';
    const full = sizes[name];
    if (at <= 0) {
      rejected.push(`kmin “${pair}”: expected width:value, e.g. ${MODEL_CATALOG[modelId].widthNames[0]}:0.25`);
    } else if (full === undefined) {
      rejected.push(`kmin “${pair}”: ${MODEL_CATALOG[modelId].displayName} has no width “${name}” (it has ${MODEL_CATALOG[modelId].widthNames.join(', ')})`);
    } else {
      const checked = checkNumber(pair.slice(at + 1), kappaMinRule(full));
      if (checked.error === null) entries.push([name, checked.value]);
      else rejected.push(`kmin “${pair}”: κ_min of ${name} ${checked.error}`);
    }
  }
  return Object.fromEntries(entries);
}

/** The setup a URL query describes, on top of `base`, and every parameter it could not use. */
export function readSetup(search: string, base: RunConfig = DEFAULT_SETUP): UrlSetup {
  const params = new URLSearchParams(search);
  const rejected: string[] = [];
  const setup: RunConfig = { ...base };

  const model = params.get('model');
  if (model !== null) {
    if (MODEL_IDS.includes(model as ModelId)) {
      // Settings the URL leaves out come from the chosen family's training defaults.
      Object.assign(setup, MODEL_CATALOG[model as ModelId].training, { modelId: model as ModelId });
      if (setup.modelId !== base.modelId) setup.kappaMin = {};
    } else {
      rejected.push(`model=${model}: unknown model (one of ${MODEL_IDS.join(', ')})`);
    }
  }
  const method = params.get('method');
  if (method !== null) {
    if (WIDTH_METHODS.includes(method as WidthMethod)) setup.method = method as WidthMethod;
    else rejected.push(`method=${method}: unknown width method (one of ${WIDTH_METHODS.join(', ')})`);
  }
  const init = params.get('init');
  if (init !== null) {
    if (init === 'scratch' || init === 'pretrained') setup.init = init;
    else rejected.push(`init=${init}: must be scratch or pretrained`);
  }
  for (const [key, field] of Object.entries(NUMERIC_KEYS)) {
    const raw = params.get(key);
    if (raw === null) continue;
    const checked = checkNumber(raw, SETUP_RULES[field]);
    if (checked.error === null) (setup[field] as number) = checked.value;
    else rejected.push(`${key}=${raw}: ${checked.error}`);
  }
  const kappaMin = params.get('kmin');
  if (kappaMin !== null) setup.kappaMin = parseKappaMin(kappaMin, setup.modelId, rejected);

  for (const key of new Set(params.keys())) {
    if (!(KEYS as readonly string[]).includes(key) && !FOREIGN_KEYS.includes(key)) rejected.push(`${key}: unknown parameter`);
  }
  return { setup, rejected };
}

/** The query string for `setup`, keeping the foreign parameters of `current` (and no unknown ones). */
export function serializeSetup(setup: RunConfig, current = ''): string {
  const params = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(current)) if (FOREIGN_KEYS.includes(key)) params.append(key, value);
  params.set('model', setup.modelId);
  params.set('method', setup.method);
  // Both, so a link in budget mode also keeps the α the slider returns to.
  params.set('alpha', String(setup.alpha));
  if (setup.budgetFlopsPerSecond !== null) params.set('budget', String(setup.budgetFlopsPerSecond));
  const kappaMin = Object.entries(setup.kappaMin).map(([name, value]) => `${name}:${value}`);
  if (kappaMin.length > 0) params.set('kmin', kappaMin.join(','));
  params.set('seed', String(setup.seed));
  params.set('steps', String(setup.steps));
  params.set('lr', String(setup.learningRate));
  params.set('klr', String(setup.kappaLearningRate));
  params.set('batch', String(setup.batchSize));
  params.set('uf', String(setup.uniformFraction));
  params.set('eval', String(setup.evalEvery));
  params.set('init', setup.init);
  const query = params.toString().replaceAll('%3A', ':').replaceAll('%2C', ',');
  return query === '' ? '' : `?${query}`;
}
