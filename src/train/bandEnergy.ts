import * as tf from '@tensorflow/tfjs';
import { LOG_MEL_FLOOR, N_FREQ } from '../audio/features';
import { SAMPLE_RATE } from '../audio/frames';
import type { PrimitiveOp } from '../dcl/count';
import { melFilterbankFlops } from '../dcl/flops';
import { checkLastDim, type Layer } from '../dcl/layer';
import { Network } from '../dcl/network';
import { FixedWidth } from '../dcl/width';
import { VAD_FRAMES_PER_SECOND } from '../models/vad';

/** The speech band of the baseline detector (telephone band, where voiced speech carries its energy). */
export const SPEECH_BAND_HZ = { low: 300, high: 4000 } as const;

/**
 * A zero-parameter VAD baseline: each frame's log energy in 300–4000 Hz, read from the same
 * power spectrogram the models get. It is a one-band filterbank (weight 1 on the bins in the
 * band, 0 elsewhere), so a training task scores it like any model (`task.evaluate`), on the
 * same scenes with the same metrics. A trained VAD that does not beat it clearly has not
 * learned more than "speech is loud in the speech band".
 */
export class BandEnergy implements Layer {
  readonly kind = 'bandEnergy';
  readonly inWidth: FixedWidth;
  readonly outWidth = new FixedWidth('score', 1);
  private readonly band: tf.Tensor2D; // [nFreq, 1]

  constructor(
    readonly name = 'band energy',
    nFreq = N_FREQ,
    sampleRate = SAMPLE_RATE,
    { low, high }: { low: number; high: number } = SPEECH_BAND_HZ,
  ) {
    if (!(low >= 0 && high > low && high <= sampleRate / 2)) throw new Error(`${name}: band ${low}–${high} Hz is not within 0–${sampleRate / 2} Hz`);
    this.inWidth = new FixedWidth('spectrum', nFreq);
    const binHz = sampleRate / (2 * (nFreq - 1));
    const weights = Float32Array.from({ length: nFreq }, (_, k) => (k * binHz >= low && k * binHz <= high ? 1 : 0));
    if (!weights.some((w) => w === 1)) throw new Error(`${name}: no frequency bin lies in ${low}–${high} Hz`);
    this.band = tf.tensor2d(weights, [nFreq, 1]);
  }

  /** Power spectrogram [B, T, nFreq] → log band energy [B, T, 1] (higher = more likely speech). */
  apply(x: tf.Tensor): tf.Tensor {
    checkLastDim(this.name, x, this.inWidth.full);
    return tf.tidy(() => {
      const energy = tf.matMul(tf.reshape(x, [-1, this.inWidth.full]) as tf.Tensor2D, this.band);
      return tf.reshape(tf.log(tf.add(energy, LOG_MEL_FLOOR)), [...x.shape.slice(0, -1), 1]);
    });
  }

  flops(): tf.Scalar {
    return tf.tidy(() => melFilterbankFlops(this.inWidth.full, tf.scalar(1)));
  }

  parameters(): tf.Scalar {
    return tf.scalar(0);
  }

  widths(): FixedWidth[] {
    return [this.inWidth, this.outWidth];
  }

  primitives(): PrimitiveOp[] {
    return [{ op: 'melFilterbank', nFreq: this.inWidth.full, nMels: 1 }];
  }

  variables(): tf.Variable[] {
    return [];
  }

  consolidate(): BandEnergy {
    return this;
  }

  dispose(): void {
    this.band.dispose();
  }
}

/** The band-energy baseline as a network a VAD task can score. */
export function bandEnergyNetwork(): Network {
  return new Network('band energy', [new BandEnergy()], VAD_FRAMES_PER_SECOND);
}
