import * as tf from '@tensorflow/tfjs';
import { LOG_MEL_FLOOR, N_FREQ, N_MELS, melBandOrder, melFilterbank, type BandStatistics, type MelOrder } from '../audio/features';
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

/**
 * How log-mel features are normalised per band:
 * - 'global': (log-mel − mean_b) / std_b with constants fixed from training data (the first
 *   front end). Depends on the absolute level and on each band's typical energy, so a quiet
 *   input or an empty 4–8 kHz band looks like nothing the model was trained on.
 * - 'running': log-mel minus its causal running mean per band (an average over all frames so far
 *   while fewer than `timeConstantFrames`, then an exponential average with that time constant),
 *   divided by std_b. A gain or a fixed EQ adds a constant per band to log-mel, so after the
 *   first frame it cancels exactly; an empty band stays at 0 instead of far below the mean.
 *   Frame t depends on frames ≤ t only (streamable with one running mean per band).
 */
export type FeatureNormalisation = ({ kind: 'global' } | { kind: 'running'; timeConstantFrames: number }) & {
  /**
   * The floor of log(mel + floor). Absent: LOG_MEL_FLOOR, which every bundled model uses. It
   * lies above the quietest bands of quiet audio, so there a level change still moves the
   * features; lower floors (`npm run sweep -- vad --log-floor`) did not improve validation and
   * lost on the unseen test audio (README).
   */
  logFloor?: number;
  /**
   * A floor that follows the input's level ('running' only): log(mel + logFloor + r·P̄_t), where
   * P̄_t is the causal running mean (the normalisation's weights) of the frame's mean power per
   * bin. A gain g² scales mel and P̄ alike, so once logFloor is negligible the features do not
   * depend on the level at all, the quietest bands included. Absent: no relative floor, as in
   * every bundled model (`--relative-floor` runs scored worse on validation; README).
   */
  relativeFloor?: number;
};

/** The floor of log(mel + floor) under a normalisation. */
export function logFloorOf(normalisation: FeatureNormalisation): number {
  return normalisation.logFloor ?? LOG_MEL_FLOOR;
}

/** The absolute floor under a level-relative one: only there to keep digital silence finite. */
export const RELATIVE_FLOOR_LOG_FLOOR = 1e-12;

/**
 * The default relative floor: LOG_MEL_FLOOR over the median mean power per bin of the training
 * scenes (their levels' middle), so at that level it matches the fixed floor of the bundled models.
 */
export const DEFAULT_RELATIVE_FLOOR = 4e-6;

/** Running normalisation with a level-relative floor r (the absolute floor then only guards silence). */
export function levelRelativeNormalisation(relativeFloor: number = DEFAULT_RELATIVE_FLOOR): FeatureNormalisation {
  return { ...RUNNING_NORMALISATION, logFloor: RELATIVE_FLOOR_LOG_FLOOR, relativeFloor };
}

export const GLOBAL_NORMALISATION: FeatureNormalisation = { kind: 'global' };
/** 3 s at 100 frames/s: longer than an utterance's pauses, short enough to follow a new room or call. */
export const RUNNING_NORMALISATION: FeatureNormalisation = { kind: 'running', timeConstantFrames: 300 };

/**
 * Weights of the running mean as a [T, T] lower-triangular matrix: mean_t = Σ_s W[t, s]·x_s with
 * mean_t = (1 − w_t)·mean_{t−1} + w_t·x_t, w_t = max(1/(t + 1), 1/τ).
 */
export function runningMeanWeights(frames: number, timeConstantFrames: number): Float32Array {
  const w = new Float32Array(frames * frames);
  for (let t = 0; t < frames; t++) {
    const rate = Math.max(1 / (t + 1), 1 / timeConstantFrames);
    for (let s = 0; s < t; s++) w[t * frames + s] = (1 - rate) * w[(t - 1) * frames + s];
    w[t * frames + t] = rate;
  }
  return w;
}

/** Cached per backend and frame count: the transposed weights [T, T] (a tensor belongs to its backend). */
const runningMeanCache = new Map<string, tf.Tensor2D>();
function runningMeanMatrixT(frames: number, timeConstantFrames: number): tf.Tensor2D {
  const key = `${tf.getBackend()}|${frames}|${timeConstantFrames}`;
  let m = runningMeanCache.get(key);
  if (!m) {
    m = tf.keep(tf.tidy(() => tf.transpose(tf.tensor2d(runningMeanWeights(frames, timeConstantFrames), [frames, frames])) as tf.Tensor2D));
    runningMeanCache.set(key, m);
  }
  return m;
}

export interface LogMelOptions {
  /** Full number of mel bands of the filterbank the width cuts (default 80). */
  fullBands?: number;
  nFreq?: number;
  sampleRate?: number;
  /** Per-band statistics over the full filterbank (length fullBands, lowest band first). */
  statistics?: BandStatistics;
  /** Which bands come first, and so which a width keeps (default 'ascending': the lowest). */
  order?: MelOrder;
}

/**
 * The default for new models: running normalisation. Measured (scripts/robustness-check.ts,
 * CRNN, 300 steps on the augmented scenes, seed 1): pooled validation EER 6.9 % against 18.8 %
 * with global constants, and its telephone and −20 dB variants no worse than clean.
 */
export const DEFAULT_FEATURE_NORMALISATION: FeatureNormalisation = RUNNING_NORMALISATION;

/**
 * Log-mel front end as a layer: power spectrogram [B, T, nFreq] → normalised log-mel
 * [B, T, bands], (log(mel + floor) − mean_b) / std_b, with a width over the mel bands.
 * A width keeps the first bands in the layer's order (options.order: the lowest, or bands spread
 * over the spectrum); a fixed width of n units is the first n bands of the full filterbank in that
 * order (the same front end a consolidated model ends up with).
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
    /** A bare layer normalises with fixed constants; the VAD models pass DEFAULT_FEATURE_NORMALISATION. */
    readonly normalisation: FeatureNormalisation = GLOBAL_NORMALISATION,
  ) {
    if (normalisation.kind === 'running' && !(normalisation.timeConstantFrames >= 1)) {
      throw new Error(`${name}: running normalisation needs a time constant ≥ 1 frame, got ${normalisation.timeConstantFrames}`);
    }
    if (!(logFloorOf(normalisation) > 0)) throw new Error(`${name}: the log floor must be positive, got ${normalisation.logFloor}`);
    if (normalisation.relativeFloor !== undefined) {
      if (!(normalisation.relativeFloor > 0 && Number.isFinite(normalisation.relativeFloor))) throw new Error(`${name}: the relative floor must be a positive number, got ${normalisation.relativeFloor}`);
      if (normalisation.kind !== 'running') throw new Error(`${name}: a relative floor follows a running mean, so it needs running normalisation`);
    }
    this.tensors = 'tensors' in init ? init.tensors : LogMel.fullTensors(outWidth.full, init);
    const [nFreq, bands] = this.tensors.filterbank.shape;
    if (bands !== outWidth.full) throw new Error(`${name}: filterbank has ${bands} bands, width ${outWidth.name} has ${outWidth.full}`);
    this.inWidth = new FixedWidth('spectrum', nFreq);
  }

  /** The first `bands` bands of the full filterbank in `order`, with their constants. */
  private static fullTensors(bands: number, { fullBands = N_MELS, nFreq = N_FREQ, sampleRate = SAMPLE_RATE, statistics, order = 'ascending' }: LogMelOptions): LogMelTensors {
    if (bands > fullBands) throw new Error(`log-mel: ${bands} bands requested from a ${fullBands}-band filterbank`);
    if (statistics && (statistics.mean.length !== fullBands || statistics.std.length !== fullBands)) {
      throw new Error(`log-mel: statistics must have ${fullBands} bands`);
    }
    return tf.tidy(() => {
      const listed = tf.tensor1d(melBandOrder(order, fullBands).slice(0, bands), 'int32');
      const bank = tf.gather(melFilterbank(fullBands, nFreq, sampleRate), listed, 1);
      const mean = tf.gather(statistics ? tf.tensor1d(statistics.mean) : tf.fill([fullBands], DEFAULT_LOG_MEL_MEAN), listed);
      const std = tf.gather(statistics ? tf.tensor1d(statistics.std) : tf.fill([fullBands], DEFAULT_LOG_MEL_STD), listed);
      return { filterbank: bank as tf.Tensor2D, mean: mean as tf.Tensor1D, invStd: tf.div(1, std) as tf.Tensor1D };
    });
  }

  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    checkLastDim(this.name, x, this.inWidth.full);
    return tf.tidy(() => {
      const { filterbank, mean, invStd } = this.tensors;
      const flat = tf.reshape(x, [-1, this.inWidth.full]) as tf.Tensor2D;
      const shape = [...x.shape.slice(0, -1), this.outWidth.full];
      const logMel = tf.log(tf.add(tf.reshape(tf.matMul(flat, filterbank), shape), this.floor(x)));
      const centred = this.normalisation.kind === 'running' ? subtractRunningMean(logMel, this.normalisation.timeConstantFrames) : tf.sub(logMel, mean);
      const normalised = tf.mul(centred, invStd);
      return gateOutput(tf.reshape(normalised, shape), this.outWidth, ctx);
    });
  }

  /** log's floor: the fixed one, or per frame [B, T, 1] with the level-relative part added. */
  private floor(power: tf.Tensor): tf.Tensor | number {
    const { relativeFloor } = this.normalisation;
    if (relativeFloor === undefined || this.normalisation.kind !== 'running') return logFloorOf(this.normalisation);
    if (power.rank !== 3) throw new Error(`${this.name}: a relative floor needs [batch, frames, bins], got rank ${power.rank}`);
    const [batch, frames] = power.shape;
    const level = tf.matMul(tf.reshape(tf.mean(power, -1), [batch, frames]), runningMeanMatrixT(frames, this.normalisation.timeConstantFrames));
    return tf.reshape(tf.add(tf.mul(level, relativeFloor), logFloorOf(this.normalisation)), [batch, frames, 1]);
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
    return new LogMel(this.name, width, { tensors }, this.normalisation);
  }

  dispose(): void {
    tf.dispose([this.tensors.filterbank, this.tensors.mean, this.tensors.invStd]);
  }
}

/** x [B, T, F] minus its causal running mean over T, per batch row and band. */
function subtractRunningMean(x: tf.Tensor, timeConstantFrames: number): tf.Tensor {
  if (x.rank !== 3) throw new Error(`running normalisation needs [batch, frames, bands], got rank ${x.rank}`);
  const [batch, frames, bands] = x.shape;
  const byBand = tf.reshape(tf.transpose(x, [0, 2, 1]), [batch * bands, frames]);
  const mean = tf.matMul(byBand, runningMeanMatrixT(frames, timeConstantFrames));
  return tf.sub(x, tf.transpose(tf.reshape(mean, [batch, bands, frames]), [0, 2, 1]));
}
