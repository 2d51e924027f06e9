// exportOnnx: a learner's model (or a bare Module) as an ONNX ModelProto written from the module tree, no
// tracing: opset 17, IR version 8, dynamic batch, PyTorch's parameter names on the initializers; beside it
// `<stem>.onnx.json`, the description a consumer needs to prepare inputs (also in the model's metadata_props).
import { mkdir } from '#platform/fs';
import { dirname } from '#platform/path';
import type { Root, Type } from 'protobufjs';
import { atomicWrite } from '../io/safetensors.js';
import { OnnxExportError } from '../errors.js';
import type { Learner } from '../learner/learner.js';
import type { BuilderSpec } from '../learner/learner-options.js';
import type { LossSpec } from '../learner/loss.js';
import { Module, type AnyModule } from '../nn/module.js';
import { registerBuiltins } from './builtins.js';
import { inputsOf, OnnxConverterWalk } from './convert.js';
import { OnnxGraph, type OnnxTensorSpec, type OnnxValue } from './graph.js';
import { ONNX_PROTO } from './onnx-proto.js';

/** The opset tfai writes. */
export const ONNX_OPSET = 17;
/** The IR version matching opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /** The graph inputs (default: what the model declares, or one NCHW float image for a conv body). */
  inputs?: OnnxTensorSpec[];
  /** Layout of image inputs and outputs: `'NCHW'` (default, as a PyTorch export) or `'NHWC'` (as tfai's tensors). */
  layout?: 'NCHW' | 'NHWC';
  /**
   * Apply the loss's activation in the graph (softmax for cross-entropy, sigmoid for BCE), as `learn.predict`
   * does: the output is then `probabilities` instead of `logits`. Default false. For a bare module, name it.
   */
  activation?: boolean | 'softmax' | 'sigmoid';
  /** Name of the graph's output (default `logits`, `probabilities` or `output`, from the loss and activation). */
  outputName?: string;
  /** Write `<stem>.onnx.json` beside the model (default true; the same JSON is always in metadata_props `tfai`). */
  json?: boolean;
  /** More fields for the description (a bare module's preprocessing, for instance). */
  metadata?: Record<string, unknown>;
}

/** The JSON written beside the `.onnx` (and into its metadata_props under `tfai`). */
export interface OnnxDescription {
  format: 'tfai-onnx';
  version: 1;
  opset: number;
  irVersion: number;
  /** Image layout of the inputs and image outputs. */
  layout: 'NCHW' | 'NHWC';
  inputs: OnnxTensorSpec[];
  outputs: OnnxTensorSpec[];
  /** The activation applied inside the graph, or null (the output is the model's raw output). */
  activation: 'softmax' | 'sigmoid' | null;
  /** The learner's loss (whose activation and decodes give predictions from the raw output). */
  loss?: LossSpec;
  /** How the learner was built: its arguments hold the preprocessing (classes, normalisation, procs, size…). */
  builder?: BuilderSpec;
  /** The learner's vocab (class names, or a text model's tokens). */
  vocab?: unknown;
  [extra: string]: unknown;
}

/** What {@link exportOnnx} wrote. */
export interface OnnxExportResult {
  onnx: string;
  json?: string;
  bytes: number;
  nodes: number;
  description: OnnxDescription;
}

type LearnerLike = Pick<Learner, 'model' | 'lossFunc' | 'builder' | 'dls'>;

/**
 * The graph inputs a module declares (`static onnxInputs`), else its first descendant's, a Conv2d giving one
 * NCHW float image `image` [batch, C, height, width].
 * @example
 * ```ts
 * inputsOfModule(resnet18()); // [{ name: 'image', dtype: 'float32', shape: ['batch', 3, 'height', 'width'], … }]
 * ```
 */
export function inputsOfModule(model: AnyModule, ctxPath = ''): OnnxTensorSpec[] {
  const own = inputsOf(model);
  if (own) return own;
  const first = model.namedChildren()[0];
  const w = (model as { weight?: { shape: number[] } }).weight;
  if (model.typeName === 'Conv2d' && w)
    return [
      {
        name: 'image',
        dtype: 'float32',
        shape: ['batch', w.shape[2]!, 'height', 'width'],
        doc: 'images, NCHW float32 (normalised as the description says)',
      },
    ];
  if (!first)
    throw new OnnxExportError(ctxPath || '(root)', model.typeName, 'declares no inputs: pass `inputs` to exportOnnx');
  return inputsOfModule(first[1], ctxPath ? `${ctxPath}.${first[0]}` : first[0]);
}

function activationOf(opts: ExportOnnxOptions, loss: LossSpec | undefined): 'softmax' | 'sigmoid' | null {
  if (opts.activation === 'softmax' || opts.activation === 'sigmoid') return opts.activation;
  if (!opts.activation) return null;
  if (loss?.name === 'CrossEntropyLossFlat') return 'softmax';
  if (loss?.name === 'BCEWithLogitsLossFlat') return 'sigmoid';
  return null;
}

let protoRoot: Promise<Root> | undefined;
async function modelType(): Promise<Type> {
  protoRoot ??= import('protobufjs').then((pb) => pb.default.parse(ONNX_PROTO, { keepCase: false }).root);
  return (await protoRoot).lookupType('onnx.ModelProto');
}

/**
 * Builds the ONNX graph of a module in eval mode (no file written). Mostly for {@link exportOnnx}; also handy
 * to inspect a model's ONNX form.
 * @example
 * ```ts
 * const { bytes, description } = await onnxBytes(model, { inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }] });
 * ```
 */
export async function onnxBytes(
  source: LearnerLike | AnyModule,
  opts: ExportOnnxOptions = {},
): Promise<{ bytes: Uint8Array; nodes: number; description: OnnxDescription }> {
  registerBuiltins();
  const learn = source instanceof Module ? undefined : (source as LearnerLike);
  const model = (learn ? learn.model : source) as AnyModule;
  const layout = opts.layout ?? 'NCHW';
  if (layout !== 'NCHW' && layout !== 'NHWC')
    throw new OnnxExportError('(root)', model.typeName, `layout ${String(layout)} is not NCHW or NHWC`);
  const loss = learn?.lossFunc.spec;
  const act = activationOf(opts, loss);
  const inputs = opts.inputs ?? inputsOfModule(model);
  const graph = new OnnxGraph();
  const wasTraining = model.modules().map((m) => m.training);
  model.eval();
  try {
    const values: OnnxValue[] = inputs.map((spec) => {
      const isImage = spec.dtype === 'float32' && spec.shape.length === 4;
      if (!isImage || layout === 'NCHW') return graph.addInput(spec);
      const [n, c, h, w] = spec.shape;
      const x = graph.addInput({ ...spec, shape: [n!, h!, w!, c!] });
      return { name: graph.op('Transpose', [x.name], { perm: { ints: [0, 3, 1, 2] } }, `${spec.name}_nchw`), rank: 4 };
    });
    const walk = new OnnxConverterWalk(graph);
    const outs = walk.convert(model, '', values);
    if (outs.length !== 1) throw new OnnxExportError('(root)', model.typeName, `gave ${outs.length} outputs, not 1`);
    let y = outs[0]!;
    if (act === 'softmax')
      y = { name: graph.op('Softmax', [y.name], { axis: { i: y.rank === 4 ? 1 : -1 } }), rank: y.rank };
    if (act === 'sigmoid') y = { name: graph.op('Sigmoid', [y.name]), rank: y.rank };
    if (y.rank === 4 && layout === 'NHWC')
      y = { name: graph.op('Transpose', [y.name], { perm: { ints: [0, 2, 3, 1] } }), rank: 4 };
    const classifier = loss?.name === 'CrossEntropyLossFlat' || loss?.name === 'BCEWithLogitsLossFlat';
    const outName = opts.outputName ?? (act ? 'probabilities' : classifier ? 'logits' : 'output');
    const shape = Array.from({ length: y.rank }, (_, i) => (i === 0 ? 'batch' : `${outName}_${i}`));
    const outSpec: OnnxTensorSpec = {
      name: outName,
      dtype: 'float32',
      shape,
      doc: act
        ? `the model's outputs after ${act} (what learn.predict decodes)`
        : classifier
          ? `raw logits; ${loss!.name === 'CrossEntropyLossFlat' ? 'softmax' : 'sigmoid'} gives probabilities`
          : "the model's raw output",
    };
    graph.addOutput(outSpec, y);
    const declared = graph.inputs.map((s) => ({ ...s }));
    const description: OnnxDescription = {
      format: 'tfai-onnx',
      version: 1,
      opset: ONNX_OPSET,
      irVersion: ONNX_IR_VERSION,
      layout,
      inputs: declared,
      outputs: [outSpec],
      activation: act,
      ...(loss ? { loss } : {}),
      ...(learn?.builder ? { builder: learn.builder } : {}),
      ...(learn?.dls.vocab !== undefined ? { vocab: learn.dls.vocab } : {}),
      ...opts.metadata,
    };
    const Model = await modelType();
    const proto = {
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'tfai',
      producerVersion: '0.1.0',
      docString: `${model.typeName} exported by tfai`,
      graph: await graph.toProto(model.typeName),
      metadataProps: [{ key: 'tfai', value: JSON.stringify(description) }],
    };
    const bytes = Model.encode(Model.fromObject(proto)).finish();
    return { bytes, nodes: graph.nodeCount, description };
  } finally {
    graph.dispose();
    model.modules().forEach((m, i) => (m.training = wasTraining[i] ?? m.training));
  }
}

/**
 * Writes a learner's model (or a bare `Module`) as ONNX: opset 17, IR version 8, dynamic batch, NCHW float
 * images (`layout: 'NHWC'` for tfai's order), weights as initializers with PyTorch's names, BatchNorm in
 * inference form, Dropout removed. Beside it, `<stem>.onnx.json`: inputs, outputs, loss, and the learner's
 * builder (classes, normalisation, procs, image size…) to prepare inputs in any language. Atomic; a layer with
 * no ONNX form is an {@link OnnxExportError} naming its path and type, and nothing is written.
 * @example
 * ```ts
 * const { onnx, json } = await exportOnnx(learn, 'models/pets.onnx', { activation: true });
 * // python: onnxruntime.InferenceSession('models/pets.onnx').run(None, {'image': x})
 * ```
 */
export async function exportOnnx(
  source: LearnerLike | AnyModule,
  file: string,
  opts: ExportOnnxOptions = {},
): Promise<OnnxExportResult> {
  const { bytes, nodes, description } = await onnxBytes(source, opts);
  const onnx = file.endsWith('.onnx') ? file : `${file}.onnx`;
  await mkdir(dirname(onnx), { recursive: true });
  let json: string | undefined;
  if (opts.json ?? true) {
    json = `${onnx.slice(0, -'.onnx'.length)}.onnx.json`;
    await atomicWrite(json, JSON.stringify(description, null, 2) + '\n');
  }
  await atomicWrite(onnx, bytes);
  return { onnx, ...(json ? { json } : {}), bytes: bytes.length, nodes, description };
}
