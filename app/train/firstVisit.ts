/**
 * What a first visit shows: the pretrained CRNN VAD with an α that visibly shrinks it within
 * about a minute, its accuracy scored before the first step. A URL that names any setting
 * (a copied link, a test) describes its setup from the plain defaults instead.
 */
import { MODEL_CATALOG } from '../../src/models/catalog';
import type { RunConfig } from '../../src/protocol';
import { VAD_DCL_ALPHA } from '../../src/train/sweepPlan';
import { DEFAULT_SETUP, FOREIGN_KEYS } from '../urlState';

export const FIRST_VISIT_SETUP: RunConfig = {
  ...DEFAULT_SETUP,
  modelId: 'crnn',
  ...MODEL_CATALOG.crnn.training,
  kappaMin: {},
  init: 'pretrained',
  // The command-line VAD sweep's α: from full width, the FLOP/s fall by a quarter within ten steps or so.
  alpha: VAD_DCL_ALPHA,
  // Smaller batches than the sweep's 16: several steps a second on a laptop, so the widths move within a minute.
  batchSize: 8,
  steps: 200,
  evalEvery: 20,
};

/** True when the query names no setting of the run (only foreign ones such as `backend`, or none). */
export function isFirstVisit(search: string): boolean {
  return [...new URLSearchParams(search).keys()].every((key) => FOREIGN_KEYS.includes(key));
}

/** The setup URL settings are read on top of: the first-visit demo, or the plain defaults. */
export const setupBase = (search: string): RunConfig => (isFirstVisit(search) ? FIRST_VISIT_SETUP : DEFAULT_SETUP);
