import type { BandStatistics, MelOrder } from '../audio/features';
import { Dense } from '../dcl/layers';
import type { Layer } from '../dcl/layer';
import { Network } from '../dcl/network';
import { makeWidth, type WidthSpec } from '../dcl/widthSpec';
import { FixedWidth } from '../dcl/width';
import { DEFAULT_FEATURE_NORMALISATION, LogMel, type FeatureNormalisation } from './logMel';
import { VAD_FRAMES_PER_SECOND } from './vad';
import { CausalMix, FeedForwardBlock, RmsNormLayer, WindowedAttentionBlock } from './transformerLayers';

export const TRANSFORMER_WIDTH_NAMES = ['mel', 'ff1', 'ff2'] as const;
export type TransformerWidthName = (typeof TRANSFORMER_WIDTH_NAMES)[number];
/** d_model is the mel band count (80); one feed-forward inner width per encoder layer. */
export const TRANSFORMER_FULL_SIZES: Readonly<Record<TransformerWidthName, number>> = { mel: 80, ff1: 128, ff2: 128 };
/**
 * Frames each frame attends to (itself and the 31 before it: 320 ms). Chosen on validation over
 * 16 and 64 frames for the full-width model (README, "What held").
 */
export const TRANSFORMER_CONTEXT = 32;
/** The context of transformer weights saved before their provenance recorded it (attentionContext). */
export const UNRECORDED_TRANSFORMER_CONTEXT = 16;
/** Taps of the causal depthwise convolution that gives the attention the frame order. */
export const TRANSFORMER_MIX_KERNEL = 3;

export interface TransformerOptions {
  seed: number;
  /** Per width name; a missing name is learned with κ_min = 1/N. */
  widths?: Partial<Record<TransformerWidthName, WidthSpec>>;
  /** Attention context in frames (default 16). */
  context?: number;
  statistics?: BandStatistics;
  /** Log-mel normalisation (default: logMel.ts's DEFAULT_FEATURE_NORMALISATION, running). */
  features?: FeatureNormalisation;
  /** Which mel bands come first, and so which the mel width (d_model) keeps (default 'ascending'). */
  melOrder?: MelOrder;
}

/**
 * Transformer-like VAD: power spectrogram [B, T, 201] → speech probability per frame [B, T, 1].
 * LogMel (80 bands = d_model) → causal depthwise mix → 2 × [windowed attention, feed-forward]
 * (pre-RMS-norm, residual) → RMS norm → dense → sigmoid. The residual stream width is the
 * mel width, so learning fewer bands narrows the whole model.
 */
export function transformerNetwork({ seed, widths = {}, context = TRANSFORMER_CONTEXT, statistics, features, melOrder }: TransformerOptions): Network {
  const [mel, ff1, ff2] = TRANSFORMER_WIDTH_NAMES.map((n) => makeWidth(n, TRANSFORMER_FULL_SIZES[n], widths[n]));
  const layers: Layer[] = [
    new LogMel('log-mel', mel, { statistics, order: melOrder }, features ?? DEFAULT_FEATURE_NORMALISATION),
    new CausalMix('causal mix', mel, TRANSFORMER_MIX_KERNEL, { seed }),
    new WindowedAttentionBlock('attention 1', mel, context, { seed: seed + 10 }),
    new FeedForwardBlock('feed-forward 1', mel, ff1, { seed: seed + 20 }),
    new WindowedAttentionBlock('attention 2', mel, context, { seed: seed + 30 }),
    new FeedForwardBlock('feed-forward 2', mel, ff2, { seed: seed + 40 }),
    new RmsNormLayer('final norm', mel),
    new Dense('output', mel, new FixedWidth('output', 1), 'sigmoid', { seed: seed + 50 }),
  ];
  return new Network('transformer', layers, VAD_FRAMES_PER_SECOND);
}

/** The attention context of a network's attention blocks (undefined: it has none). */
export function attentionContextOf(network: Network): number | undefined {
  return network.layers.find((layer): layer is WindowedAttentionBlock => layer instanceof WindowedAttentionBlock)?.context;
}
