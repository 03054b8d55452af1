import * as tf from '@tensorflow/tfjs';
import { applyActivation, checkLastDim, gateOutput, type ApplyContext, type PlanLookup } from '../dcl/layer';
import { CausalConv1d } from '../dcl/layers';
import { causalTaps } from './causalTaps';

/**
 * The core CausalConv1d computed as one matmul over the k causal shifts of the input
 * (im2col, see causalTaps): same weights, FLOPs, slicing and output. tf.conv1d's gradient needs
 * Conv2DBackpropFilter, which the wasm backend does not register and which costs ≈ 3 s a
 * step on the tfjs CPU backend for the CRNN; the matmul form trains on every backend.
 */
export class MatmulCausalConv1d extends CausalConv1d {
  apply(x: tf.Tensor, ctx: ApplyContext): tf.Tensor {
    if (x.rank !== 3) throw new Error(`${this.name}: expects [batch, time, features], got shape [${x.shape}]`);
    checkLastDim(this.name, x, this.inWidth.full);
    const [batch, steps, channels] = x.shape;
    const k = this.kernelSize;
    return tf.tidy(() => {
      const taps = causalTaps(x, k);
      const columns = k === 1 ? taps[0] : tf.concat(taps, 1);
      const kernel = tf.reshape(this.kernel, [k * channels, this.outWidth.full]) as tf.Tensor2D;
      const y = tf.reshape(tf.add(tf.matMul(columns, kernel), this.bias), [batch, steps, this.outWidth.full]);
      return gateOutput(applyActivation(y, this.activation), this.outWidth, ctx);
    });
  }

  consolidate(plan: PlanLookup): MatmulCausalConv1d {
    const sliced = super.consolidate(plan);
    // The new layer copies the sliced weights into its own variables and disposes these.
    return new MatmulCausalConv1d(sliced.name, sliced.inWidth, sliced.outWidth, sliced.kernelSize, sliced.activation, {
      kernel: sliced.kernel,
      bias: sliced.bias,
    });
  }
}
