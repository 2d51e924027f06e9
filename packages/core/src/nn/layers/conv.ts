import * as tf from '@tensorflow/tfjs-core';
import { torchDefaultUniform } from '../init.js';
import { Module, type Parameter } from '../module.js';

/**
 * A 2-d size as PyTorch's `_size_2_t`: one number for both dimensions, or `[height, width]`.
 * @example
 * ```ts
 * const k: Size2d = 3;            // 3×3
 * const s: Size2d = [2, 1];       // stride 2 down, 1 across
 * ```
 */
export type Size2d = number | [number, number];
const pair = (v: Size2d): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** Options of {@link Conv2d}, as `torch.nn.Conv2d`'s. */
export interface Conv2dOptions {
  /** Step of the kernel over the input, `[down, across]` or one number for both (PyTorch's `stride`; default 1). */
  stride?: Size2d;
  /** Zero rows/columns added on each side of the input (PyTorch's `padding`; default 0). */
  padding?: Size2d;
  /** Spacing between kernel taps; 2 makes a 3×3 kernel cover 5×5 (PyTorch's `dilation`; default 1). */
  dilation?: Size2d;
  /** Number of channel groups convolved separately; must divide both channel counts (PyTorch's `groups`; default 1). */
  groups?: number;
  /** Whether the layer adds a learnable bias per output channel (PyTorch's `bias`; default true). */
  bias?: boolean;
}

/** ‖w‖ per output channel of an HWIO filter, as `[1, 1, 1, out]`. */
function channelNorms(w: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(w), [0, 1, 2], true)));
}

function explicitPad(p: [number, number]): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [p[0], p[0]],
    [p[1], p[1]],
    [0, 0],
  ];
}

/**
 * What {@link Conv2d} and {@link ConvTranspose2d} share: channels, kernel size, stride and padding (PyTorch's
 * arguments, a number or a pair), the weight and the optional bias with PyTorch's default uniform initialisation.
 */
abstract class ConvBase extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ConvBase';
  /**
   * The kernel, HWIO `[kh, kw, in/groups, out]` for Conv2d and `[kh, kw, out, in]` for ConvTranspose2d (state
   * dict: PyTorch's `[out, in/groups, kh, kw]` / `[in, out, kh, kw]`); init U(±1/√fanIn) as PyTorch's.
   */
  readonly weight: Parameter;
  /** The bias `[outChannels]` (init U(±1/√fanIn)); undefined with `bias: false`. */
  readonly bias: Parameter | undefined;
  /** Kernel size `[kh, kw]` (PyTorch's `kernel_size`). */
  readonly kernelSize: [number, number];
  /** Step of the kernel `[down, across]` (PyTorch's `stride`; default `[1, 1]`). */
  readonly stride: [number, number];
  /** Padding per side `[rows, columns]`: zeros added to a Conv2d's input, cropped from a ConvTranspose2d's output (default 0). */
  readonly padding: [number, number];
  constructor(
    /** Number of input channels, the size of the input's last (NHWC) axis (PyTorch's `in_channels`). */
    readonly inChannels: number,
    /** Number of output channels, the size of the output's last axis (PyTorch's `out_channels`). */
    readonly outChannels: number,
    kernelSize: Size2d,
    opts: { stride?: Size2d; padding?: Size2d; bias?: boolean },
    /** The weight's shape from the kernel size, and its fan-in (PyTorch's bound for weight and bias). */
    weightShape: (kh: number, kw: number) => { shape: number[]; fanIn: number },
  ) {
    super();
    this.kernelSize = pair(kernelSize);
    this.stride = pair(opts.stride ?? 1);
    this.padding = pair(opts.padding ?? 0);
    const { shape, fanIn } = weightShape(...this.kernelSize);
    this.weight = this.registerParameter('weight', torchDefaultUniform(shape, fanIn), 'conv');
    this.bias =
      (opts.bias ?? true)
        ? this.registerParameter('bias', torchDefaultUniform([outChannels], fanIn), 'none', 'bias')
        : undefined;
  }

  /** The constructor arguments both record first: channels, kernel size and stride. */
  protected geometryAttributes(): Record<string, unknown> {
    return {
      in_channels: this.inChannels,
      out_channels: this.outChannels,
      kernel_size: this.kernelSize,
      stride: this.stride,
    };
  }

  /** PyTorch's repr start: channels, kernel size, stride, and padding when not zero. */
  protected geometryRepr(): string {
    const t = (p: [number, number]) => `(${p[0]}, ${p[1]})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}`;
    if (this.padding[0] || this.padding[1]) s += `, padding=${t(this.padding)}`;
    return s;
  }
}

/**
 * 2-D convolution over NHWC inputs with PyTorch's arguments and symmetric zero padding. The weight is kept
 * HWIO (`[kh, kw, in/groups, out]`); its state-dict entry is PyTorch's OIHW.
 * @example
 * ```ts
 * const conv = new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
 * conv.call(tf.zeros([1, 224, 224, 3])).shape; // [1, 112, 112, 64]
 * ```
 */
export class Conv2d extends ConvBase {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Conv2d';
  /** Spacing between kernel taps `[down, across]` (PyTorch's `dilation`; default `[1, 1]`). */
  readonly dilation: [number, number];
  /** Number of channel groups convolved separately (PyTorch's `groups`; default 1; `inChannels` for depthwise). */
  readonly groups: number;
  constructor(inChannels: number, outChannels: number, kernelSize: Size2d, opts: Conv2dOptions = {}) {
    const groups = opts.groups ?? 1;
    if (inChannels % groups || outChannels % groups)
      throw new RangeError(`Conv2d: channels (${inChannels}, ${outChannels}) must be divisible by groups=${groups}`);
    super(inChannels, outChannels, kernelSize, opts, (kh, kw) => ({
      shape: [kh, kw, inChannels / groups, outChannels],
      fanIn: (inChannels / groups) * kh * kw,
    }));
    this.dilation = pair(opts.dilation ?? 1);
    this.groups = groups;
  }

  /** With {@link weightNorm}: the magnitude `weight_g` (`[1, 1, 1, out]` here, PyTorch's `[out, 1, 1, 1]`). */
  weightG: Parameter | undefined;

  /**
   * PyTorch's `torch.nn.utils.weight_norm(conv)` (dim 0), in place: the weight becomes `weight_g · weight_v / ‖weight_v‖`
   * with the norm taken per output channel, and the parameters are `weight_g` and `weight_v` (PyTorch's names,
   * shapes and order: bias, weight_g, weight_v). `weight_v` starts as the current weight and `weight_g` as its
   * norms, so the output is unchanged. {@link Conv2d.weight} is then `weight_v`; after changing it, call
   * {@link resetWeightG} to keep the effective weight equal to it (as fastai's ICNR initialisation does).
   * @example
   * ```ts
   * const conv = new Conv2d(16, 64, 1).weightNorm();
   * Object.keys(conv.stateDict()); // ['bias', 'weight_g', 'weight_v']
   * ```
   */
  weightNorm(): this {
    if (this.weightG) return this;
    const v = this.removeParameter('weight');
    this.weightG = this.registerParameter('weight_g', channelNorms(v.variable), 'conv');
    this.shareParameter('weight_v', v);
    return this;
  }

  /** With {@link weightNorm}: sets `weight_g` to the norms of `weight_v` (the effective weight is then `weight_v`). */
  resetWeightG(): void {
    if (!this.weightG) throw new Error('Conv2d.resetWeightG: weightNorm() was not applied');
    tf.tidy(() => this.weightG!.variable.assign(channelNorms(this.weight.variable)));
  }

  /** The filter used by the forward, HWIO. */
  effectiveWeight(): tf.Tensor4D {
    const v = this.weight.variable as tf.Tensor4D;
    if (!this.weightG) return v;
    const g = this.weightG.variable;
    return tf.tidy(() => tf.mul(v, tf.div(g, channelNorms(v))) as tf.Tensor4D);
  }

  forward(x: tf.Tensor): tf.Tensor {
    const x4 = x as tf.Tensor4D;
    const pad = explicitPad(this.padding);
    const single = (w: tf.Tensor4D) =>
      tf.fused.conv2d({
        x: x4,
        filter: w,
        strides: this.stride,
        pad,
        dilations: this.dilation,
        bias: this.bias?.variable,
      });
    // The common case runs outside a tidy scope: the filter is the variable itself.
    if (this.groups === 1 && !this.weightG) return single(this.weight.variable as tf.Tensor4D);
    return tf.tidy(() => {
      const w = this.effectiveWeight();
      if (this.groups === 1) return single(w);
      const g = this.groups;
      const xs = tf.split(x4, g, 3);
      const ws = tf.split(w, g, 3);
      const ys = xs.map((xi, i) =>
        tf.conv2d(xi as tf.Tensor4D, ws[i] as tf.Tensor4D, this.stride, pad, 'NHWC', this.dilation),
      );
      const y = tf.concat(ys, 3);
      return this.bias ? tf.add(y, this.bias.variable) : y;
    });
  }

  protected override extraRepr(): string {
    const t = (p: [number, number]) => `(${p[0]}, ${p[1]})`;
    let s = this.geometryRepr();
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${t(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
  protected override attributes(): Record<string, unknown> {
    return { ...this.geometryAttributes(), padding: this.padding, bias: this.bias !== undefined };
  }
}

/** Options of {@link ConvTranspose2d}. */
export interface ConvTranspose2dOptions {
  /** Upsampling step: output size grows by `stride` per input pixel (PyTorch's `stride`; default 1). */
  stride?: Size2d;
  /** Rows/columns cropped from each side of the full output (PyTorch's `padding`; default 0). */
  padding?: Size2d;
  /** Rows/columns added to one side of the output, to pick among the sizes a stride allows (PyTorch's `output_padding`; default 0). */
  outputPadding?: Size2d;
  /** Whether the layer adds a learnable bias per output channel (PyTorch's `bias`; default true). */
  bias?: boolean;
}

/**
 * Transposed convolution (the gradient of a convolution) with PyTorch's output size
 * `(H-1)·stride - 2·padding + kernel + outputPadding`. Weight kept `[kh, kw, out, in]`; PyTorch's is
 * `[in, out, kh, kw]`.
 */
export class ConvTranspose2d extends ConvBase {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ConvTranspose2d';
  /** Extra output rows/columns `[rows, columns]` on the bottom/right (PyTorch's `output_padding`; default `[0, 0]`). */
  readonly outputPadding: [number, number];
  constructor(inChannels: number, outChannels: number, kernelSize: Size2d, opts: ConvTranspose2dOptions = {}) {
    // PyTorch computes fan-in from weight.size(1) = out channels.
    super(inChannels, outChannels, kernelSize, opts, (kh, kw) => ({
      shape: [kh, kw, outChannels, inChannels],
      fanIn: outChannels * kh * kw,
    }));
    this.outputPadding = pair(opts.outputPadding ?? 0);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [n, h, w] = x.shape;
      const [kh, kw] = this.kernelSize;
      const [sh, sw] = this.stride;
      const fullH = (h - 1) * sh + kh + this.outputPadding[0];
      const fullW = (w - 1) * sw + kw + this.outputPadding[1];
      let y: tf.Tensor = tf.conv2dTranspose(
        x as tf.Tensor4D,
        this.weight.variable as tf.Tensor4D,
        [n, fullH, fullW, this.outChannels],
        this.stride,
        'valid',
      );
      const [ph, pw] = this.padding;
      if (ph || pw) y = tf.slice(y, [0, ph, pw, 0], [n, fullH - 2 * ph, fullW - 2 * pw, this.outChannels]);
      return this.bias ? tf.add(y, this.bias.variable) : y;
    });
  }

  protected override extraRepr(): string {
    return `${this.geometryRepr()}${this.bias ? '' : ', bias=False'}`;
  }
  protected override attributes(): Record<string, unknown> {
    return { ...this.geometryAttributes(), bias: this.bias !== undefined };
  }
}
