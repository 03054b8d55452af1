import * as tf from '@tensorflow/tfjs';
import type { BandStatistics, MelOrder } from '../audio/features';
import { CausalConv1d, Dense, GRU } from '../dcl/layers';
import { Network } from '../dcl/network';
import { makeWidth, type WidthSpec } from '../dcl/widthSpec';
import { FixedWidth } from '../dcl/width';
import { DEFAULT_FEATURE_NORMALISATION, LogMel, type FeatureNormalisation } from './logMel';
import { VAD_FRAMES_PER_SECOND } from './vad';

export const CRNN_WIDTH_NAMES = ['mel', 'conv', 'gru'] as const;
export type CrnnWidthName = (typeof CRNN_WIDTH_NAMES)[number];
export const CRNN_FULL_SIZES: Readonly<Record<CrnnWidthName, number>> = { mel: 80, conv: 32, gru: 32 };

export interface CrnnOptions {
  seed: number;
  /** Per width name; a missing name is learned with κ_min = 1/N. */
  widths?: Partial<Record<CrnnWidthName, WidthSpec>>;
  /** Causal convolution kernel in frames (default 3). */
  kernelSize?: number;
  statistics?: BandStatistics;
  /** Log-mel normalisation (default: logMel.ts's DEFAULT_FEATURE_NORMALISATION, running). */
  features?: FeatureNormalisation;
  /** Which mel bands come first, and so which the mel width keeps (default 'ascending'). */
  melOrder?: MelOrder;
}

/**
 * CRNN-like VAD: power spectrogram [B, T, 201] → speech probability per frame [B, T, 1].
 * LogMel (80 bands) → causal conv (32 channels, ReLU) → GRU (32) → dense → sigmoid.
 * Every hidden width may be learned (DCL) or fixed; the reader of each follows it (ACL).
 */
export function crnnNetwork({ seed, widths = {}, kernelSize = 3, statistics, features, melOrder }: CrnnOptions): Network {
  const [mel, conv, gru] = CRNN_WIDTH_NAMES.map((n) => makeWidth(n, CRNN_FULL_SIZES[n], widths[n]));
  return new Network(
    'crnn',
    [
      new LogMel('log-mel', mel, { statistics, order: melOrder }, features ?? DEFAULT_FEATURE_NORMALISATION),
      new CausalConv1d('conv', mel, conv, kernelSize, 'relu', { seed }),
      new GRU('gru', conv, gru, { seed: seed + 1 }),
      new Dense('output', gru, new FixedWidth('output', 1), 'sigmoid', { seed: seed + 3 }),
    ],
    VAD_FRAMES_PER_SECOND,
  );
}

/**
 * A CRNN whose log-mel lists its bands in `order` (band order[j] as unit j), loaded with weights
 * trained on ascending bands, made to compute what those weights computed: the convolution's
 * input channels are gathered the same way.
 */
export function gatherMelInputs(network: Network, order: readonly number[]): void {
  const conv = network.layers.find((layer): layer is CausalConv1d => layer instanceof CausalConv1d && layer.inWidth.name === 'mel');
  if (!conv) throw new Error(`${network.name}: no convolution reads the mel bands`);
  if (order.length !== conv.inWidth.full) throw new Error(`${network.name}: a band order of ${order.length} bands for ${conv.inWidth.full} mel inputs`);
  tf.tidy(() => conv.kernel.assign(tf.gather(conv.kernel, tf.tensor1d(Array.from(order), 'int32'), 1)));
}
