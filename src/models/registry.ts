import type { Network } from '../dcl/network';
import type { WidthSpec } from '../dcl/widthSpec';
import { MODEL_IDS, type ModelId } from '../protocol';
import { MODEL_CATALOG, type ModelCatalogEntry } from './catalog';
import type { MelOrder } from '../audio/features';
import type { FeatureNormalisation } from './logMel';
import { CRNN_FULL_SIZES, CRNN_WIDTH_NAMES, crnnNetwork } from './crnn';
import { SYNTHETIC_WIDTHS, syntheticNetwork } from './synthetic';
import { TRANSFORMER_FULL_SIZES, TRANSFORMER_WIDTH_NAMES, transformerNetwork } from './transformer';

export interface ModelBuildOptions {
  seed: number;
  /** Per width name; a missing name is learned with κ_min = 1/N. */
  widths?: Record<string, WidthSpec>;
  /** VAD models: log-mel normalisation (logMel.ts); ignored by the synthetic model. */
  features?: FeatureNormalisation;
  /** Transformer: frames each frame attends to (default TRANSFORMER_CONTEXT); ignored by the others. */
  context?: number;
  /** VAD models: which mel bands come first, and so which the mel width keeps (default 'ascending'). */
  melOrder?: MelOrder;
}

/** A catalog entry (src/models/catalog.ts, plain data the UI reads too) with its build function. */
export interface ModelFamily extends ModelCatalogEntry {
  build(options: ModelBuildOptions): Network;
}

interface Builder {
  /** The widths the model module itself declares, checked against the catalog. */
  widthNames: readonly string[];
  fullSizes: Readonly<Record<string, number>>;
  build(options: ModelBuildOptions): Network;
}

const BUILDERS: Readonly<Record<ModelId, Builder>> = {
  crnn: { widthNames: CRNN_WIDTH_NAMES, fullSizes: CRNN_FULL_SIZES, build: crnnNetwork },
  transformer: { widthNames: TRANSFORMER_WIDTH_NAMES, fullSizes: TRANSFORMER_FULL_SIZES, build: transformerNetwork },
  synthetic: { widthNames: Object.keys(SYNTHETIC_WIDTHS), fullSizes: SYNTHETIC_WIDTHS, build: syntheticNetwork },
};

/** The catalog is hand-written plain data: a width that drifts from its model module fails loudly here. */
function family(id: ModelId): ModelFamily {
  const entry = MODEL_CATALOG[id];
  const builder = BUILDERS[id];
  const declared = JSON.stringify(builder.widthNames.map((name) => [name, builder.fullSizes[name]]));
  const catalogued = JSON.stringify(entry.widthNames.map((name) => [name, entry.fullSizes[name]]));
  if (declared !== catalogued) throw new Error(`src/models/catalog.ts disagrees with the ${id} model: widths ${catalogued} vs ${declared}`);
  return { ...entry, build: builder.build };
}

export const MODEL_FAMILIES: Readonly<Record<ModelId, ModelFamily>> = {
  crnn: family('crnn'),
  transformer: family('transformer'),
  synthetic: family('synthetic'),
};

/**
 * Every model's full-width FLOP/s, C(K_max), counted from a freshly built network's weight
 * shapes (the widths' values do not enter): what the page needs before any run, to set its axes.
 */
export function fullFlopsOfModels(): Record<ModelId, number> {
  return Object.fromEntries(
    MODEL_IDS.map((id) => {
      const network = MODEL_FAMILIES[id].build({ seed: 0 });
      try {
        return [id, network.fullFlopsPerSecond()];
      } finally {
        network.dispose();
      }
    }),
  ) as Record<ModelId, number>;
}
