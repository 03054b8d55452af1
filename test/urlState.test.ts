import { describe, expect, it } from 'vitest';
import { ALPHA_MAX, ALPHA_MIN, ALPHA_SLIDER_STEPS, alphaFromPosition, positionFromAlpha } from '../app/alphaScale';
import { DEFAULT_SETUP, parseSetup, serializeSetup } from '../app/urlState';
import type { RunConfig } from '../src/protocol';

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
    expect(parseSetup(serializeSetup(setup))).toEqual(setup);
  });

  it('round-trips budget mode (the budget replaces α)', () => {
    const budgeted = { ...setup, budgetFlopsPerSecond: 1234.5 };
    const query = serializeSetup(budgeted);
    expect(query).toContain('budget=1234.5');
    expect(query).not.toContain('alpha=');
    expect(parseSetup(query, setup)).toEqual(budgeted);
  });

  it('keeps foreign parameters and is readable', () => {
    const query = serializeSetup(setup, '?backend=wasm&alpha=9');
    expect(query).toContain('backend=wasm');
    expect(query).toContain('kmin=mel:0.25,gru:0.125');
    expect(new URLSearchParams(query).getAll('alpha')).toEqual(['0.25']);
  });

  it('a URL naming a VAD family without training settings gets that family\'s defaults', () => {
    const setup = parseSetup('?model=crnn&method=dcl&alpha=0.5');
    expect(setup).toMatchObject({ modelId: 'crnn', alpha: 0.5, batchSize: 16, learningRate: 3e-3, steps: 300 });
    expect(parseSetup('?model=crnn&batch=8').batchSize).toBe(8);
  });

  it('falls back to defaults for missing or invalid values', () => {
    expect(parseSetup('')).toEqual(DEFAULT_SETUP);
    const parsed = parseSetup('?model=gpt&method=magic&alpha=-1&steps=2.5&lr=abc&seed=3&kmin=a:2,b:0.5,c');
    expect(parsed).toEqual({ ...DEFAULT_SETUP, seed: 3, kappaMin: { b: 0.5 } });
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
