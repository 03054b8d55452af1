import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALPHA_MAX, ALPHA_MIN, ALPHA_SLIDER_STEPS, alphaFromPosition, positionFromAlpha } from '../app/train/alphaScale';
import { checkNumber, SETUP_RULES, setupProblems } from '../app/train/setupRules';
import { DEFAULT_SETUP, readSetup, serializeSetup } from '../app/urlState';
import { MODEL_CATALOG } from '../src/models/catalog';
import { MODEL_IDS, WIDTH_METHODS, type ModelId, type RunConfig } from '../src/protocol';

const parseSetup = (search: string, base?: RunConfig): RunConfig => readSetup(search, base).setup;

describe('setup in the URL', () => {
  const setup: RunConfig = {
    ...DEFAULT_SETUP,
    modelId: 'crnn',
    method: 'straightThrough',
    alpha: 0.25,
    kappaMin: { mel: 0.25, gru: 0.125 },
    seed: 7,
    steps: 321,
    learningRate: 3e-3,
    init: 'pretrained',
  };

  it('round-trips a setup', () => {
    expect(readSetup(serializeSetup(setup))).toEqual({ setup, rejected: [] });
  });

  it('round-trips budget mode, keeping the α the slider returns to', () => {
    const budgeted = { ...setup, budgetFlopsPerSecond: 1234.5 };
    const query = serializeSetup(budgeted);
    expect(query).toContain('budget=1234.5');
    expect(parseSetup(query, setup)).toEqual(budgeted);
  });

  it('keeps foreign parameters, drops unknown ones and is readable', () => {
    const query = serializeSetup(setup, '?backend=wasm&alpha=9&zzz=1');
    expect(query).not.toContain('zzz');
    expect(query).toContain('backend=wasm');
    expect(query).toContain('kmin=mel:0.25,gru:0.125');
    expect(new URLSearchParams(query).getAll('alpha')).toEqual(['0.25']);
    expect(readSetup(query).rejected).toEqual([]);
  });

  it("a URL naming a VAD family without training settings gets that family's defaults", () => {
    const parsed = parseSetup('?model=crnn&method=dcl&alpha=0.5');
    expect(parsed).toMatchObject({ modelId: 'crnn', alpha: 0.5, batchSize: 16, learningRate: 3e-3, steps: 300 });
    expect(parseSetup('?model=crnn&batch=8').batchSize).toBe(8);
  });

  it('loads the valid parameters and reports each rejected one (the URLs that were accepted silently)', () => {
    expect(readSetup('')).toEqual({ setup: DEFAULT_SETUP, rejected: [] });
    const { setup: parsed, rejected } = readSetup('?model=foo&steps=-5&batch=0&alpha=1e9&lr=0&seed=3&steps2=1&kmin=input:2,hidden:0.5,x,mel:0.5&uf=0.25');
    expect(parsed).toEqual({ ...DEFAULT_SETUP, seed: 3, uniformFraction: 0.25, kappaMin: { hidden: 0.5 } });
    expect(rejected).toEqual([
      'model=foo: unknown model (one of synthetic, crnn, transformer)',
      'alpha=1e9: must be a number from 0 to 30',
      'steps=-5: must be a whole number from 1 to 100000',
      'lr=0: must be a number above 0 to 10',
      'batch=0: must be a whole number from 1 to 1024',
      'kmin “input:2”: κ_min of input must be a number from 0.03125 to 1',
      'kmin “x”: expected width:value, e.g. input:0.25',
      'kmin “mel:0.5”: Synthetic regression (MLP) has no width “mel” (it has input, hidden)',
      'steps2: unknown parameter',
    ]);
    expect(readSetup('?steps=2.5&lr=abc&method=magic&init=x').rejected).toEqual([
      'method=magic: unknown width method (one of dcl, uniform, straightThrough)',
      'init=x: must be scratch or pretrained',
      'steps=2.5: must be a whole number from 1 to 100000',
      'lr=abc: “abc” is not a number: it must be a number above 0 to 10',
    ]);
  });

  it('round-trips every valid setup exactly (property test)', () => {
    const number = (key: keyof typeof SETUP_RULES) => {
      const rule = SETUP_RULES[key];
      return rule.integer === true
        ? fc.integer({ min: rule.min, max: rule.max })
        : fc.double({ min: rule.min, max: rule.max, noNaN: true, noDefaultInfinity: true }).filter((v) => !(rule.minExclusive === true && v <= rule.min) && !Object.is(v, -0));
    };
    const kappaMins = (modelId: ModelId) =>
      fc.record(
        Object.fromEntries(MODEL_CATALOG[modelId].widthNames.map((name) => [name, fc.double({ min: 1 / MODEL_CATALOG[modelId].fullSizes[name]!, max: 1, noNaN: true })])),
        { requiredKeys: [] },
      ) as fc.Arbitrary<Record<string, number>>;
    const setups = fc.constantFrom(...MODEL_IDS).chain((modelId) =>
      fc.record({
        modelId: fc.constant(modelId),
        method: fc.constantFrom(...WIDTH_METHODS),
        alpha: fc.oneof(fc.constant(0), number('alpha')),
        budgetFlopsPerSecond: fc.option(number('budgetFlopsPerSecond'), { nil: null }),
        steps: number('steps'),
        batchSize: number('batchSize'),
        learningRate: number('learningRate'),
        kappaLearningRate: number('kappaLearningRate'),
        kappaMin: kappaMins(modelId),
        uniformFraction: number('uniformFraction'),
        seed: number('seed'),
        evalEvery: number('evalEvery'),
        init: fc.constantFrom('scratch' as const, 'pretrained' as const),
      }),
    );
    fc.assert(
      fc.property(setups, fc.constantFrom('', '?backend=wasm'), (generated, foreign) => {
        expect(setupProblems(generated)).toEqual([]);
        const query = serializeSetup(generated, foreign);
        expect(readSetup(query)).toEqual({ setup: generated, rejected: [] });
        expect(serializeSetup(readSetup(query).setup, foreign)).toBe(query);
      }),
      { numRuns: 500 },
    );
  });
});

describe('setup rules', () => {
  it('say why a typed value is not allowed', () => {
    expect(checkNumber('0', SETUP_RULES.steps).error).toBe('must be a whole number from 1 to 100000');
    expect(checkNumber('2.5', SETUP_RULES.steps).error).toBe('must be a whole number from 1 to 100000');
    expect(checkNumber(' 12 ', SETUP_RULES.steps)).toEqual({ value: 12, error: null });
    expect(checkNumber('1e-9', { min: 1 / 32, max: 1 }).error).toBe('must be a number from 0.03125 to 1');
    expect(checkNumber('-1', SETUP_RULES.learningRate).error).toBe('must be a number above 0 to 10');
    expect(checkNumber('0x10', SETUP_RULES.batchSize).error).toContain('is not a number');
    expect(checkNumber('Infinity', SETUP_RULES.budgetFlopsPerSecond).error).toContain('is not a number');
    expect(checkNumber('', SETUP_RULES.seed).error).toBe('is empty: it must be a whole number from 0 to 2147483647');
  });

  it('find every problem of a setup the worker must not get', () => {
    expect(setupProblems(DEFAULT_SETUP)).toEqual([]);
    expect(setupProblems({ ...DEFAULT_SETUP, steps: 0, alpha: 1e9, kappaMin: { hidden: 1e-9, mel: 0.5 } })).toEqual([
      'steps 0 must be a whole number from 1 to 100000',
      'α 1000000000 must be a number from 0 to 30',
      'κ_min hidden 1e-9 must be a number from 0.03125 to 1',
      'κ_min for “mel”: Synthetic regression (MLP) has no such width',
    ]);
  });
});

describe('α slider scale', () => {
  it('has an exact zero and spans 1e-3 … 30 on a log scale', () => {
    expect(alphaFromPosition(0)).toBe(0);
    expect(alphaFromPosition(1)).toBeCloseTo(ALPHA_MIN, 6);
    expect(alphaFromPosition(ALPHA_SLIDER_STEPS)).toBeCloseTo(ALPHA_MAX, 6);
    expect(positionFromAlpha(0)).toBe(0);
    for (let position = 0; position <= ALPHA_SLIDER_STEPS; position += 7) {
      expect(positionFromAlpha(alphaFromPosition(position))).toBe(position);
    }
  });
});
