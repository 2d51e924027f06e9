// The ONNX graph under construction: nodes, initializers (weights, kept as tf tensors until the file is written,
// then read asynchronously), graph inputs and outputs. Plain objects shaped as onnx.proto's messages; the
// protobuf encoding happens in export-onnx.ts.
import * as tf from '@tensorflow/tfjs-core';

/** A value flowing through the graph: its name and rank (image values are NCHW, as in a PyTorch export). */
export interface OnnxValue {
  readonly name: string;
  readonly rank: number;
}

/** An attribute of a node, tagged with its ONNX type. */
export type OnnxAttribute =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] };

/** The element types tfai writes: float32 values, int64 indices. */
export type OnnxDType = 'float32' | 'int64';

/** A dimension of a graph input or output: a size, or a symbolic name (`'batch'`) for a dynamic one. */
export type OnnxDim = number | string;

/** A graph input or output: name, element type and shape. */
export interface OnnxTensorSpec {
  name: string;
  dtype: OnnxDType;
  shape: OnnxDim[];
  /** What it holds, written into the model's doc strings and the export's JSON. */
  doc?: string;
}

interface NodeSpec {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

interface InitializerSpec {
  name: string;
  dtype: OnnxDType;
  dims: number[];
  tensor?: tf.Tensor;
  ints?: readonly number[];
}

/** onnx.proto's TensorProto.DataType codes. */
const DATA_TYPE: Record<OnnxDType, number> = { float32: 1, int64: 7 };
/** onnx.proto's AttributeProto.AttributeType codes. */
const ATTR_TYPE = { f: 1, i: 2, s: 3, floats: 6, ints: 7 } as const;

/**
 * Builds an ONNX graph: converters add nodes and initializers and get fresh value names back.
 * @example
 * ```ts
 * const g = new OnnxGraph();
 * const x = g.addInput({ name: 'input', dtype: 'float32', shape: ['batch', 4] });
 * const y = g.op('Relu', [x.name]);
 * g.addOutput({ name: 'output', dtype: 'float32', shape: ['batch', 4] }, { name: y, rank: 2 });
 * ```
 */
export class OnnxGraph {
  private readonly nodes: NodeSpec[] = [];
  private readonly inits = new Map<string, InitializerSpec>();
  private readonly names = new Set<string>();
  private readonly counters = new Map<string, number>();
  readonly inputs: OnnxTensorSpec[] = [];
  readonly outputs: OnnxTensorSpec[] = [];

  /** A name not used yet in this graph, derived from `base`. */
  fresh(base: string): string {
    const clean = base.replace(/^\.+|\.+$/g, '') || 'v';
    let n = this.counters.get(clean) ?? 0;
    let name = n === 0 && !this.names.has(clean) ? clean : `${clean}_${n}`;
    while (this.names.has(name)) name = `${clean}_${++n}`;
    this.counters.set(clean, n + 1);
    this.names.add(name);
    return name;
  }

  /** Adds a node with `nOut` outputs (fresh names) and returns them. */
  node(
    opType: string,
    inputs: string[],
    attributes: Record<string, OnnxAttribute> = {},
    opts: { nOut?: number; name?: string } = {},
  ): string[] {
    const name = this.fresh(opts.name ?? opType);
    const outputs = Array.from({ length: opts.nOut ?? 1 }, (_, i) => this.fresh(`${name}_out${i === 0 ? '' : i}`));
    this.nodes.push({ opType, name, inputs, outputs, attributes });
    return outputs;
  }

  /** Adds a one-output node and returns its output's name. */
  op(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, name?: string): string {
    return this.node(opType, inputs, attributes, { name })[0]!;
  }

  /** Whether an initializer of this name exists. */
  hasInitializer(name: string): boolean {
    return this.inits.has(name);
  }

  /**
   * Adds a float32 initializer holding `t` (the graph keeps it until {@link OnnxGraph.dispose}; the caller keeps
   * its own). Returns its name (`name` itself: initializers keep PyTorch's parameter names).
   */
  initializer(name: string, t: tf.Tensor): string {
    if (this.inits.has(name) || this.names.has(name)) throw new Error(`ONNX graph: initializer ${name} exists`);
    this.names.add(name);
    this.inits.set(name, { name, dtype: 'float32', dims: [...t.shape], tensor: tf.keep(tf.cast(t, 'float32')) });
    return name;
  }

  /** A constant int64 initializer (shapes, axes, indices), named freshly from `base`. */
  int64(values: readonly number[], base = 'const', dims: number[] = [values.length]): string {
    const name = this.fresh(base);
    this.inits.set(name, { name, dtype: 'int64', dims, ints: values });
    return name;
  }

  /** A constant float32 initializer, named freshly from `base`. */
  float(values: readonly number[], dims: number[], base = 'const'): string {
    const name = this.fresh(base);
    this.inits.set(name, { name, dtype: 'float32', dims, tensor: tf.keep(tf.tensor(values, dims, 'float32')) });
    return name;
  }

  /** Declares a graph input. */
  addInput(spec: OnnxTensorSpec): OnnxValue {
    if (this.names.has(spec.name)) throw new Error(`ONNX graph: input name ${spec.name} is taken`);
    this.names.add(spec.name);
    this.inputs.push(spec);
    return { name: spec.name, rank: spec.shape.length };
  }

  /** Declares a graph output: `value` renamed to `spec.name` (through an Identity node). */
  addOutput(spec: OnnxTensorSpec, value: OnnxValue): void {
    if (this.names.has(spec.name)) throw new Error(`ONNX graph: output name ${spec.name} is taken`);
    this.names.add(spec.name);
    this.nodes.push({
      opType: 'Identity',
      name: this.fresh(`${spec.name}_identity`),
      inputs: [value.name],
      outputs: [spec.name],
      attributes: {},
    });
    this.outputs.push(spec);
  }

  /** Number of nodes so far. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The GraphProto as a plain object for protobufjs (reads the initializers' data asynchronously). */
  async toProto(name: string): Promise<Record<string, unknown>> {
    const initializer = [];
    for (const s of this.inits.values()) {
      let raw: Uint8Array;
      if (s.dtype === 'int64') {
        const a = BigInt64Array.from(s.ints ?? [], (v) => BigInt(v));
        raw = new Uint8Array(a.buffer);
      } else {
        const d = (await s.tensor!.data()) as Float32Array;
        raw = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
      }
      initializer.push({ name: s.name, dims: s.dims, dataType: DATA_TYPE[s.dtype], rawData: raw });
    }
    return {
      name,
      node: this.nodes.map((n) => ({
        name: n.name,
        opType: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes).map(([k, a]) => attributeProto(k, a)),
      })),
      initializer,
      input: this.inputs.map(valueInfo),
      output: this.outputs.map(valueInfo),
    };
  }

  /** Releases the tensors the initializers hold. */
  dispose(): void {
    for (const s of this.inits.values()) s.tensor?.dispose();
    this.inits.clear();
  }
}

function attributeProto(name: string, a: OnnxAttribute): Record<string, unknown> {
  if ('i' in a) return { name, type: ATTR_TYPE.i, i: a.i };
  if ('f' in a) return { name, type: ATTR_TYPE.f, f: a.f };
  if ('s' in a) return { name, type: ATTR_TYPE.s, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: ATTR_TYPE.ints, ints: [...a.ints] };
  return { name, type: ATTR_TYPE.floats, floats: [...a.floats] };
}

function valueInfo(s: OnnxTensorSpec): Record<string, unknown> {
  return {
    name: s.name,
    docString: s.doc,
    type: {
      tensorType: {
        elemType: DATA_TYPE[s.dtype],
        shape: { dim: s.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
