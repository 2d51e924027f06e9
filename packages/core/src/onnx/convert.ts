// How a module becomes ONNX nodes: the converter contract, the lookup (a class's own static `onnx`, else core's
// table of torch.nn layers) and the walk that names initializers with PyTorch's parameter paths.
import * as tf from '@tensorflow/tfjs-core';
import { OnnxExportError } from '../errors.js';
import type { AnyModule, Parameter } from '../nn/module.js';
import type { OnnxGraph, OnnxTensorSpec, OnnxValue } from './graph.js';

/** What a converter gets besides the module: the graph and helpers bound to the module's path in the model. */
export interface OnnxContext {
  readonly graph: OnnxGraph;
  /** The module's path in the model (`'0.4.1'`, `''` for the root). */
  readonly path: string;
  /** Converts the child registered as `name` (a dotted path for a grandchild) on inputs; its initializers are named `<path>.<name>.…`. */
  child(name: string, inputs: OnnxValue[]): OnnxValue[];
  /** Converts the child registered as `name` on one input and returns its one output. */
  child1(name: string, input: OnnxValue): OnnxValue;
  /**
   * The initializer of the module's parameter `name` (a dotted path for a descendant's) in PyTorch's layout
   * (`<path>.<name>`); a parameter
   * shared with a module converted earlier (siamese's encoder) reuses the first one's initializer.
   */
  param(name: string): string;
  /**
   * An initializer `<path>.<name>` holding `t` (a buffer, or a tensor derived from parameters); the same tensor
   * object given again (a shared module converted twice) reuses it.
   */
  tensor(name: string, t: tf.Tensor): string;
  /** A typed error naming this module's path and type; the export writes nothing. */
  fail(reason: string): OnnxExportError;
}

/**
 * Writes a module's forward pass as ONNX nodes: inputs in, outputs out (value names and ranks; image values are
 * NCHW). Attach it to a class as `static onnx`; only the class that declares it is exported with it (a
 * subclass that overrides `forward` needs its own).
 * @example
 * ```ts
 * class Double extends Module {
 *   forward(x: tf.Tensor) { return tf.mul(x, 2); }
 *   static onnx: OnnxConverter<Double> = (_m, [x], ctx) => [
 *     { name: ctx.graph.op('Mul', [x.name, ctx.graph.float([2], [])]), rank: x.rank },
 *   ];
 * }
 * ```
 */
export type OnnxConverter<M extends AnyModule = AnyModule> = (
  module: M,
  inputs: OnnxValue[],
  ctx: OnnxContext,
) => OnnxValue[];

/** The graph inputs a model declares for itself when the caller gives none (`static onnxInputs`). */
export type OnnxInputsOf<M extends AnyModule = AnyModule> = (module: M) => OnnxTensorSpec[];

type Ctor = abstract new (...args: never[]) => AnyModule;
const builtins = new Map<Ctor, OnnxConverter>();

/**
 * Adds core's converters for torch.nn layers (called by `builtins.ts`); a domain class declares `static onnx`.
 * @example
 * ```ts
 * registerBuiltinConverter(ReLU, (_m, [x], ctx) => [{ name: ctx.graph.op('Relu', [x.name]), rank: x.rank }]);
 * ```
 */
export function registerBuiltinConverter<M extends AnyModule>(
  cls: abstract new (...args: never[]) => M,
  conv: OnnxConverter<M>,
): void {
  builtins.set(cls as unknown as Ctor, conv as unknown as OnnxConverter);
}

/**
 * The converter of a module's class: its own `static onnx`, or core's for a torch.nn layer; a subclass that
 * does not override `forward` (`ConvLayer`, a `Sequential`) uses its parent's, one that does needs its own.
 */
export function converterOf(m: AnyModule): OnnxConverter | undefined {
  let ctor = m.constructor as (Ctor & { onnx?: OnnxConverter }) | undefined;
  while (ctor?.prototype) {
    if (Object.prototype.hasOwnProperty.call(ctor, 'onnx') && typeof ctor.onnx === 'function') return ctor.onnx;
    const builtin = builtins.get(ctor);
    if (builtin) return builtin;
    if (Object.prototype.hasOwnProperty.call(ctor.prototype, 'forward')) return undefined;
    ctor = Object.getPrototypeOf(ctor) as (Ctor & { onnx?: OnnxConverter }) | undefined;
  }
  return undefined;
}

/** The inputs a model declares (`static onnxInputs` on its class), if any. */
export function inputsOf(m: AnyModule): OnnxTensorSpec[] | undefined {
  const ctor = m.constructor as Ctor & { onnxInputs?: OnnxInputsOf };
  if (Object.prototype.hasOwnProperty.call(ctor, 'onnxInputs') && typeof ctor.onnxInputs === 'function')
    return ctor.onnxInputs(m);
  return undefined;
}

const PERM_TO_TORCH: Record<string, number[] | null> = { none: null, conv: [3, 2, 0, 1], linear: [1, 0] };

/** Converts a module tree: shared state (parameter → initializer name) across the walk. */
export class OnnxConverterWalk {
  private readonly paramNames = new Map<Parameter, string>();
  private readonly tensorNames = new Map<tf.Tensor, string>();
  constructor(readonly graph: OnnxGraph) {}

  convert(m: AnyModule, path: string, inputs: OnnxValue[]): OnnxValue[] {
    const conv = converterOf(m);
    const ctx = this.context(m, path);
    if (!conv)
      throw ctx.fail(
        'has no ONNX form (give its class a static `onnx` converter, or replace it with layers that have one)',
      );
    return conv(m, inputs, ctx);
  }

  private context(m: AnyModule, path: string): OnnxContext {
    const join = (n: string) => (path ? `${path}.${n}` : n);
    const fail = (reason: string) => new OnnxExportError(path || '(root)', m.typeName, reason);
    const child = (name: string, inputs: OnnxValue[]) => {
      let c: AnyModule | undefined = m;
      for (const part of name.split('.')) c = c?.namedChildren().find(([n]) => n === part)?.[1];
      if (!c) throw fail(`has no child named ${name}`);
      return this.convert(c, join(name), inputs);
    };
    return {
      graph: this.graph,
      path,
      fail,
      child,
      child1: (name, input) => {
        const out = child(name, [input]);
        if (out.length !== 1) throw fail(`child ${name} gave ${out.length} outputs, not 1`);
        return out[0]!;
      },
      param: (name) => {
        const parts = name.split('.');
        let owner: AnyModule | undefined = m;
        for (const part of parts.slice(0, -1)) owner = owner?.namedChildren().find(([n]) => n === part)?.[1];
        const p = owner?.ownParameters().find(([n]) => n === parts.at(-1))?.[1];
        if (!p) throw fail(`has no parameter ${name}`);
        const known = this.paramNames.get(p);
        if (known) return known;
        const full = join(name);
        const perm = PERM_TO_TORCH[p.layout];
        const t = tf.tidy(() =>
          perm && p.variable.rank === perm.length ? tf.transpose(p.variable, perm) : tf.clone(p.variable),
        );
        try {
          this.graph.initializer(full, t);
        } finally {
          t.dispose();
        }
        this.paramNames.set(p, full);
        return full;
      },
      tensor: (name, t) => {
        const known = this.tensorNames.get(t);
        if (known) return known;
        const full = this.graph.hasInitializer(join(name)) ? this.graph.fresh(join(name)) : join(name);
        this.tensorNames.set(t, this.graph.initializer(full, t));
        return full;
      },
    };
  }
}
