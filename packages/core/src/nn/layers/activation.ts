import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../module.js';

/** `max(x, 0)`. `inplace` is only reported (fastai builds `ReLU(inplace=True)`); tensors are immutable here. */
export class ReLU extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ReLU';
  constructor(
    /** PyTorch's `inplace` flag, only shown by `toString`/`describe` (default false); outputs are always new tensors. */
    readonly inplace = false,
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
  protected override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
  protected override attributes(): Record<string, unknown> {
    return { inplace: this.inplace };
  }
}

/** Leaky ReLU with PyTorch's default slope 0.01. */
export class LeakyReLU extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'LeakyReLU';
  constructor(
    /** Slope applied to negative inputs, `y = negativeSlope · x` for x < 0 (PyTorch's `negative_slope`; default 0.01). */
    readonly negativeSlope = 0.01,
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.leakyRelu(x, this.negativeSlope);
  }
  protected override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

export class Sigmoid extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Sigmoid';
  forward(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
}

export class Tanh extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Tanh';
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }
}

/** The identity (an empty slot in a layer list). */
export class Identity extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Identity';
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

/**
 * `sigmoid(x) * (high - low) + low`, fastai's `SigmoidRange` for regression targets in a known range.
 * @example
 * ```ts
 * new SigmoidRange(0, 5).call(tf.tensor([0])); // [2.5]
 * ```
 */
export class SigmoidRange extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'SigmoidRange';
  constructor(
    /** Lower bound of the output, reached as x → -∞ (fastai's `low`). */
    readonly low: number,
    /** Upper bound of the output, reached as x → +∞ (fastai's `high`). */
    readonly high: number,
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      tf
        .sigmoid(x)
        .mul(this.high - this.low)
        .add(this.low),
    );
  }
  protected override extraRepr(): string {
    return `low=${this.low}, high=${this.high}`;
  }
  protected override attributes(): Record<string, unknown> {
    return { low: this.low, high: this.high };
  }
}

/** Wraps a function as a module (fastai's `Lambda`). Not serialisable by design: no code in files. */
export class Lambda extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Lambda';
  constructor(
    /** The function the module applies. */
    readonly fn: (x: tf.Tensor) => tf.Tensor,
    /** A name for the wrapped function, for the caller's own bookkeeping (`toString` still prints `Lambda()`; default `'Lambda'`). */
    readonly label = 'Lambda',
  ) {
    super();
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.fn(x);
  }
}
