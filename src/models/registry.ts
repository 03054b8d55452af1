import type { Network } from '../dcl/network';
import type { WidthSpec } from '../dcl/widthSpec';
import type { ModelId } from '../protocol';
import { CRNN_FULL_SIZES, CRNN_WIDTH_NAMES, crnnNetwork } from './crnn';
import { SYNTHETIC_WIDTHS, syntheticNetwork } from './synthetic';
import { TRANSFORMER_FULL_SIZES, TRANSFORMER_WIDTH_NAMES, transformerNetwork } from './transformer';

export interface ModelBuildOptions {
  seed: number;
  /** Per width name; a missing name is learned with κ_min = 1/N. */
  widths?: Record<string, WidthSpec>;
}

export interface ModelFamily {
  id: ModelId;
  displayName: string;
  /** What the network reads: a power spectrogram [B, T, 201] (VAD) or feature vectors [B, 32]. */
  input: 'powerSpectrogram' | 'features';
  /** What it returns: a speech probability per frame [B, T, 1] (train with binary cross-entropy), or a regression value [B, 1]. */
  output: 'speechProbability' | 'regression';
  /** Learnable width names in network order. */
  widthNames: readonly string[];
  /** Full size N of each width. */
  fullSizes: Readonly<Record<string, number>>;
  /** κ_min a run uses unless told otherwise. */
  defaultKappaMin: number;
  build(options: ModelBuildOptions): Network;
}

export const MODEL_FAMILIES: Readonly<Record<ModelId, ModelFamily>> = {
  crnn: {
    id: 'crnn',
    displayName: 'CRNN-like VAD',
    input: 'powerSpectrogram',
    output: 'speechProbability',
    widthNames: CRNN_WIDTH_NAMES,
    fullSizes: CRNN_FULL_SIZES,
    defaultKappaMin: 0.125,
    build: crnnNetwork,
  },
  transformer: {
    id: 'transformer',
    displayName: 'Transformer-like VAD',
    input: 'powerSpectrogram',
    output: 'speechProbability',
    widthNames: TRANSFORMER_WIDTH_NAMES,
    fullSizes: TRANSFORMER_FULL_SIZES,
    defaultKappaMin: 0.125,
    build: transformerNetwork,
  },
  synthetic: {
    id: 'synthetic',
    displayName: 'Synthetic regression (MLP)',
    input: 'features',
    output: 'regression',
    widthNames: Object.keys(SYNTHETIC_WIDTHS),
    fullSizes: SYNTHETIC_WIDTHS,
    defaultKappaMin: 1 / 32,
    build: syntheticNetwork,
  },
};

