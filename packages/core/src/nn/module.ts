import * as tf from '@tensorflow/tfjs-core';
import '../backend/tfjs.js';
import { recordVariable } from './build-guard.js';
import { StateDictMismatchError, declaredName } from '../errors.js';

/**
 * How a parameter's tfjs layout maps to PyTorch's, so state dicts use PyTorch names *and* shapes:
 * - `conv`: ours `[kh, kw, in, out]` (HWIO) ↔ PyTorch `[out, in, kh, kw]` (OIHW). ConvTranspose2d uses the
 *   same permutation (ours `[kh, kw, out, in]` ↔ PyTorch `[in, out, kh, kw]`).
 * - `linear`: ours `[in, out]` (so the forward is a plain matMul) ↔ PyTorch `[out, in]`.
 * - `none`: same layout.
 */
export type TorchLayout = 'none' | 'conv' | 'linear';

/** What a parameter is, for weight decay (none on `bias` and `norm`) and freezing (`norm` stays trainable). */
export type ParamKind = 'weight' | 'bias' | 'norm';

/** A trainable tensor of a module: a tf.Variable plus what the optimizer and state dicts need to know. */
export class Parameter {
  private _requiresGrad = true;
  constructor(
    /** The values, in tfjs layout (HWIO conv kernels, `[in, out]` linear weights); the module owns and disposes it. */
    readonly variable: tf.Variable,
    /** How `variable`'s layout maps to PyTorch's in state dicts (`conv`, `linear` or `none`). */
    readonly layout: TorchLayout,
    /** `weight`, `bias` or `norm`: decides weight decay (none on `bias`/`norm`) and what stays trainable when frozen. */
    readonly kind: ParamKind,
  ) {}
  /** Whether the optimizer updates it (false when frozen). */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  /** Sets whether the optimizer updates it (frozen when false). */
  set requiresGrad(v: boolean) {
    this._requiresGrad = v;
    this.variable.trainable = v;
  }
  /** The variable's shape (ours, NHWC-side layout). */
  get shape(): number[] {
    return this.variable.shape;
  }
  /** The number of elements. */
  get size(): number {
    return this.variable.size;
  }
}

/** Returned by {@link Module.registerForwardHook}; call `remove()` to detach the hook. */
export interface HookHandle {
  /** Detaches the hook. */
  remove(): void;
}

/** Called after a module's forward with its inputs and output (as PyTorch's forward hooks). */
export type ForwardHook = (module: AnyModule, inputs: readonly unknown[], output: unknown) => void;

/** Any module, whatever its forward signature. */
// Method parameters are bivariant, so every Module<I, O> is assignable to this.
export type AnyModule = Module<never[], unknown>;

/** A description of a module tree in the shape of the fastai reference facts (`type`, `n_params`, attributes). */
export interface LayerInfo {
  /** The PyTorch class name of the module (its `typeName`, e.g. `Conv2d`). */
  type: string;
  /** Number of parameter elements in the module and its children, trainable or not (`sum(p.numel())`). */
  n_params: number;
  /** The attribute name under its parent (`0`, `conv1`, …); absent on the root. */
  name?: string;
  /** The child modules' descriptions, in registration order; absent on a leaf. */
  children?: LayerInfo[];
  [attr: string]: unknown;
}

/** `init` as a variable the module owns, recorded for the build guard (`charge`: counted in its budget); `init` is disposed. */
function ownedVariable(init: tf.Tensor, trainable: boolean, charge: boolean): tf.Variable {
  let v: tf.Variable;
  try {
    v = tf.variable(init, trainable);
  } finally {
    init.dispose();
  }
  recordVariable(v, charge);
  return v;
}

const PERM_TO_TORCH: Record<TorchLayout, number[] | null> = { none: null, conv: [3, 2, 0, 1], linear: [1, 0] };
const PERM_FROM_TORCH: Record<TorchLayout, number[] | null> = { none: null, conv: [2, 3, 1, 0], linear: [1, 0] };

function permuteShape(shape: number[], perm: number[] | null): number[] {
  return perm && shape.length === perm.length ? perm.map((p) => shape[p]) : shape;
}

/** A state dict: PyTorch parameter names to tensors in PyTorch layout. */
export type StateDict = Record<string, tf.Tensor>;

/**
 * A tensor held outside tf memory (such as a `TorchTensor` read from a `.pth` file): its PyTorch shape and a way
 * to make a tf tensor of it. {@link Module.loadStateDict} makes each one inside a `tf.tidy`.
 * @example
 * ```ts
 * const w: HostTensor = (await loadTorch('model.pth')).stateDict()['fc.weight'];
 * ```
 */
export interface HostTensor {
  /** The tensor's shape in PyTorch's layout (`[out, in, kh, kw]` for a conv weight). */
  readonly shape: readonly number[];
  /** Makes the tensor (`key`: its state-dict key, for error messages). */
  toTensor(key?: string): tf.Tensor;
}

/** Something that holds a state dict (a `TorchCheckpoint` from `loadTorch`). */
export interface StateDictSource {
  /** The state dict, keyed by PyTorch names. */
  toStateDict(): Record<string, tf.Tensor | HostTensor>;
}

/** What {@link Module.loadStateDict} takes: tf tensors, host tensors (from `loadTorch`), or a checkpoint. */
export type StateDictInput = Record<string, tf.Tensor | HostTensor> | StateDictSource;

const isSource = (sd: StateDictInput): sd is StateDictSource =>
  typeof (sd as Partial<StateDictSource>).toStateDict === 'function';

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (shape mismatches always throw). Default true. */
  strict?: boolean;
}

/**
 * The base of every layer and model: named children, parameters and buffers, train/eval mode, forward
 * hooks, PyTorch-named state dicts. Activations are NHWC tensors.
 *
 * @example
 * ```ts
 * class TwoLayer extends Module {
 *   l1 = this.registerModule('l1', new Linear(4, 8));
 *   l2 = this.registerModule('l2', new Linear(8, 2));
 *   forward(x: tf.Tensor) { return this.l2.call(tf.relu(this.l1.call(x))); }
 * }
 * const m = new TwoLayer();
 * Object.keys(m.stateDict()); // ['l1.weight', 'l1.bias', 'l2.weight', 'l2.bias']
 * ```
 */
export abstract class Module<I extends unknown[] = [tf.Tensor], O = tf.Tensor> {
  /** PyTorch's class name, kept when a bundler renames the class. */
  static readonly typeName: string = 'Module';
  /** True in training mode (dropout active, BatchNorm uses and updates batch statistics). */
  training = true;
  private readonly _modules = new Map<string, AnyModule>();
  private readonly _params = new Map<string, Parameter>();
  private readonly _buffers = new Map<string, { value: tf.Variable; persistent: boolean }>();
  private readonly _hooks = new Set<ForwardHook>();

  /** The computation. Call modules through {@link call} so that hooks run. */
  abstract forward(...args: I): O;

  /** Runs {@link forward}, then the forward hooks. */
  call(...args: I): O {
    const out = this.forward(...args);
    for (const h of this._hooks) h(this as unknown as AnyModule, args, out);
    return out;
  }

  /**
   * The class name shown in `toString()` and {@link describe} (PyTorch's, e.g. `BatchNorm2d`), which layer searches
   * match (fastai's pooling search in `createBody`): the class's own static `typeName` where it declares one, since a
   * minifying bundler renames classes, else the constructor's name (a user's module needs nothing).
   */
  get typeName(): string {
    return declaredName(this.constructor, 'typeName');
  }

  /** Adds (or replaces) a child module under `name`, returning it. */
  registerModule<M>(name: string, module: M): M {
    this._modules.set(name, module as unknown as AnyModule);
    return module;
  }

  /** Creates a parameter from `init` (the module takes ownership of the tensor). */
  protected registerParameter(
    name: string,
    init: tf.Tensor,
    layout: TorchLayout = 'none',
    kind: ParamKind = 'weight',
  ): Parameter {
    const old = this._params.get(name);
    if (old) old.variable.dispose();
    const p = new Parameter(ownedVariable(init, true, true), layout, kind);
    this._params.set(name, p);
    return p;
  }

  /** Removes the parameter `name` from this module without disposing it, and returns it (weight dropout moves it). */
  protected removeParameter(name: string): Parameter {
    const p = this._params.get(name);
    if (!p) throw new Error(`${this.typeName} has no parameter ${name}`);
    this._params.delete(name);
    return p;
  }

  /** Adopts an existing parameter (shared weights, as tied embeddings). */
  protected shareParameter(name: string, p: Parameter): Parameter {
    this._params.set(name, p);
    return p;
  }

  /** A non-trainable tensor saved in the state dict (running statistics…). */
  protected registerBuffer(name: string, init: tf.Tensor, persistent = true): tf.Variable {
    const v = ownedVariable(init, false, persistent);
    this._buffers.set(name, { value: v, persistent });
    return v;
  }

  /** The direct children, in registration order. */
  namedChildren(): [string, AnyModule][] {
    return [...this._modules.entries()];
  }

  /** The direct children, in registration order (PyTorch's `children()`). */
  children(): AnyModule[] {
    return [...this._modules.values()];
  }

  /** This module and all its descendants, depth first (as PyTorch's `named_modules`). */
  *namedModules(prefix = ''): Generator<[string, AnyModule]> {
    yield [prefix, this as unknown as AnyModule];
    for (const [n, m] of this._modules) yield* m.namedModules(prefix ? `${prefix}.${n}` : n);
  }

  /** This module and all its descendants, depth first (PyTorch's `modules()`). */
  modules(): AnyModule[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  /**
   * Every parameter with its PyTorch name; a shared parameter is listed once, under its first name, unless
   * `removeDuplicate` is false (then under every name, as PyTorch's `state_dict` lists tied weights).
   */
  namedParameters(prefix = '', removeDuplicate = true): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    const walk = (m: AnyModule, pre: string) => {
      for (const [n, p] of m._params) {
        if (removeDuplicate && seen.has(p)) continue;
        seen.add(p);
        out.push([pre ? `${pre}.${n}` : n, p]);
      }
      for (const [n, c] of m._modules) walk(c, pre ? `${pre}.${n}` : n);
    };
    walk(this as unknown as AnyModule, prefix);
    return out;
  }

  /** Every parameter, each shared one once (PyTorch's `parameters()`). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters registered directly on this module (not its children). */
  ownParameters(): [string, Parameter][] {
    return [...this._params.entries()];
  }

  /** Every persistent buffer with its PyTorch name. */
  namedBuffers(prefix = ''): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    for (const [n, b] of this._buffers) if (b.persistent) out.push([prefix ? `${prefix}.${n}` : n, b.value]);
    for (const [n, c] of this._modules) out.push(...c.namedBuffers(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  /** Sets training mode on this module and its descendants. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: dropout off, BatchNorm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Attaches a hook called after every forward of this module. */
  registerForwardHook(hook: ForwardHook): HookHandle {
    this._hooks.add(hook);
    return { remove: () => void this._hooks.delete(hook) };
  }

  /**
   * Whether forward hooks are attached (a layer that fuses its children's computation runs them one by one
   * instead when one of them has hooks, so the hooks still fire).
   * @example
   * ```ts
   * const l = new Linear(2, 3);
   * l.registerForwardHook(() => {});
   * l.hasForwardHooks; // true
   * ```
   */
  get hasForwardHooks(): boolean {
    return this._hooks.size > 0;
  }

  /**
   * The parameters and persistent buffers as new tensors in PyTorch layout, keyed by PyTorch names (the
   * caller owns them: `tf.dispose(Object.values(sd))`). A tied weight appears under each of its names, as in PyTorch.
   */
  stateDict(): StateDict {
    const sd: StateDict = {};
    tf.tidy(() => {
      const keep = (t: tf.Tensor) => tf.keep(t);
      for (const [n, p] of this.namedParameters('', false)) {
        const perm = PERM_TO_TORCH[p.layout];
        sd[n] = keep(perm && p.variable.rank === perm.length ? tf.transpose(p.variable, perm) : tf.clone(p.variable));
      }
      for (const [n, b] of this.namedBuffers()) sd[n] = keep(tf.clone(b));
    });
    return sd;
  }

  /**
   * Loads a PyTorch-named, PyTorch-layout state dict. Every key and shape is checked before anything is
   * assigned: a mismatch throws {@link StateDictMismatchError} listing missing, unexpected and wrongly-shaped
   * keys, and leaves the module unchanged. A BatchNorm `num_batches_tracked` absent beside its `running_mean` (files
   * older than PyTorch 0.4.1) starts at 0, as in PyTorch. Takes tf tensors, host tensors or a checkpoint from `loadTorch`
   * (`m.loadStateDict(await loadTorch('resnet18-f37072fd.pth'))`), converting host tensors one at a time.
   */
  loadStateDict(
    input: StateDictInput,
    opts: LoadStateDictOptions = {},
  ): {
    /** The module's parameter and buffer names absent from the input (PyTorch's `missing_keys`; empty when strict). */
    missing: string[];
    /** The input's keys that name no parameter or buffer (PyTorch's `unexpected_keys`; empty when strict). */
    unexpected: string[];
  } {
    const strict = opts.strict ?? true;
    const sd = isSource(input) ? input.toStateDict() : input;
    const targets = new Map<string, { v: tf.Variable; layout: TorchLayout }>();
    for (const [n, p] of this.namedParameters('', false)) targets.set(n, { v: p.variable, layout: p.layout });
    for (const [n, b] of this.namedBuffers()) targets.set(n, { v: b, layout: 'none' });
    // Checkpoints saved before PyTorch 0.4.1 (torchvision's published VGG-BN and DenseNet files among them) have no
    // BatchNorm `num_batches_tracked`: PyTorch's BatchNorm then loads the rest and starts the count at 0; so do we.
    const legacyCount = (k: string): boolean =>
      k.endsWith('num_batches_tracked') && `${k.slice(0, -'num_batches_tracked'.length)}running_mean` in sd;
    const restart = [...targets.keys()].filter((k) => !(k in sd) && legacyCount(k));
    const missing = [...targets.keys()].filter((k) => !(k in sd) && !legacyCount(k));
    const unexpected = Object.keys(sd).filter((k) => !targets.has(k));
    const wrongShape: { key: string; expected: number[]; got: number[] }[] = [];
    for (const [k, { v, layout }] of targets) {
      const t = sd[k];
      if (!t) continue;
      const expected = permuteShape(v.shape, PERM_TO_TORCH[layout]);
      if (expected.length !== t.shape.length || expected.some((d, i) => d !== t.shape[i]))
        wrongShape.push({ key: k, expected, got: [...t.shape] });
    }
    if (wrongShape.length || (strict && (missing.length || unexpected.length)))
      throw new StateDictMismatchError(missing, unexpected, wrongShape);
    for (const [k, { v, layout }] of targets) {
      const h = sd[k];
      if (!h) continue;
      // One tidy per key: a host tensor's tf copy lives only while it is assigned.
      tf.tidy(() => {
        const t = h instanceof tf.Tensor ? h : h.toTensor(k);
        const perm = PERM_FROM_TORCH[layout];
        let val = perm && t.rank === perm.length ? tf.transpose(t, perm) : t;
        if (val.dtype !== v.dtype) val = tf.cast(val, v.dtype);
        v.assign(val);
      });
    }
    for (const k of restart) {
      const v = targets.get(k)!.v;
      tf.tidy(() => v.assign(tf.zerosLike(v)));
    }
    return { missing, unexpected };
  }

  /** Frees every parameter and buffer of this module tree. */
  dispose(): void {
    for (const m of this.modules()) {
      // A submodule with state of its own (an RNN's hidden state) frees it in its own dispose().
      if (m !== this && m.dispose !== Module.prototype.dispose) m.dispose();
      for (const p of m._params.values()) if (!p.variable.isDisposed) p.variable.dispose();
      for (const b of m._buffers.values()) if (!b.value.isDisposed) b.value.dispose();
    }
  }

  /** The text inside the parentheses of `toString()`, as PyTorch's `extra_repr`. */
  protected extraRepr(): string {
    return '';
  }

  /** Attributes reported by {@link describe}, named as PyTorch's (`in_features`, `p`, `eps`…). */
  protected attributes(): Record<string, unknown> {
    return {};
  }

  /** The module tree as data: `{type, n_params, …attributes, children}`, comparable with fastai's reference. */
  describe(): LayerInfo {
    const info: LayerInfo = {
      type: this.typeName,
      ...this.attributes(),
      n_params: numParams(this as unknown as AnyModule),
    };
    const kids = this.namedChildren();
    if (kids.length) info.children = kids.map(([name, m]) => ({ name, ...m.describe() }));
    return info;
  }

  /** The tree printed as PyTorch prints it. */
  toString(): string {
    const extra = this.extraRepr();
    const kids = this.namedChildren();
    if (!kids.length) return `${this.typeName}(${extra})`;
    const lines = kids.map(([n, m]) => `(${n}): ${m.toString().split('\n').join('\n  ')}`);
    if (extra) lines.unshift(extra);
    return `${this.typeName}(\n  ${lines.join('\n  ')}\n)`;
  }
}

/** Options of {@link numParams}. */
export interface NumParamsOptions {
  /** Count only parameters that require gradients. */
  trainable?: boolean;
}

/**
 * Number of scalar parameters of a module (shared parameters counted once), as
 * `sum(p.numel() for p in m.parameters())`.
 * @example
 * ```ts
 * numParams(new Linear(10, 5)); // 55
 * ```
 */
export function numParams(module: AnyModule, opts: NumParamsOptions = {}): number {
  let n = 0;
  for (const p of module.parameters()) if (!opts.trainable || p.requiresGrad) n += p.size;
  return n;
}
