// One training step with tfai's BatchNorm+ReLU fusion on or off (TFAI_FUSED_BN_ACT), for the tests that check the
// fused step against the unfused one (core's bn-relu-fusion, vision's ResNet, tabular's TabularModel).
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '@tfai/core/nn';

/** What {@link trainStepFused} returns. */
export interface FusedStepResult {
  /** The loss, then every parameter's gradient (in `parameters()` order), then every buffer as float32. */
  values: Float32Array[];
  /** The names of the kernels the step ran, in order. */
  kernels: string[];
}

/**
 * One training step of `forward` (a function of `m`'s parameters) with BatchNorm+ReLU fused or not: the loss is the
 * sum of squares of `forward()`. `m`'s state dict is restored afterwards, so the two runs start alike.
 * @example
 * ```ts
 * const a = await trainStepFused(m, () => m.call(x), true);
 * const b = await trainStepFused(m, () => m.call(x), false);
 * ```
 */
export async function trainStepFused(m: Module, forward: () => tf.Tensor, fused: boolean): Promise<FusedStepResult> {
  const start = m.stateDict();
  process.env.TFAI_FUSED_BN_ACT = fused ? '1' : '0';
  try {
    m.train();
    const vars = m.parameters().map((p) => p.variable);
    let outs: tf.Tensor[] = [];
    const prof = await tf.profile(() => {
      outs = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(forward())) as tf.Scalar, vars);
        return [value, ...vars.map((v) => grads[v.name]), ...m.namedBuffers().map(([, b]) => tf.cast(b, 'float32'))];
      });
    });
    const values = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
    tf.dispose(outs);
    return { values, kernels: prof.kernels.map((k) => k.name) };
  } finally {
    Reflect.deleteProperty(process.env, 'TFAI_FUSED_BN_ACT');
    m.loadStateDict(start);
    tf.dispose(Object.values(start));
  }
}
