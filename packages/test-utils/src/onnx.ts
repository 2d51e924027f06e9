// ONNX checks for the export tests: ONNX Runtime (onnxruntime-node, CPU) against tfai's eval-mode outputs, and
// onnx.checker with full_check through Debian's python3-onnx.
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { BatchNorm1d, BatchNorm2d, type Module } from '@tfai/core/nn';
import { relErr } from './fixtures.js';

/** An input for both runtimes: tfai's tensor (NHWC images) and its ONNX graph input name. */
export interface ParityInput {
  name: string;
  tensor: tf.Tensor;
}

/** Runs an ONNX file (or bytes) on ONNX Runtime; images given NHWC are fed NCHW unless `nhwc`. */
export async function ortRun(
  model: string | Uint8Array,
  inputs: ParityInput[],
  opts: { nhwc?: boolean } = {},
): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await sessionFor(model);
  {
    const feeds: Record<string, ort.Tensor> = {};
    for (const { name, tensor } of inputs) {
      if (tensor.dtype === 'int32') {
        const v = (await tensor.data()) as Int32Array;
        feeds[name] = new ort.Tensor(
          'int64',
          BigInt64Array.from(v, (x) => BigInt(x)),
          tensor.shape,
        );
      } else {
        const t = tensor.rank === 4 && !opts.nhwc ? tf.transpose(tensor, [0, 3, 1, 2]) : tensor;
        feeds[name] = new ort.Tensor('float32', (await t.data()) as Float32Array, t.shape);
        if (t !== tensor) t.dispose();
      }
    }
    const out = await session.run(feeds);
    const first = out[session.outputNames[0]!]!;
    return { data: first.data as Float32Array, dims: first.dims.map(Number) };
  }
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();
/** One ONNX Runtime session per file for the test process (a U-Net file takes seconds to load). */
function sessionFor(model: string | Uint8Array): Promise<ort.InferenceSession> {
  if (typeof model !== 'string') return ort.InferenceSession.create(model);
  let s = sessions.get(model);
  if (!s) sessions.set(model, (s = ort.InferenceSession.create(model)));
  return s;
}

/**
 * The max relative error of ONNX Runtime's output against tfai's `out` (NHWC image outputs are compared as
 * NCHW unless `nhwc`), and ORT's output shape.
 */
export async function ortRelErr(
  model: string | Uint8Array,
  inputs: ParityInput[],
  out: tf.Tensor,
  opts: { nhwc?: boolean } = {},
): Promise<{ err: number; dims: number[] }> {
  const ortOut = await ortRun(model, inputs, opts);
  const ref = out.rank === 4 && !opts.nhwc ? tf.transpose(out, [0, 3, 1, 2]) : out;
  const refData = (await ref.data()) as Float32Array;
  if (ref !== out) ref.dispose();
  return { err: relErr(ortOut.data, refData), dims: ortOut.dims };
}

let python: string | null | undefined;
/** A python3 whose `import onnx` works (Debian's python3-onnx), or null. */
export function pythonWithOnnx(): string | null {
  if (python !== undefined) return python;
  python = null;
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import onnx'], { stdio: 'ignore' });
      python = candidate;
      break;
    } catch {
      // next candidate
    }
  }
  return python;
}

/** Why the onnx.checker test is skipped here, or undefined when it runs (never skipped under CI=true). */
export const onnxCheckerSkip: string | undefined =
  process.env.CI === 'true' || pythonWithOnnx()
    ? undefined
    : "python3's `import onnx` fails (apt install python3-onnx)";

/** `onnx.checker.check_model(m, full_check=True)` on a file; returns the model's node count and opset. */
export function onnxCheck(file: string): { nodes: number; opset: number; irVersion: number } {
  const py = pythonWithOnnx();
  if (!py) throw new Error('no python3 with `import onnx` (apt install python3-onnx)');
  const script = [
    'import sys, json, onnx',
    'm = onnx.load(sys.argv[1])',
    'onnx.checker.check_model(m, full_check=True)',
    "print(json.dumps({'nodes': len(m.graph.node), 'opset': m.opset_import[0].version, 'irVersion': m.ir_version}))",
  ].join('\n');
  return JSON.parse(execFileSync(py, ['-c', script, file], { encoding: 'utf8' })) as {
    nodes: number;
    opset: number;
    irVersion: number;
  };
}

/**
 * Gives every BatchNorm of a model running statistics and affine parameters that matter (fresh ones make it
 * nearly the identity, which would hide a wrong inference form). Seeded.
 */
export function randomizeBatchNorms(model: Module<never[], unknown>, seed = 1): void {
  let k = seed;
  for (const l of model.modules())
    if (l instanceof BatchNorm1d || l instanceof BatchNorm2d)
      tf.tidy(() => {
        const n = l.numFeatures;
        l.runningMean.assign(tf.randomNormal([n], 0, 0.3, 'float32', k++));
        l.runningVar.assign(tf.randomUniform([n], 0.5, 2, 'float32', k++));
        l.weight?.variable.assign(tf.randomUniform([n], 0.5, 1.5, 'float32', k++));
        l.bias?.variable.assign(tf.randomNormal([n], 0, 0.2, 'float32', k++));
      });
}
