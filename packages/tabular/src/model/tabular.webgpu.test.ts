// The webgpu parity suite for tabular: fastai's TabularModel (state dict and eval outputs from fastai), embedding
// gradients, and a titanic training run through Learner whose per-batch losses equal the cpu backend's with the
// same seed, with the tensor count flat.
import * as tf from '@tensorflow/tfjs-core';
import { Callback, manualSeed } from '@tfai/core';
import { datasets } from '@tfai/datasets';
import { expect, it } from 'vitest';
import { describeWebGPU, relError } from '@tfai/test-utils/webgpu';
import { TabularDataLoaders } from '../data/tabular-dataloaders.js';
import { tabularLearner } from '../learner/tabular-learner.js';
import { EMB_CODES, expectedEmbGrads, twoTableModel } from '../test-utils/embedding-grads.js';
import { tabularParity, toTensor } from '../test-utils/fixtures.js';
import { TITANIC } from '../test-utils/real-data.js';

const TITANIC_CSV = `${datasets.path('titanic')}/titanic.csv`;

/** The number of live tensors after every training batch. */
class TensorCount extends Callback {
  counts: number[] = [];
  constructor() {
    super();
    this.runValid = false;
  }
  override afterBatch(): void {
    this.counts.push(tf.memory().numTensors);
  }
}

/** Trains a tabular learner on titanic for `epochs` on `backend`; the raw loss of every batch and the tensor counts. */
async function titanicRun(
  backend: string,
  epochs: number,
): Promise<{ losses: number[]; counts: number[]; validLoss: number }> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    manualSeed(0);
    const dls = await TabularDataLoaders.fromCsv(TITANIC_CSV, { ...TITANIC, seed: 42 });
    const count = new TensorCount();
    const learn = tabularLearner(dls, { progress: false, cbs: [count] });
    await learn.fitOneCycle(epochs, 1e-2);
    const { validLoss } = await learn.validate();
    const losses = learn.recorder.losses.slice();
    learn.dispose();
    return { losses, counts: count.counts, validLoss };
  } finally {
    await tf.setBackend(previous);
  }
}

describeWebGPU('TabularModel and a titanic training run', () => {
  it('loads parity_tabular_model.json (PyTorch names) and reproduces its eval outputs to 1e-5', async () => {
    const { fx, model: m, sd } = tabularParity();
    m.loadStateDict(sd);
    m.eval();
    const out = tf.tidy(() => m.call(toTensor(fx.x_cat), toTensor(fx.x_cont)));
    const ref = toTensor(fx.output);
    expect(out.shape).toEqual(fx.output.shape);
    expect(await relError(out, ref)).toBeLessThan(1e-5);
    tf.dispose([out, ref, ...Object.values(sd)]);
    m.dispose();
  });

  it('embedding gradients land in the right table rows, duplicates summed', async () => {
    const m = twoTableModel();
    const ws = m.embeds.items().map((e) => e.weight.variable);
    const t = Array.from({ length: 3 }, (_, b) => Array.from({ length: 5 }, (_, j) => Math.sin(1 + b * 5 + j)));
    const target = tf.tensor2d(t);
    const expected = expectedEmbGrads(t);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(m.embed(tf.tensor2d(EMB_CODES, [3, 2], 'int32')), target)) as tf.Scalar,
      ws,
    );
    for (const [i, w] of ws.entries()) {
      const e = tf.tensor2d(expected[i]);
      expect(await relError(grads[w.name], e)).toBeLessThan(1e-6);
      e.dispose();
    }
    tf.dispose([value, target, ...Object.values(grads)]);
    m.dispose();
  });

  it('titanic through Learner, 2 epochs: the per-batch losses equal cpu’s to 1e-4, the tensor count stays flat', async () => {
    const cpu = await titanicRun('cpu', 2);
    const gpu = await titanicRun('webgpu', 2);
    expect(gpu.losses).toHaveLength(cpu.losses.length);
    expect(cpu.losses.length).toBeGreaterThanOrEqual(20);
    for (let i = 0; i < 10; i++) expect(Math.abs(gpu.losses[i] - cpu.losses[i]), `batch ${i}`).toBeLessThan(1e-4);
    // Training goes the same way to the end (float32 sums in another order drift a little).
    expect(Math.abs(gpu.validLoss - cpu.validLoss)).toBeLessThan(1e-3);
    expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0]);
    // Flat across epochs: within an epoch the Recorder keeps the last few losses on the device until its grouped
    // read completes (when, depends on the device: the exact counts differ run to run), so the count moves by a
    // few tensors; a leak of one tensor per batch would add `nb` in the second epoch.
    const nb = gpu.counts.length / 2;
    const [first, second] = [gpu.counts.slice(0, nb), gpu.counts.slice(nb)];
    expect(Math.max(...second), `tensor counts ${gpu.counts.join(' ')}`).toBeLessThanOrEqual(Math.max(...first) + 2);
    expect(Math.max(...gpu.counts) - Math.min(...gpu.counts)).toBeLessThanOrEqual(16);
    expect(Math.abs(Math.max(...gpu.counts) - Math.max(...cpu.counts))).toBeLessThanOrEqual(4);
  });
});
