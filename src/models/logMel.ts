import * as tf from '@tensorflow/tfjs';
import { LOG_MEL_FLOOR, N_FREQ, N_MELS, melFilterbank, type BandStatistics } from '../audio/features';
import { SAMPLE_RATE } from '../audio/frames';
import type { PrimitiveOp } from '../dcl/count';
import { melFilterbankFlops } from '../dcl/flops';
import { checkLastDim, gateOutput, sliceAxis, type ApplyContext, type Layer, type PlanLookup, type WidthValue } from '../dcl/layer';
import { FixedWidth, type Width } from '../dcl/width';

/**
 * Fallback per-band constants for log(mel + 1e-6): the bundled corpus's training mixtures
 * (speech + noise at −5…25 dB SNR) measure band means from −2 to 5 (≈ 1 on average) and
 * standard deviations of 3.2–3.8. Pass logMelStatistics of the training data instead
 * where it is available.
 */
export const DEFAULT_LOG_MEL_MEAN = 1;
export const DEFAULT_LOG_MEL_STD = 3.5;

/** The fixed tensors of a log-mel front end (none trainable). */
export interface LogMelTensors {
  /** [nFreq, bands] */
  filterbank: tf.Tensor2D;
  /** [bands] per-band mean subtracted after the log. */
  mean: tf.Tensor1D;
  /** [bands] 1 / per-band standard deviation. */
  invStd: tf.Tensor1D;
}

export interface LogMelOptions {
  /** Full number of mel bands of the filterbank the width cuts (default 80). */
  fullBands?: number;
  nFreq?: number;
  sampleRate?: number;
  /** Per-band statistics over the full filterbank (length fullBands). */
  statistics?: BandStatistics;
}

/**
 * Log-mel front end as a layer: power spectrogram [B, T, nFreq] → normalised log-mel
 * [B, T, bands], (log(mel + 1e-6) − mean_b) / std_b, with a width over the mel bands.
 * A learnable width keeps the lowest bands; a fixed width of n units is the lowest n bands
 * of the full filterbank (the same front end a consolidated model ends up with).
 * No parameters: the filterbank and the constants are fixed tensors, not variables.
 * Consolidation only slices; the boundary band's √a folds into the layer that reads it.
 */
export class LogMel implements Layer {
  readonly kind = 'logMel';
  readonly inWidth: Width;
  /** Read by the runtime (src/runtime/) to export the front end. */
  readonly tensors: LogMelTensors;

  constructor(
    readonly name: string,
    readonly outWidth: Width,
    init: LogMelOptions | { tensors: LogMelTensors } = {},
  ) {
    this.tensors = 'tensors' in init ? init.tensors : LogMel.fullTensors(outWidth.full, init);
    const [nFreq, bands] = this.tensors.filterbank.shape;
    if (bands !== outWidth.full) throw new Error(`${name}: filterbank has ${bands} bands, width ${outWidth.name} has ${outWidth.full}`);
    this.inWidth = new FixedWidth('spectrum', nFreq);
  }

  /** The lowest `bands` bands of the full filterbank with their constants. */
  private static fullTensors(bands: number, { fullBands = N_MELS, nFreq = N_FREQ, sampleRate = SAMPLE_RATE, statistics }: LogMelOptions): LogMelTensors {
    if (bands > fullBands) throw new Error(`log-mel: ${bands} bands requested from a ${fullBands}-band filterbank`);
    if (statistics && (statistics.mean.length !== fullBands || statistics.std.length !== fullBands)) {
      throw new Error(`log-mel: statistics must have ${fullBands} bands`);
    }
    return tf.tidy(() => {
      const bank = melFilterbank(fullBands, nFreq, sampleRate);
      const mean = statistics ? tf.tensor1d(statistics.mean) : tf.fill([fullBands], DEFAULT_LOG_MEL_MEAN);
      const std = statistics ? tf.tensor1d(statistics.std) : tf.fill([fullBands], DEFAULT_LOG_MEL_STD);
      return {
        filterbank: sliceAxis(bank, 1, 0, bands) as tf.Tensor2D,
        mean: sliceAxis(mean, 0, 0, bands) as tf.Tensor1D,
        invStd: sliceAxis(tf.div(1, std), 0, 0, bands) as tf.Tensor1D,
      };
    });
  }

  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    checkLastDim(this.name, x, this.inWidth.full);
    return tf.tidy(() => {
      const { filterbank, mean, invStd } = this.tensors;
      const flat = tf.reshape(x, [-1, this.inWidth.full]) as tf.Tensor2D;
      const logMel = tf.log(tf.add(tf.matMul(flat, filterbank), LOG_MEL_FLOOR));
      const normalised = tf.mul(tf.sub(logMel, mean), invStd);
      return gateOutput(tf.reshape(normalised, [...x.shape.slice(0, -1), this.outWidth.full]), this.outWidth, ctx);
    });
  }

  /** The filterbank product (2·n_freq − 1)·n_mels per frame; log and normalisation are not counted (paper convention). */
  flops(k: WidthValue): tf.Scalar {
    return tf.tidy(() => melFilterbankFlops(this.inWidth.full, k(this.outWidth)));
  }

  parameters(): tf.Scalar {
    return tf.scalar(0);
  }

  widths(): Width[] {
    return [this.outWidth];
  }

  primitives(): PrimitiveOp[] {
    const [nFreq, nMels] = this.tensors.filterbank.shape;
    return [{ op: 'melFilterbank', nFreq, nMels }];
  }

  variables(): tf.Variable[] {
    return [];
  }

  consolidate(plan: PlanLookup): LogMel {
    const { keep, width } = plan(this.outWidth);
    const tensors = tf.tidy(() => ({
      filterbank: sliceAxis(this.tensors.filterbank, 1, 0, keep) as tf.Tensor2D,
      mean: sliceAxis(this.tensors.mean, 0, 0, keep) as tf.Tensor1D,
      invStd: sliceAxis(this.tensors.invStd, 0, 0, keep) as tf.Tensor1D,
    }));
    return new LogMel(this.name, width, { tensors });
  }

  dispose(): void {
    tf.dispose([this.tensors.filterbank, this.tensors.mean, this.tensors.invStd]);
  }
}
