import * as tf from '@tensorflow/tfjs-core';
import { Module, type AnyModule } from '@tfai/core/nn';
import { inputsOfModule, type OnnxConverter, type OnnxInputsOf } from '@tfai/core/onnx';

/** A module with a recurrent state to clear between independent texts. */
interface Resettable {
  reset(): void;
}

function isResettable(m: unknown): m is Resettable {
  return typeof (m as Partial<Resettable>).reset === 'function';
}

/**
 * fastai's `SequentialRNN`: children `0`, `1`, … called in turn, and {@link reset} passed on to those that have a
 * state. The last child returns `[prediction, rawOutput, output]` as fastai's heads do; `call` returns the
 * prediction (what the Learner's loss sees) and keeps the other two in {@link extraOutputs} for the AR/TAR
 * regularisation of `RNNRegularizer` (valid until the step's tensors are disposed).
 * @example
 * ```ts
 * const lm = getLanguageModel(AWDLSTM, 1000);
 * lm.call(ids).shape; // [bs, seqLen, 1000]
 * lm.reset();
 * ```
 */
export class SequentialRNN extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SequentialRNN';
  /** The encoder's last-layer output before and after the head's dropout, from the latest call. */
  extraOutputs: tf.Tensor[] = [];
  constructor(...layers: AnyModule[]) {
    super();
    layers.forEach((l, i) => this.registerModule(String(i), l));
  }
  /** The i-th child. */
  get(i: number): AnyModule {
    const m = this.children()[i];
    if (!m) throw new RangeError(`SequentialRNN index ${i} out of range (length ${this.children().length})`);
    return m;
  }
  forward(x: tf.Tensor): tf.Tensor {
    // Intermediates between the children (the padding mask, the pooled features…) are freed here.
    const [pred, ...rest] = tf.tidy(() => {
      let y: unknown = x;
      for (const m of this.children()) y = (m as unknown as Module<[unknown], unknown>).call(y);
      return Array.isArray(y) ? (y as tf.Tensor[]) : [y as tf.Tensor];
    });
    this.extraOutputs = rest;
    return pred;
  }
  /** Resets the hidden state of every child that has one. */
  reset(): void {
    for (const m of this.children()) if (isResettable(m)) m.reset();
  }

  /** ONNX form: the children in order (a child may pass several values on); the first output is the prediction. */
  static readonly onnx: OnnxConverter<SequentialRNN> = (m, inputs, ctx) => {
    let y = inputs;
    for (const [name] of m.namedChildren()) y = ctx.child(name, y);
    return y.slice(0, 1);
  };

  /** The ONNX inputs: its first child's (`tokens`). */
  static readonly onnxInputs: OnnxInputsOf<SequentialRNN> = (m) => inputsOfModule(m.get(0));
}
