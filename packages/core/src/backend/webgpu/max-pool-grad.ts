/**
 * `MaxPoolGrad` for webgpu: tfjs-backend-webgpu 4.22's kernel, with its positions shader routing each window's
 * gradient to the *first* maximum (row-major), as PyTorch's `max_pool2d` and tfjs's cpu backend do. The stock
 * shader keeps `value >= max`, so ties (ReLU zeros, saturated pixels) send the gradient to the last maximum.
 *
 *   dx[n, y, x, c] = Σ_{i, j : first argmax of window(i, j) = (y, x)} dy[n, i, j, c]
 *
 * The stock kernel runs unchanged except for that one comparison: its `pool2D_max_true…` program gets the
 * first-maximum test and a shader key of its own (the pipeline cache is keyed by it).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelDef } from '../registry.js';

interface Program {
  shaderKey: string;
  getUserCode(): string;
}
interface ProgramRunner {
  runWebGPUProgram(program: Program, ...rest: unknown[]): tf.TensorInfo;
}

const STOCK = 'if (value >= currMaxValue) {';
const FIRST = 'if (maxValueFound == 0.0 || value > currMaxValue) {';

/** The positions program with the first-maximum comparison (throws if tfjs's shader changed). */
function firstMaximum(p: Program): Program {
  const code = p.getUserCode();
  if (!code.includes(STOCK))
    throw new Error("tfjs-backend-webgpu's max-pool positions shader changed: update tfai's MaxPoolGrad");
  p.getUserCode = () => code.replace(STOCK, FIRST);
  p.shaderKey = `tfai_first_max_${p.shaderKey}`;
  return p;
}

/** Runs the stock kernel with its positions program patched. */
function wrap(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as ProgramRunner;
    const own = Object.prototype.hasOwnProperty.call(backend, 'runWebGPUProgram');
    const run = backend.runWebGPUProgram;
    backend.runWebGPUProgram = function (this: ProgramRunner, program: Program, ...rest: unknown[]) {
      return run.call(this, program.shaderKey.startsWith('pool2D_max_true') ? firstMaximum(program) : program, ...rest);
    };
    try {
      return stock(args);
    } finally {
      if (own) backend.runWebGPUProgram = run;
      else delete (backend as Partial<ProgramRunner>).runWebGPUProgram;
    }
  };
}

/** The kernel (webgpu, around the stock one). */
export const maxPoolGradWebGPUKernels: readonly KernelDef[] = [
  { name: tf.MaxPoolGrad, backends: ['webgpu'], fallback: 'stock', kernel: wrap },
];
