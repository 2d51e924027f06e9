// ONNX form of core's LSTM (batch-first values [N, T, C]): ONNX's LSTM operator per layer, on PyTorch's
// weights kept under their own names and reordered in the graph from PyTorch's gates (i, f, g, o) to ONNX's
// (i, o, f, c), a constant subgraph ONNX Runtime folds when it loads the model.
import type { LSTM } from '../nn/layers/lstm.js';
import type { OnnxContext } from './convert.js';
import type { OnnxGraph, OnnxValue } from './graph.js';

/** Options of {@link lstmToOnnx}. */
export interface LstmToOnnxOptions {
  /** The initializer of PyTorch's parameter `name` (`weight_ih_l0`…); default `ctx.param(name)`. */
  weight?: (name: string) => string;
  /** int32 [N] per-row sequence lengths (ONNX's `sequence_lens`): steps past them are not run. */
  seqLens?: string;
}

/** PyTorch's [4H, …] gate blocks (i, f, g, o) in ONNX's order (i, o, f, c). */
function reorderGates(g: OnnxGraph, w: string, hidden: number): string {
  const parts = g.node(
    'Split',
    [w, g.int64([hidden, hidden, hidden, hidden], 'gate_sizes')],
    { axis: { i: 0 } },
    { nOut: 4 },
  );
  return g.op('Concat', [parts[0]!, parts[3]!, parts[1]!, parts[2]!], { axis: { i: 0 } });
}

/**
 * Writes an LSTM (zero initial state, as after `reset()`) on a batch-first value [N, T, C]; returns [N, T, H·dirs].
 * @example
 * ```ts
 * const y = lstmToOnnx(lstm, x, ctx); // inside a converter
 * ```
 */
export function lstmToOnnx(m: LSTM, x: OnnxValue, ctx: OnnxContext, opts: LstmToOnnxOptions = {}): OnnxValue {
  const g = ctx.graph;
  const H = m.hiddenSize;
  const dirs = m.bidirectional ? 2 : 1;
  const weight = opts.weight ?? ((n: string) => ctx.param(n));
  if (x.rank !== 3) throw ctx.fail(`expects [batch, time, features] values, got rank ${x.rank}`);
  if (!m.batchFirst) throw ctx.fail('with batchFirst false has no ONNX form here');
  let seq = g.op('Transpose', [x.name], { perm: { ints: [1, 0, 2] } }); // [T, N, C]
  for (let l = 0; l < m.numLayers; l++) {
    const ws: string[] = [];
    const rs: string[] = [];
    const bs: string[] = [];
    for (let d = 0; d < dirs; d++) {
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      const unsq = (v: string) => g.op('Unsqueeze', [v, g.int64([0], 'axes')]);
      ws.push(unsq(reorderGates(g, weight(`weight_ih${sfx}`), H)));
      rs.push(unsq(reorderGates(g, weight(`weight_hh${sfx}`), H)));
      if (m.bias) {
        const b = g.op(
          'Concat',
          [reorderGates(g, weight(`bias_ih${sfx}`), H), reorderGates(g, weight(`bias_hh${sfx}`), H)],
          {
            axis: { i: 0 },
          },
        );
        bs.push(unsq(b));
      }
    }
    const cat = (v: string[]) => (v.length === 1 ? v[0]! : g.op('Concat', v, { axis: { i: 0 } }));
    const inputs = [seq, cat(ws), cat(rs), m.bias ? cat(bs) : ''];
    if (opts.seqLens) inputs.push(opts.seqLens);
    const y = g.op(
      'LSTM',
      inputs,
      { hidden_size: { i: H }, direction: { s: dirs === 2 ? 'bidirectional' : 'forward' } },
      `${ctx.path}.l${l}`,
    ); // [T, dirs, N, H]
    const tnh = g.op('Transpose', [y], { perm: { ints: [0, 2, 1, 3] } }); // [T, N, dirs, H]
    seq = g.op('Reshape', [tnh, g.int64([0, 0, dirs * H], 'shape')]);
  }
  return { name: g.op('Transpose', [seq], { perm: { ints: [1, 0, 2] } }), rank: 3 };
}
