// TFAI_EPOCH_TIMES: the Recorder appends one line per epoch of a real fit (credit_data), with its time and losses as
// the Recorder holds them; a file already there is kept; unset, nothing is written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Sequential } from '../../nn/layers/container.js';
import { Linear } from '../../nn/layers/linear.js';
import { ReLU } from '../../nn/layers/activation.js';
import { manualSeed } from '../../nn/random.js';
import { creditDls, loadCredit, type CreditData } from '../../test-utils/credit.js';
import { Learner } from '../learner.js';
import { accuracy } from '../metrics/index.js';
import type { EpochTimeRecord } from './epoch-times.js';

let data: CreditData;
let dir: string;
beforeAll(() => {
  data = loadCredit();
  dir = mkdtempSync(join(tmpdir(), 'tfai-epoch-times-'));
  return () => rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.TFAI_EPOCH_TIMES;
});

async function fit(nEpoch: number): Promise<Learner> {
  manualSeed(0);
  const dls = creditDls({ ...data, train: data.train.slice(0, 320), valid: data.valid.slice(0, 128) }, 64);
  const learn = new Learner(dls, new Sequential(new Linear(data.nFeatures, 8), new ReLU(true), new Linear(8, 2)), {
    metrics: [accuracy()],
    progress: false,
  });
  await learn.fit(nEpoch, 1e-2);
  return learn;
}

describe('TFAI_EPOCH_TIMES', () => {
  it('appends one JSON line per epoch with the Recorder’s time, losses and metrics, after what the file held', async () => {
    const file = join(dir, 'epochs.jsonl');
    writeFileSync(file, '{"earlier":true}'); // no final newline: the next line still starts on its own
    process.env.TFAI_EPOCH_TIMES = file;
    const learn = await fit(2);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(JSON.parse(lines[0])).toEqual({ earlier: true });
    const recs = lines.slice(1, 3).map((l) => JSON.parse(l) as EpochTimeRecord);
    const r = learn.recorder;
    recs.forEach((rec, i) => {
      expect(rec.epoch).toBe(i);
      expect(rec.nEpoch).toBe(2);
      expect(rec.seconds).toBe(r.times[i]);
      expect(rec.seconds).toBeGreaterThan(0);
      expect(rec.trainBatches).toBe(5);
      expect(rec.validBatches).toBe(learn.dls.valid.length);
      expect(rec.trainLoss).toBeCloseTo(r.values[i][0], 6);
      expect(rec.validLoss).toBeCloseTo(r.values[i][1], 6);
      expect(rec.metrics.accuracy).toBeCloseTo(r.values[i][2], 6);
      expect(rec.model).toBe('Sequential');
      expect(rec.pid).toBe(process.pid);
    });
    expect(Date.parse(recs[1].end)).toBeGreaterThanOrEqual(Date.parse(recs[0].end));
    learn.dispose();
  });

  it('writes nothing when unset or empty', async () => {
    const file = join(dir, 'none.jsonl');
    process.env.TFAI_EPOCH_TIMES = '';
    const learn = await fit(1);
    expect(learn.recorder.times).toHaveLength(1);
    expect(existsSync(file)).toBe(false);
    learn.dispose();
  });
});
