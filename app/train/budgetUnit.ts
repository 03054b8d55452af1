/** The unit a FLOP/s budget is typed in: MFLOP/s for the VADs (100 calls a second), kFLOP/s for the synthetic MLP. */
import { MODEL_CATALOG } from '../../src/models/catalog';
import type { ModelId } from '../../src/protocol';

export interface BudgetUnit {
  label: 'MFLOP/s' | 'kFLOP/s';
  /** FLOP/s per unit. */
  scale: number;
}

export function budgetUnit(modelId: ModelId): BudgetUnit {
  return MODEL_CATALOG[modelId].input === 'powerSpectrogram' ? { label: 'MFLOP/s', scale: 1e6 } : { label: 'kFLOP/s', scale: 1e3 };
}

/** A FLOP/s value in the unit, without float noise (858 FLOP/s → 0.858). */
export const inUnit = (flopsPerSecond: number, unit: BudgetUnit): number => Number((flopsPerSecond / unit.scale).toPrecision(6));
