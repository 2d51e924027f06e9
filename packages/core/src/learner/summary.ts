// fastai's `Learner.summary()` and `module_summary` (callback/hook.py): one batch through the model with a forward
// hook on every leaf module, then Keras's layer table (type, output shape, parameters, trainable), the totals, the
// optimizer, the loss, the freezing state and the callbacks.
import * as tf from '@tensorflow/tfjs-core';
import type { AnyModule } from '../nn/module.js';
import type { Learner } from './learner.js';

/** One row of {@link moduleSummary}: a leaf module after its last call. */
export interface LayerSummary {
  /** The module's class name (PyTorch's). */
  type: string;
  /** Its own parameters' element count; undefined for a layer without parameters (an activation, a pool). */
  params: number | undefined;
  /** Whether its first parameter is trainable; undefined without parameters. */
  trainable: boolean | undefined;
  /** Output shape(s), batch dimension included. */
  shape: number[] | number[][];
  /** Whether the output has the input's shape (fastai's `same`: no new section in the table). */
  same: boolean;
}

const W = 76;

/** fastai's `_print_shapes`: `bs x d1 x d2 …` (the batch dimension shown as `bs`), a list for several outputs. */
function printShapes(shape: number[] | number[][], bs: number): string {
  if (shape.length === 0 || typeof shape[0] === 'number')
    return [bs, ...(shape as number[]).slice(1)].map(String).join(' x ');
  return `[${(shape as number[][]).map((s) => `'${printShapes(s, bs)}'`).join(', ')}]`;
}

const pad = (s: string, n: number) => (s.length < n ? s + ' '.repeat(n - s.length) : s);

/** The leaf modules (no children) of `m` in tree order, each once (fastai's `flatten_model`). */
function leaves(m: AnyModule): AnyModule[] {
  const out: AnyModule[] = [];
  const seen = new Set<AnyModule>();
  for (const x of m.modules())
    if (x.children().length === 0 && !seen.has(x)) {
      seen.add(x);
      out.push(x);
    }
  return out;
}

function shapeOf(o: unknown): number[] | number[][] | undefined {
  if (o instanceof tf.Tensor) return o.shape;
  if (Array.isArray(o)) {
    const s = o.filter((t): t is tf.Tensor => t instanceof tf.Tensor).map((t) => t.shape);
    return s.length ? s : undefined;
  }
  return undefined;
}

/**
 * fastai's `layer_info`: runs the first item of `xs` through the model in eval mode (nothing read back from the
 * device) with a forward hook on every leaf module and returns one row per module that ran, in the model's order.
 * @example
 * ```ts
 * const rows = layerInfo(learn.model, [tf.zeros([1, 8])]);
 * ```
 */
export function layerInfo(model: { call(...x: tf.Tensor[]): tf.Tensor } & AnyModule, xs: tf.Tensor[]): LayerSummary[] {
  const mods = leaves(model);
  const stored = new Map<AnyModule, LayerSummary>();
  const handles = mods.map((m) =>
    m.registerForwardHook((mod, inputs, output) => {
      const shape = shapeOf(output);
      if (!shape) return;
      const own = mod.parameters();
      const first = inputs[0];
      const same =
        first instanceof tf.Tensor &&
        output instanceof tf.Tensor &&
        first.shape.slice(1).join() === output.shape.slice(1).join();
      stored.set(mod, {
        type: mod.typeName,
        params: own.length ? own.reduce((a, p) => a + p.size, 0) : undefined,
        trainable: own.length ? own[0].requiresGrad : undefined,
        shape,
        same,
      });
    }),
  );
  const wasTraining = model.training;
  model.eval();
  try {
    tf.tidy(() => {
      model.call(...xs.map((x) => x.slice(0, 1)));
    });
  } finally {
    handles.forEach((h) => h.remove());
    model.train(wasTraining);
  }
  return mods.filter((m) => stored.has(m)).map((m) => stored.get(m)!);
}

/**
 * fastai's `module_summary`: the layer table of `model` on the batch `xs` (`bs` is `xs[0]`'s batch size): a section
 * per output shape (a new one where a layer changes the shape), each layer's type, parameter count and whether it
 * is trainable, then the totals. Shapes are tfai's (NHWC for images).
 * @example
 * ```ts
 * console.log(moduleSummary(model, [tf.zeros([64, 8])]));
 * ```
 */
export function moduleSummary(model: { call(...x: tf.Tensor[]): tf.Tensor } & AnyModule, xs: tf.Tensor[]): string {
  const infos = layerInfo(model, xs);
  const bs = xs[0]?.shape[0] ?? 1;
  const inp =
    xs.length === 1
      ? printShapes(xs[0].shape, bs)
      : printShapes(
          xs.map((x) => x.shape),
          bs,
        );
  let res = `${model.typeName} (Input shape: ${inp})\n`;
  res += '='.repeat(W) + '\n';
  res += `${pad('Layer (type)', 20)} ${pad('Output Shape', 20)} ${pad('Param #', 10)} ${pad('Trainable', 10)}\n`;
  res += '='.repeat(W);
  let ps = 0;
  let trn = 0;
  let prev: string | undefined;
  infos.forEach((o, j) => {
    const sz = printShapes(o.shape, bs);
    if (j === 0) res += `\n${pad('', 20)} ${pad(sz.slice(0, 19), 20)}`;
    else if (!o.same && prev !== sz) res += `\n${'_'.repeat(W)}\n${pad('', 20)} ${pad(sz.slice(0, 19), 20)}`;
    const np = o.params === undefined ? '' : String(o.params);
    const tr = o.trainable === undefined ? '' : o.trainable ? 'True' : 'False';
    res += `\n${pad(o.type, 20)} ${pad('', 20)} ${pad(np, 10)} ${pad(tr, 10)}`;
    if (o.params !== undefined) {
      ps += o.params;
      if (o.trainable) trn += o.params;
    }
    prev = sz;
  });
  const n = (v: number) => v.toLocaleString('en-US');
  res += `\n${'_'.repeat(W)}\n`;
  res += `\nTotal params: ${n(ps)}\n`;
  res += `Total trainable params: ${n(trn)}\n`;
  res += `Total non-trainable params: ${n(ps - trn)}\n\n`;
  return res;
}

/**
 * fastai's `Learner.summary()`: {@link moduleSummary} on the first training batch, then the optimizer, the loss,
 * the freezing state (when the optimizer exists) and the callbacks in order.
 * @example
 * ```ts
 * console.log(await learnerSummary(learn));
 * ```
 */
export async function learnerSummary(learn: Learner): Promise<string> {
  const batch = await learn.dls.train.oneBatch();
  let res: string;
  try {
    res = moduleSummary(learn.model as Learner['model'] & AnyModule, batch.x);
  } finally {
    tf.dispose([...batch.x, batch.y]);
  }
  const spec = learn.lossFunc.spec;
  const args = Object.entries(spec.args)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  res += `Optimizer used: ${learn.optFunc.name || 'a custom optimizer'}\nLoss function: ${spec.name}(${args})\n\n`;
  if (learn.opt) {
    const f = learn.opt.frozenIdx;
    res += `Model ${f === 0 ? 'unfrozen' : `frozen up to parameter group #${f}`}\n\n`;
  }
  res += 'Callbacks:\n' + learn.callbacks.map((cb) => `  - ${cb.name}`).join('\n');
  return res;
}
