/**
 * Kept weights of a finished run: read from a network and loaded into a fresh one of the same
 * setup (weights and widths κ equal), refused with a clear message for another model; and kept
 * beside the run in the page's store (saved, loaded, deleted with the run, cleared with all),
 * here through its in-memory fallback (Node has no IndexedDB; the browser test covers IndexedDB).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearRuns, deleteRun, loadRuns, loadRunWeights, saveRun, saveRunWeights, useKeptWeightIds } from '../app/runs/runStore';
import { loadRunCurves, saveRunCurves } from '../app/runs/runCurves';
import { useAppStore } from '../app/store';
import { DEFAULT_SETUP } from '../app/urlState';
import { MODEL_FAMILIES } from '../src/models/registry';
import type { RunConfig } from '../src/protocol';
import { exportModel } from '../src/runtime/exportModel';
import { applyKeptWeights, atWidthsConfig, keepWeights, keptAttentionContext, keptWeightBytes, startingWeightsProblem } from '../src/train/keptWeights';
import { atWidthsOptions } from '../src/train/vadTask';
import { storedSummary } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const kappaValues = async (network: ReturnType<typeof MODEL_FAMILIES.crnn.build>) =>
  Promise.all(network.learnableWidths().map(async (w) => (await w.kappa.data())[0]));

describe('kept weights of a network', () => {
  it('load into a fresh network of the same setup: every tensor and every κ equal', async () => {
    const trained = MODEL_FAMILIES.crnn.build({ seed: 1 });
    const widths = trained.learnableWidths();
    widths.forEach((w, i) => w.setKappa(0.4 + 0.1 * i));
    const kept = await keepWeights(trained);
    const fresh = MODEL_FAMILIES.crnn.build({ seed: 2 });
    const differentBefore = (await fresh.weightVariables()[0]!.data())[0] !== (await trained.weightVariables()[0]!.data())[0];
    applyKeptWeights(fresh, kept, 'test');
    expect(differentBefore).toBe(true);
    expect(await kappaValues(fresh)).toEqual(await kappaValues(trained));
    for (const [i, variable] of fresh.weightVariables().entries()) {
      expect(Array.from(await variable.data())).toEqual(Array.from(await trained.weightVariables()[i]!.data()));
    }
    trained.dispose();
    fresh.dispose();
  });

  it('are refused, saying why, by another model or with a κ out of range', async () => {
    const crnn = MODEL_FAMILIES.crnn.build({ seed: 1 });
    const transformer = MODEL_FAMILIES.transformer.build({ seed: 1 });
    const kept = await keepWeights(crnn);
    expect(() => applyKeptWeights(transformer, kept, 'run r1')).toThrow(/run r1: weights are for "crnn/);
    const badKappa = { ...kept, kappa: kept.kappa.map((k, i) => (i === 0 ? { ...k, value: NaN } : k)) };
    expect(() => applyKeptWeights(crnn, badKappa, 'run r1')).toThrow(/κ of mel is NaN/);
    crnn.dispose();
    transformer.dispose();
  });

  it('of a transformer carry its attention context: a continued run is built at it, another context is refused', async () => {
    const trained = MODEL_FAMILIES.transformer.build({ seed: 1, context: 12 });
    const kept = await keepWeights(trained);
    expect(kept.attentionContext).toBe(12);
    expect(keptAttentionContext(kept)).toBe(12);
    const atDefault = MODEL_FAMILIES.transformer.build({ seed: 2 });
    expect(() => applyKeptWeights(atDefault, kept, 'run r2')).toThrow(/run r2: weights attend over 12 frames, the model over 32/);
    const same = MODEL_FAMILIES.transformer.build({ seed: 2, context: keptAttentionContext(kept) });
    applyKeptWeights(same, kept, 'run r2');
    // Kept before the context was recorded: the 16 frames every earlier transformer used.
    const { attentionContext: _, ...older } = kept;
    expect(keptAttentionContext(older)).toBe(16);
    expect(keptAttentionContext(await keepWeights(atDefault))).toBe(32);
    const crnn = MODEL_FAMILIES.crnn.build({ seed: 1 });
    expect(keptAttentionContext(await keepWeights(crnn))).toBeUndefined();
    [trained, atDefault, same, crnn].forEach((n) => n.dispose());
  });

  it('go with a continued run and only with one', async () => {
    const network = MODEL_FAMILIES.synthetic.build({ seed: 1 });
    const kept = await keepWeights(network);
    const continued: RunConfig = { ...DEFAULT_SETUP, continuedFrom: 'r1' };
    expect(startingWeightsProblem(continued, kept)).toBeNull();
    expect(startingWeightsProblem(DEFAULT_SETUP, undefined)).toBeNull();
    expect(startingWeightsProblem(continued, undefined)).toMatch(/continues run r1, whose kept weights did not come with it/);
    expect(startingWeightsProblem(DEFAULT_SETUP, kept)).toMatch(/names no run to continue/);
    network.dispose();
  });

  it('a consolidated model goes with a run at its widths and only with one', async () => {
    const network = MODEL_FAMILIES.crnn.build({ seed: 1 });
    network.learnableWidths().forEach((w) => w.setKappa(0.5));
    const model = await exportModel(network, { name: 'crnn r3' });
    const source: RunConfig = { ...DEFAULT_SETUP, modelId: 'crnn', method: 'dcl', alpha: 0.3, init: 'pretrained', continuedFrom: 'r2', distillation: 0.5, budgetInterval: { low: 0.2, high: 0.3, weight: 1 } };
    const atWidths = atWidthsConfig(source, 'r3');
    // Fixed widths, the whole of the smaller model, its own weights: nothing of the learned-width setup stays.
    expect(atWidths).toEqual({ ...DEFAULT_SETUP, modelId: 'crnn', method: 'uniform', uniformFraction: 1, alpha: 0, budgetFlopsPerSecond: null, init: 'scratch', trainedAtWidthsOf: { runId: 'r3', learnedBy: 'dcl' } });
    // Trained on again, it still names the method that learned the widths.
    expect(atWidthsConfig(atWidths, 'r4').trainedAtWidthsOf).toEqual({ runId: 'r4', learnedBy: 'dcl' });
    expect(startingWeightsProblem(atWidths, undefined, model)).toBeNull();
    expect(startingWeightsProblem(atWidths, undefined)).toMatch(/trains at the widths of run r3, whose consolidated model did not come with it/);
    expect(startingWeightsProblem(DEFAULT_SETUP, undefined, model)).toMatch(/names no run whose widths it trains at/);
    const kept = await keepWeights(network);
    expect(startingWeightsProblem({ ...atWidths, continuedFrom: 'r3' }, kept, model)).toMatch(/both kept weights and a consolidated model/);
    // The task it makes trains that model: same widths, its scenes not those of the run's own seed.
    const options = atWidthsOptions(model, atWidths.seed);
    expect(options.trainingBatchSeed).not.toBe(atWidths.seed);
    expect(options.consolidatedStart!.architecture).toEqual(model.architecture);
    network.dispose();
  });

  it('cost about the network\'s float32 bytes, plus the consolidated model for a VAD (README)', async () => {
    for (const family of ['crnn', 'transformer'] as const) {
      const network = MODEL_FAMILIES[family].build({ seed: 1 });
      network.learnableWidths().forEach((w) => w.setKappa(0.5));
      const training = keptWeightBytes(await keepWeights(network));
      const model = (await exportModel(network, { name: family })).weightData.byteLength;
      const parameters = network.weightVariables().reduce((sum, v) => sum + v.size, 0);
      expect(training).toBe(4 * parameters);
      console.log(`${family}: training weights ${training} B, consolidated model at κ 0.5 ${model} B, total ${training + model} B`);
      network.dispose();
    }
  });
});


describe('kept weights in the page store (in memory without IndexedDB)', () => {
  it('are saved beside their run, loaded, deleted with it (its curves too), and cleared with all runs', async () => {
    const network = MODEL_FAMILIES.synthetic.build({ seed: 1 });
    const weights = await keepWeights(network);
    network.dispose();
    for (const id of ['a', 'b', 'c']) {
      await saveRun(storedSummary(id, id.charCodeAt(0)));
      if (id !== 'c') await saveRunWeights({ runId: id, weights, model: null });
      useAppStore.setState({ runId: id });
      saveRunCurves(id);
    }
    expect(await loadRunCurves('a')).not.toBeNull();
    await loadRuns();
    expect(useKeptWeightIds.getState()).toMatchObject({ loaded: true, ids: new Set(['a', 'b']) });
    const loaded = await loadRunWeights('a');
    expect(loaded?.weights.tensors.map((t) => Array.from(t.values))).toEqual(weights.tensors.map((t) => Array.from(t.values)));
    expect(await loadRunWeights('c')).toBeNull();

    await deleteRun('a');
    expect(await loadRunWeights('a')).toBeNull();
    expect(await loadRunWeights('b')).not.toBeNull();
    expect(useKeptWeightIds.getState().ids).toEqual(new Set(['b']));
    expect(await loadRunCurves('a')).toBeNull();
    expect(await loadRunCurves('b')).not.toBeNull();

    await clearRuns();
    expect(await loadRunWeights('b')).toBeNull();
    expect(useKeptWeightIds.getState().ids).toEqual(new Set());
    expect(await loadRunCurves('b')).toBeNull();
    expect((await loadRuns()).runs).toEqual([]);
  });
});
