import * as tf from '@tensorflow/tfjs';
import type { GateOptions, Mode } from './gate';
import { countNetwork } from './count';
import { sumAll } from './sum';
import { continuousWidth, type ApplyContext, type Layer, type SlicePlan, type WidthValue } from './layer';
import { FixedWidth, isLearnable, readUnits, type LearnableWidth, type Width } from './width';

/**
 * A model as a chain of layers whose widths may be learnable. Its complexity is the
 * sum of the layers' FLOPs per call times calls per second (e.g. 100 frames/s).
 */
export class Network {
  constructor(
    readonly name: string,
    readonly layers: Layer[],
    /** How many times per second the model is called (frames/s for a VAD; 1 for per-sample FLOPs). */
    readonly callsPerSecond: number,
  ) {
    for (let i = 1; i < layers.length; i++) {
      if (layers[i].inWidth.full !== layers[i - 1].outWidth.full) {
        throw new Error(
          `${name}: ${layers[i].name} reads ${layers[i].inWidth.full} features but ${layers[i - 1].name} writes ${layers[i - 1].outWidth.full}`,
        );
      }
    }
  }

  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.apply(h, ctx), x));
  }

  /** Noise-free output (the model as deployed). */
  infer(x: tf.Tensor): tf.Tensor {
    return this.apply(x, inferenceContext());
  }

  /** Every learnable width, once, in layer order. */
  learnableWidths(): LearnableWidth[] {
    const seen = new Set<LearnableWidth>();
    for (const layer of this.layers) for (const w of layer.widths()) if (isLearnable(w)) seen.add(w);
    return [...seen];
  }

  weightVariables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables());
  }

  /** FLOP/s as a differentiable function of the widths. */
  flopsPerSecond(k: WidthValue = continuousWidth): tf.Scalar {
    return tf.tidy(() => tf.mul(sumAll(this.layers.map((l) => l.flops(k))), this.callsPerSecond));
  }

  /** FLOP/s at full width, C(K_max), counted from the full-size weights this network holds. */
  fullFlopsPerSecond(): number {
    return countNetwork(this).flopsPerSecond;
  }

  parameterCount(k: WidthValue = continuousWidth): number {
    return tf.tidy(() => sumAll(this.layers.map((l) => l.parameters(k))).dataSync()[0]);
  }

  /**
   * An ordinary, physically smaller network with the same inference output:
   * keep n = ⌈K⌉ units of each learnable width (the units with a > 0), fold the
   * boundary unit's √a into the weights that read it (straight-through: round(K) units).
   */
  consolidate(units?: readonly number[]): Network {
    const plans = new Map<Width, SlicePlan>();
    this.learnableWidths().forEach((w, i) => plans.set(w, slicePlan(w, units?.[i])));
    const lookup = (w: Width): SlicePlan => {
      let plan = plans.get(w);
      if (!plan) {
        plan = { keep: w.full, boundaryScale: 1, width: new FixedWidth(w.name, w.full) };
        plans.set(w, plan);
      }
      return plan;
    };
    return new Network(this.name, this.layers.map((l) => l.consolidate(lookup)), this.callsPerSecond);
  }

  /** consolidate() after reading the widths asynchronously (safe on every backend). */
  async consolidateAsync(): Promise<Network> {
    return this.consolidate(await readUnits(this.learnableWidths()));
  }

  dispose(): void {
    this.layers.forEach((l) => l.dispose());
    this.learnableWidths().forEach((w) => w.dispose());
  }
}

export function slicePlan(width: LearnableWidth, units?: number): SlicePlan {
  const scale = width.inferenceScale(units);
  let keep = 0;
  while (keep < scale.length && scale[keep] > 0) keep++;
  if (keep === 0) throw new Error(`width ${width.name}: no unit is active`);
  return { keep, boundaryScale: scale[keep - 1], width: new FixedWidth(width.name, keep) };
}

export function inferenceContext(): ApplyContext {
  return { mode: 'infer', gate: {}, nextSeed: () => 0 };
}

/** A training context whose noise seeds follow from one seed. */
export function seededContext(mode: Mode, seed: number, gate: GateOptions = {}, dropout = 0): ApplyContext {
  let s = seed >>> 0;
  return {
    mode,
    gate,
    dropout,
    nextSeed: () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s;
    },
  };
}
