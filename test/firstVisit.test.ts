import { describe, expect, it } from 'vitest';
import { FIRST_VISIT_SETUP, isFirstVisit, setupBase } from '../app/train/firstVisit';
import { budgetUnit, inUnit } from '../app/train/budgetUnit';
import { setupProblems } from '../app/train/setupRules';
import { DEFAULT_SETUP, readSetup, serializeSetup } from '../app/urlState';

const load = (search: string) => readSetup(search, setupBase(search));

describe('first visit', () => {
  it('with no setting in the URL shows the pretrained CRNN shrinking under the sweep’s α', () => {
    expect(isFirstVisit('')).toBe(true);
    expect(isFirstVisit('?backend=wasm')).toBe(true);
    expect(load('?backend=wasm')).toEqual({ setup: FIRST_VISIT_SETUP, rejected: [] });
    expect(FIRST_VISIT_SETUP).toMatchObject({ modelId: 'crnn', method: 'dcl', init: 'pretrained', budgetFlopsPerSecond: null });
    expect(FIRST_VISIT_SETUP.alpha).toBeGreaterThan(0);
    expect(setupProblems(FIRST_VISIT_SETUP)).toEqual([]);
  });

  it('a URL naming any setting reads it from the plain defaults (synthetic is one parameter away)', () => {
    expect(isFirstVisit('?backend=wasm&steps=20')).toBe(false);
    expect(load('?backend=wasm&model=synthetic').setup).toEqual({ ...DEFAULT_SETUP, modelId: 'synthetic' });
    expect(load('?model=synthetic').setup).toMatchObject({ alpha: 0, init: 'scratch' });
  });

  it('the first-visit setup, once written to the URL, reads back the same', () => {
    const query = serializeSetup(FIRST_VISIT_SETUP);
    expect(load(query)).toEqual({ setup: FIRST_VISIT_SETUP, rejected: [] });
  });
});

describe('budget unit', () => {
  it('is MFLOP/s for the VADs and kFLOP/s for the synthetic MLP, shown without float noise', () => {
    expect(budgetUnit('crnn')).toEqual({ label: 'MFLOP/s', scale: 1e6 });
    expect(budgetUnit('transformer').label).toBe('MFLOP/s');
    expect(budgetUnit('synthetic')).toEqual({ label: 'kFLOP/s', scale: 1e3 });
    expect(inUnit(858, budgetUnit('synthetic'))).toBe(0.858);
    expect(inUnit(1_234_567, budgetUnit('crnn'))).toBe(1.23457);
  });
});
