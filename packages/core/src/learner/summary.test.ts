// fastai's learn.summary() (callback/hook.py module_summary): the layer table of one batch run through hooks.
// Expected text built from fastai's format strings: 76-wide rules, columns of 20/20/10/10, sections per shape.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReLU } from '../nn/layers/activation.js';
import { BatchNorm1d } from '../nn/layers/batchnorm.js';
import { Sequential } from '../nn/layers/container.js';
import { Dropout } from '../nn/layers/dropout.js';
import { Linear } from '../nn/layers/linear.js';
import { manualSeed } from '../nn/random.js';
import { creditDls, loadCredit, type CreditData } from '../test-utils/credit.js';
import { Learner } from './learner.js';
import { moduleSummary } from './summary.js';

let data: CreditData;
beforeAll(() => {
  data = loadCredit();
});

const row = (t: string, p = '', tr = '') => `${t.padEnd(20)} ${''.padEnd(20)} ${p.padEnd(10)} ${tr.padEnd(10)}`;
const shape = (s: string) => `${''.padEnd(20)} ${s.padEnd(20)}`;

describe('learn.summary()', () => {
  it("fastai's table on the credit MLP: shapes with the batch size, parameters, trainable flags, totals, optimizer, loss, callbacks", async () => {
    manualSeed(0);
    const f = data.nFeatures;
    const model = new Sequential(
      new Linear(f, 32),
      new ReLU(true),
      new BatchNorm1d(32),
      new Dropout(0.1),
      new Linear(32, 2),
    );
    const learn = new Learner(creditDls(data, 64), model, { progress: false });
    learn.freezeTo(0);
    const n0 = tf.memory().numTensors;
    const text = await learn.summary();
    expect(tf.memory().numTensors).toBe(n0);
    const p1 = f * 32 + 32;
    const total = p1 + 64 + 66;
    const want = [
      `Sequential (Input shape: 64 x ${f})`,
      '='.repeat(76),
      `${'Layer (type)'.padEnd(20)} ${'Output Shape'.padEnd(20)} ${'Param #'.padEnd(10)} ${'Trainable'.padEnd(10)}`,
      '='.repeat(76),
      shape('64 x 32'),
      row('Linear', String(p1), 'True'),
      row('ReLU'),
      row('BatchNorm1d', '64', 'True'),
      row('Dropout'),
      '_'.repeat(76),
      shape('64 x 2'),
      row('Linear', '66', 'True'),
      '_'.repeat(76),
      '',
      `Total params: ${total.toLocaleString('en-US')}`,
      `Total trainable params: ${total.toLocaleString('en-US')}`,
      'Total non-trainable params: 0',
      '',
      'Optimizer used: adam',
      'Loss function: CrossEntropyLossFlat(axis=-1, labelSmoothing=0)',
      '',
      'Model unfrozen',
      '',
      'Callbacks:',
      '  - Recorder',
      '  - ProgressCallback',
    ].join('\n');
    expect(text).toBe(want);
    learn.dispose();
  });

  it('frozen layers show False and count as non-trainable', () => {
    manualSeed(0);
    const body = new Linear(4, 8);
    const model = new Sequential(body, new ReLU(), new Linear(8, 3));
    for (const p of body.parameters()) p.requiresGrad = false;
    const text = moduleSummary(model, [tf.zeros([16, 4])]);
    expect(text).toContain(row('Linear', '40', 'False'));
    expect(text).toContain('Total params: 67\nTotal trainable params: 27\nTotal non-trainable params: 40\n');
    expect(text.split('\n')[0]).toBe('Sequential (Input shape: 16 x 4)');
    model.dispose();
  });
});
