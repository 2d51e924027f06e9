// torchvision's ResNet (v1.5: a Bottleneck strides on its 3×3 conv), with torchvision's module names, so a
// torchvision state dict converted to safetensors loads with no renaming.
import * as tf from '@tensorflow/tfjs-core';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  batchNormRelu,
  bnReluPair,
  normal,
} from '@tfai/core/nn';
import type { AnyModule, TensorModule } from '@tfai/core/nn';
import type { OnnxContext, OnnxConverter, OnnxValue } from '@tfai/core/onnx';

/** Options of the ResNet constructors (torchvision's `num_classes`). */
export interface ResNetOptions {
  /** Outputs of the final `fc` layer. Default 1000 (ImageNet). */
  numClasses?: number;
}

/** A constructor of a vision architecture, as torchvision's `resnet18`: called with no weights loaded. */
export type VisionArch<M extends AnyModule = AnyModule> = (opts?: ResNetOptions) => M;

const conv3x3 = (cin: number, cout: number, stride = 1) =>
  new Conv2d(cin, cout, 3, { stride, padding: 1, bias: false });
const conv1x1 = (cin: number, cout: number, stride = 1) => new Conv2d(cin, cout, 1, { stride, bias: false });

/** A residual block: its constructor arguments are torchvision's `(inplanes, planes, stride, downsample)`. */
export interface BlockClass {
  /** Output channels over `planes`: 1 for BasicBlock, 4 for Bottleneck. */
  readonly expansion: number;
  /** Builds a block, as torchvision's `block(inplanes, planes, stride, downsample)`. */
  new (inplanes: number, planes: number, stride?: number, downsample?: Sequential): TensorModule;
}

/**
 * torchvision's `BasicBlock` (ResNet-18/34): two 3×3 convs with BatchNorm, stride on the first, plus the
 * identity (or `downsample(x)`), then ReLU. Children: `conv1, bn1, relu, conv2, bn2[, downsample]`.
 * @example
 * ```ts
 * new BasicBlock(64, 64).call(tf.zeros([1, 8, 8, 64])).shape; // [1, 8, 8, 64]
 * ```
 */
export class BasicBlock extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'BasicBlock';
  /** Output channels over `planes`: 1, a BasicBlock keeps its width (torchvision's `expansion`). */
  static readonly expansion = 1;
  /** 3×3 conv `inplanes → planes`, carrying the block's stride (torchvision's `conv1`). */
  readonly conv1: Conv2d;
  /** BatchNorm after `conv1` (torchvision's `bn1`). */
  readonly bn1: BatchNorm2d;
  /** The ReLU applied after `bn1` and after the residual sum (torchvision's `relu`). */
  readonly relu: ReLU;
  /** 3×3 conv `planes → planes`, stride 1 (torchvision's `conv2`). */
  readonly conv2: Conv2d;
  /** BatchNorm after `conv2`, before the residual sum (torchvision's `bn2`). */
  readonly bn2: BatchNorm2d;
  /** 1×1 conv + BatchNorm matching the identity to the output's shape when stride or width change; undefined otherwise. */
  readonly downsample: Sequential | undefined;
  constructor(inplanes: number, planes: number, stride = 1, downsample?: Sequential) {
    super();
    this.conv1 = this.registerModule('conv1', conv3x3(inplanes, planes, stride));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.relu = this.registerModule('relu', new ReLU(true));
    this.conv2 = this.registerModule('conv2', conv3x3(planes, planes));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.downsample = downsample && this.registerModule('downsample', downsample);
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      // bn1 → relu as one kernel when training (batchNormRelu); bn2 is followed by the residual sum, not fused.
      const out = this.bn2.call(this.conv2.call(batchNormRelu(this.bn1, this.relu, this.conv1.call(x), 'reluAfter')));
      const identity = this.downsample ? this.downsample.call(x) : x;
      return this.relu.call(tf.add(out, identity));
    });
  }
  /** ONNX form: the convolutions, BatchNorms (inference form), the shortcut, the Add and the ReLU. */
  static readonly onnx: OnnxConverter<BasicBlock> = (m, [x], ctx) =>
    residualToOnnx(m, x!, ctx, ['conv1', 'bn1', 'relu', 'conv2', 'bn2']);
}

/** The chain of named children, the shortcut (downsample or identity), their sum and the ReLU. */
function residualToOnnx(m: BasicBlock | Bottleneck, x: OnnxValue, ctx: OnnxContext, chain: string[]): OnnxValue[] {
  const out = chain.reduce((y, name) => ctx.child1(name, y), x);
  const identity = m.downsample ? ctx.child1('downsample', x) : x;
  const sum = { name: ctx.graph.op('Add', [out.name, identity.name], {}, `${ctx.path}.add`), rank: 4 };
  return [ctx.child1('relu', sum)];
}

/**
 * torchvision's `Bottleneck` (ResNet-50/101/152), v1.5: 1×1 conv down to `planes`, 3×3 conv with the stride,
 * 1×1 conv up to `4·planes`, each with BatchNorm, plus the identity, then ReLU. Children:
 * `conv1, bn1, conv2, bn2, conv3, bn3, relu[, downsample]`.
 * @example
 * ```ts
 * new Bottleneck(256, 64).call(tf.zeros([1, 8, 8, 256])).shape; // [1, 8, 8, 256]
 * ```
 */
export class Bottleneck extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'Bottleneck';
  /** Output channels over `planes`: 4, the last 1×1 conv widens ×4 (torchvision's `expansion`). */
  static readonly expansion = 4;
  /** 1×1 conv `inplanes → planes`, reducing the width (torchvision's `conv1`). */
  readonly conv1: Conv2d;
  /** BatchNorm after `conv1` (torchvision's `bn1`). */
  readonly bn1: BatchNorm2d;
  /** 3×3 conv `planes → planes`, carrying the block's stride (torchvision's `conv2`, ResNet v1.5). */
  readonly conv2: Conv2d;
  /** BatchNorm after `conv2` (torchvision's `bn2`). */
  readonly bn2: BatchNorm2d;
  /** 1×1 conv `planes → 4·planes`, expanding the width (torchvision's `conv3`). */
  readonly conv3: Conv2d;
  /** BatchNorm after `conv3`, before the residual sum (torchvision's `bn3`). */
  readonly bn3: BatchNorm2d;
  /** The ReLU applied after `bn1`, `bn2` and the residual sum (torchvision's `relu`). */
  readonly relu: ReLU;
  /** 1×1 conv + BatchNorm matching the identity to the output's shape when stride or width change; undefined otherwise. */
  readonly downsample: Sequential | undefined;
  constructor(inplanes: number, planes: number, stride = 1, downsample?: Sequential) {
    super();
    const width = planes; // torchvision: planes · (base_width / 64) · groups, with base_width 64 and groups 1
    this.conv1 = this.registerModule('conv1', conv1x1(inplanes, width));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(width));
    this.conv2 = this.registerModule('conv2', conv3x3(width, width, stride));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(width));
    this.conv3 = this.registerModule('conv3', conv1x1(width, planes * Bottleneck.expansion));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(planes * Bottleneck.expansion));
    this.relu = this.registerModule('relu', new ReLU(true));
    this.downsample = downsample && this.registerModule('downsample', downsample);
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let out = batchNormRelu(this.bn1, this.relu, this.conv1.call(x), 'reluAfter');
      out = batchNormRelu(this.bn2, this.relu, this.conv2.call(out), 'reluAfter');
      out = this.bn3.call(this.conv3.call(out));
      const identity = this.downsample ? this.downsample.call(x) : x;
      return this.relu.call(tf.add(out, identity));
    });
  }
  /** ONNX form: the three convolutions, BatchNorms (inference form), the shortcut, the Add and the ReLU. */
  static readonly onnx: OnnxConverter<Bottleneck> = (m, [x], ctx) =>
    residualToOnnx(m, x!, ctx, ['conv1', 'bn1', 'relu', 'conv2', 'bn2', 'relu', 'conv3', 'bn3']);
}

/**
 * torchvision's `ResNet`: children `conv1, bn1, relu, maxpool, layer1, layer2, layer3, layer4, avgpool, fc`,
 * run in that order (with a flatten before `fc`). The children form an indexable list (`get(i)`,
 * `layers()`, `length`), so {@link createBody} can cut it as fastai cuts `list(model.children())[:cut]`.
 * Initialised as torchvision: convs `kaiming_normal_(mode='fan_out', nonlinearity='relu')`, BatchNorm weight
 * 1 and bias 0, `fc` PyTorch's default Linear init.
 * @example
 * ```ts
 * const m = resnet18({ numClasses: 10 });
 * m.eval().call(tf.zeros([1, 64, 64, 3])).shape; // [1, 10]
 * ```
 */
export class ResNet extends Module {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static override readonly typeName: string = 'ResNet';
  private inplanes = 64;
  constructor(block: BlockClass, layers: [number, number, number, number], numClasses = 1000) {
    super();
    this.registerModule('conv1', new Conv2d(3, this.inplanes, 7, { stride: 2, padding: 3, bias: false }));
    this.registerModule('bn1', new BatchNorm2d(this.inplanes));
    this.registerModule('relu', new ReLU(true));
    this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
    this.registerModule('layer1', this.makeLayer(block, 64, layers[0]));
    this.registerModule('layer2', this.makeLayer(block, 128, layers[1], 2));
    this.registerModule('layer3', this.makeLayer(block, 256, layers[2], 2));
    this.registerModule('layer4', this.makeLayer(block, 512, layers[3], 2));
    this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.registerModule('fc', new Linear(512 * block.expansion, numClasses));
    for (const m of this.modules()) {
      if (!(m instanceof Conv2d)) continue;
      const [kh, kw, , out] = m.weight.shape;
      const fanOut = out * kh * kw;
      tf.tidy(() => m.weight.variable.assign(normal(m.weight.shape, Math.sqrt(2 / fanOut))));
    }
  }

  private makeLayer(block: BlockClass, planes: number, blocks: number, stride = 1): Sequential {
    const out = planes * block.expansion;
    const downsample =
      stride !== 1 || this.inplanes !== out
        ? new Sequential(conv1x1(this.inplanes, out, stride), new BatchNorm2d(out))
        : undefined;
    const layers: TensorModule[] = [new block(this.inplanes, planes, stride, downsample)];
    this.inplanes = out;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.inplanes, planes));
    return new Sequential(...layers);
  }

  /** The children in order (as `list(model.children())`). */
  layers(): TensorModule[] {
    return this.children() as unknown as TensorModule[];
  }
  /** Number of children (10). */
  get length(): number {
    return this.namedChildren().length;
  }
  /** The i-th child (negative counts from the end). */
  get(i: number): TensorModule {
    const kids = this.layers();
    const m = kids[i < 0 ? kids.length + i : i];
    if (!m) throw new RangeError(`ResNet index ${i} out of range (length ${kids.length})`);
    return m;
  }
  /** The child named `name` (`'conv1'`, `'layer1'`, `'fc'`…). */
  child(name: string): TensorModule {
    const found = this.namedChildren().find(([n]) => n === name);
    if (!found) throw new RangeError(`ResNet has no child named '${name}'`);
    return found[1] as unknown as TensorModule;
  }

  forward(x: tf.Tensor): tf.Tensor {
    // Children are looked up at call time, so a replaced child (createBody's nIn ≠ 3) is the one used.
    // The stem's bn1 → relu runs as one kernel when training (batchNormRelu).
    return tf.tidy(() => {
      let y = x;
      const kids = this.namedChildren();
      for (let i = 0; i < kids.length; i++) {
        const [name, m] = kids[i];
        if (name === 'fc') y = tf.reshape(y, [y.shape[0], -1]);
        const pair = bnReluPair(m, kids[i + 1]?.[1]);
        if (pair) {
          y = batchNormRelu(pair.bn, pair.relu, y, pair.act);
          i++;
        } else y = (m as unknown as TensorModule).call(y);
      }
      return y;
    });
  }

  /** ONNX form: the children in order, flattened before `fc` as torchvision's forward. */
  static readonly onnx: OnnxConverter<ResNet> = (m, [x], ctx) => {
    let y = x!;
    for (const [name] of m.namedChildren()) {
      if (name === 'fc') y = { name: ctx.graph.op('Flatten', [y.name], { axis: { i: 1 } }), rank: 2 };
      y = ctx.child1(name, y);
    }
    return [y];
  };
}

/**
 * ResNet-18 (torchvision `resnet18`): BasicBlocks `[2, 2, 2, 2]`, 11,689,512 parameters with 1000 classes.
 * @example
 * ```ts
 * const m = resnet18();
 * m.loadStateDict((await loadSafetensors('resnet18.safetensors')).tensors);
 * ```
 */
export function resnet18(opts: ResNetOptions = {}): ResNet {
  return new ResNet(BasicBlock, [2, 2, 2, 2], opts.numClasses);
}

/**
 * ResNet-34: BasicBlocks `[3, 4, 6, 3]`, 21,797,672 parameters with 1000 classes.
 * @example
 * ```ts
 * const body = createBody(resnet34, { cut: -2 });
 * ```
 */
export function resnet34(opts: ResNetOptions = {}): ResNet {
  return new ResNet(BasicBlock, [3, 4, 6, 3], opts.numClasses);
}

/**
 * ResNet-50: Bottlenecks `[3, 4, 6, 3]`, 25,557,032 parameters with 1000 classes.
 * @example
 * ```ts
 * resnet50({ numClasses: 37 });
 * ```
 */
export function resnet50(opts: ResNetOptions = {}): ResNet {
  return new ResNet(Bottleneck, [3, 4, 6, 3], opts.numClasses);
}

/**
 * ResNet-101: Bottlenecks `[3, 4, 23, 3]`, 44,549,160 parameters with 1000 classes.
 * @example
 * ```ts
 * resnet101();
 * ```
 */
export function resnet101(opts: ResNetOptions = {}): ResNet {
  return new ResNet(Bottleneck, [3, 4, 23, 3], opts.numClasses);
}

/**
 * ResNet-152: Bottlenecks `[3, 8, 36, 3]`, 60,192,808 parameters with 1000 classes.
 * @example
 * ```ts
 * resnet152();
 * ```
 */
export function resnet152(opts: ResNetOptions = {}): ResNet {
  return new ResNet(Bottleneck, [3, 8, 36, 3], opts.numClasses);
}
