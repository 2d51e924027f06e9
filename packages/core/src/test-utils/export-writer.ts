// A process that exports a learner over and over (for the kill test in learner/export-kill.test.ts): every
// weight of export k equals k. Prints `ready` once set up, waits for a line `go <stem> <k>` on stdin, then
// exports k, k+1, … to <stem>, printing `k <ms>` once export k has completed.
import * as tf from '@tensorflow/tfjs-core';
import { DataLoader, DataLoaders } from '../data/dataloader.js';
import { Sequential } from '../nn/layers/container.js';
import { Linear } from '../nn/layers/linear.js';
import { exportLearner, registerLearnerBuilder } from '../learner/export.js';
import { Learner } from '../learner/learner.js';

/** The learner both sides build: a 256 → 256 → 2 MLP (about 66k parameters, a 260 KB weights file). */
export function killTestLearner(): Learner {
  const empty = new DataLoader({ length: 0, get: () => 0 }, { collate: () => ({ x: [], y: tf.zeros([0]) }) });
  return new Learner(
    new DataLoaders(empty, empty, { vocab: ['a', 'b'] }),
    new Sequential(new Linear(256, 256), new Linear(256, 2)),
    {
      progress: false,
      builder: { name: 'kill-test-mlp', args: {} },
    },
  );
}
registerLearnerBuilder('kill-test-mlp', () => killTestLearner());

async function main(learn: Learner, stem: string, start: number): Promise<void> {
  for (let k = start; ; k++) {
    const sd = learn.model.stateDict();
    const filled = Object.fromEntries(Object.entries(sd).map(([n, t]) => [n, tf.fill(t.shape, k)]));
    learn.model.loadStateDict(filled);
    tf.dispose([...Object.values(sd), ...Object.values(filled)]);
    const t0 = performance.now();
    await exportLearner(learn, stem);
    process.stdout.write(`${k} ${(performance.now() - t0).toFixed(1)}\n`);
  }
}

if (process.argv[2] === '--write') {
  const learn = killTestLearner();
  // Warm up (the backend initialises on the first op) so that exports start as soon as `go` comes.
  tf.dispose(Object.values(learn.model.stateDict()));
  process.stdout.write('ready\n');
  process.stdin.once('data', (line) => {
    const [, stem, k] = String(line).trim().split(' ');
    void main(learn, stem, Number(k));
  });
}
