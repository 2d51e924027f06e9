// CSVLogger writes every epoch the Recorder records, the one on which EarlyStoppingCallback stops training included
// (fastai's CSVLogger writes through the Recorder's logger, so it always gets the row).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Linear } from '../../nn/layers/linear.js';
import { manualSeed } from '../../nn/random.js';
import { creditDls, loadCredit, type CreditData } from '../../test-utils/credit.js';
import { Learner } from '../learner.js';
import { accuracy } from '../metrics/index.js';
import { CSVLogger } from './csv-logger.js';
import { EarlyStoppingCallback } from './tracker.js';

let data: CreditData;
let dir: string;
beforeAll(async () => {
  data = loadCredit();
  dir = await mkdtemp(join(tmpdir(), 'tfai-csvlogger-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('CSVLogger', () => {
  it('writes the epoch on which EarlyStoppingCallback stops training (rows = the Recorder’s rows)', async () => {
    manualSeed(0);
    const small = { ...data, train: data.train.slice(0, 256), valid: data.valid.slice(0, 128) };
    const learn = new Learner(creditDls(small, 64), new Linear(data.nFeatures, 2), {
      metrics: [accuracy()],
      progress: false,
      logger: () => undefined,
      path: dir,
    });
    // Never an improvement: patience 2 stops at the end of epoch 1 (of 5).
    const stop = new EarlyStoppingCallback({ comp: () => false, patience: 2 });
    const csv = new CSVLogger('history.csv');
    await learn.fit(5, 1e-3, { cbs: [stop, csv] });
    expect(learn.recorder.values).toHaveLength(2);
    const lines = (await readFile(join(dir, 'history.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('epoch,train_loss,valid_loss,accuracy,time');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1']);
    lines.slice(1).forEach((l, e) => {
      const cols = l.split(',').map(Number);
      learn.recorder.values[e].forEach((v, i) => expect(cols[i + 1]).toBe(v));
    });
    learn.dispose();
  });
});
