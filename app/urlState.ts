/**
 * The run setup in the page URL, so that a copied link reproduces it:
 * `?model=synthetic&method=dcl&alpha=0.1&kmin=input:0.25,hidden:0.125&seed=1&steps=500&lr=0.01`.
 * Parameters this module does not own (e.g. `backend`) are left untouched.
 */
import { MODEL_CATALOG } from '../src/models/catalog';
import { MODEL_IDS, WIDTH_METHODS, type ModelId, type RunConfig, type WidthMethod } from '../src/protocol';

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

/** Keys this module reads and writes. */
const KEYS = ['model', 'method', 'alpha', 'budget', 'kmin', 'seed', 'steps', 'lr', 'klr', 'batch', 'uf', 'eval', 'init'] as const;

function number(params: URLSearchParams, key: string, fallback: number, valid: (n: number) => boolean): number {
  const raw = params.get(key);
  if (raw === null || raw.trim() === '') return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && valid(value) ? value : fallback;
}

const positive = (n: number) => n > 0;
const count = (n: number) => Number.isInteger(n) && n >= 1;

function parseKappaMin(raw: string | null): Record<string, number> {
  if (raw === null || raw === '') return {};
  const entries: [string, number][] = [];
  for (const pair of raw.split(',')) {
    const at = pair.lastIndexOf(':');
    if (at <= 0) continue;
    const value = Number(pair.slice(at + 1));
    if (Number.isFinite(value) && value > 0 && value <= 1) entries.push([pair.slice(0, at), value]);
  }
  return Object.fromEntries(entries);
}

export function parseSetup(search: string, base: RunConfig = DEFAULT_SETUP): RunConfig {
  const params = new URLSearchParams(search);
  const model = params.get('model');
  // Settings the URL leaves out come from the chosen family's training defaults.
  const defaults = MODEL_IDS.includes(model as ModelId) ? { ...base, ...MODEL_CATALOG[model as ModelId].training } : base;
  const method = params.get('method');
  const budget = number(params, 'budget', NaN, positive);
  return {
    modelId: MODEL_IDS.includes(model as ModelId) ? (model as ModelId) : defaults.modelId,
    method: WIDTH_METHODS.includes(method as WidthMethod) ? (method as WidthMethod) : defaults.method,
    alpha: number(params, 'alpha', defaults.alpha, (n) => n >= 0),
    budgetFlopsPerSecond: Number.isNaN(budget) ? defaults.budgetFlopsPerSecond : budget,
    steps: number(params, 'steps', defaults.steps, count),
    batchSize: number(params, 'batch', defaults.batchSize, count),
    learningRate: number(params, 'lr', defaults.learningRate, positive),
    kappaLearningRate: number(params, 'klr', defaults.kappaLearningRate, (n) => n >= 0),
    kappaMin: params.has('kmin') ? parseKappaMin(params.get('kmin')) : defaults.kappaMin,
    uniformFraction: number(params, 'uf', defaults.uniformFraction, (n) => n > 0 && n <= 1),
    seed: number(params, 'seed', defaults.seed, Number.isInteger),
    evalEvery: number(params, 'eval', defaults.evalEvery, count),
    init: params.get('init') === 'pretrained' ? 'pretrained' : params.get('init') === 'scratch' ? 'scratch' : defaults.init,
  };
}

/** The query string for `setup`, keeping the foreign parameters of `current`. */
export function serializeSetup(setup: RunConfig, current = ''): string {
  const params = new URLSearchParams(current);
  for (const key of KEYS) params.delete(key);
  params.set('model', setup.modelId);
  params.set('method', setup.method);
  if (setup.budgetFlopsPerSecond !== null) params.set('budget', String(setup.budgetFlopsPerSecond));
  else params.set('alpha', String(setup.alpha));
  const kappaMin = Object.entries(setup.kappaMin).map(([name, value]) => `${name}:${value}`);
  if (kappaMin.length > 0) params.set('kmin', kappaMin.join(','));
  params.set('seed', String(setup.seed));
  params.set('steps', String(setup.steps));
  params.set('lr', String(setup.learningRate));
  params.set('klr', String(setup.kappaLearningRate));
  params.set('batch', String(setup.batchSize));
  if (setup.method === 'uniform') params.set('uf', String(setup.uniformFraction));
  params.set('eval', String(setup.evalEvery));
  params.set('init', setup.init);
  const query = params.toString().replaceAll('%3A', ':').replaceAll('%2C', ',');
  return query === '' ? '' : `?${query}`;
}
