// TensorBoard event files. No TensorBoard here (neither PyPI nor Debian has it for this machine), so the bytes are
// checked against fixtures/tensorboard-events.json: records serialised by Google's protobuf library (Debian's
// python3-protobuf) with tensorboard's field numbers and framed by a bitwise CRC-32C, made by
// fixtures/tensorboard_events.py. Then a real fit is read back with our reader and compared with the Recorder.
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileError } from '../../errors.js';
import { Linear } from '../../nn/layers/linear.js';
import { manualSeed } from '../../nn/random.js';
import { creditDls, loadCredit, type CreditData } from '../../test-utils/credit.js';
import { Learner } from '../learner.js';
import { accuracy } from '../metrics/index.js';
import { TensorBoardCallback } from './tensorboard.js';
import { crc32c, encodeEvent, parseTensorBoardEvents, readTensorBoardEvents, tfRecord } from './tensorboard-events.js';

interface Fixture {
  cases: { wall_time: number; step: number; file_version?: string; tag?: string; value?: number }[];
  float32: (number | null)[];
  records_base64: string[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/tensorboard-events.json', import.meta.url), 'utf8'),
) as Fixture;

let data: CreditData;
let dir: string;
beforeAll(async () => {
  data = loadCredit();
  dir = await mkdtemp(join(tmpdir(), 'tfai-tb-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('TensorBoard event records', () => {
  it('CRC-32C has its standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('each record is byte for byte what protobuf + TFRecord framing make (file version, scalars, step 0, int64 step, UTF-8 tag)', () => {
    fixture.cases.forEach((c, i) => {
      const ev = c.file_version
        ? { wallTime: c.wall_time, step: c.step, fileVersion: c.file_version }
        : { wallTime: c.wall_time, step: c.step, scalar: { tag: c.tag!, value: c.value! } };
      expect(Buffer.from(tfRecord(encodeEvent(ev))).toString('base64'), `case ${i}`).toBe(fixture.records_base64[i]);
    });
  });

  it('the reader gives back every field of the fixture (scalars as float32) and refuses a damaged record by name', () => {
    const bytes = Buffer.concat(fixture.records_base64.map((b) => Buffer.from(b, 'base64')));
    const events = parseTensorBoardEvents(bytes, 'fixture');
    expect(events).toHaveLength(fixture.cases.length);
    events.forEach((e, i) => {
      const c = fixture.cases[i];
      expect(e.wallTime).toBe(c.wall_time);
      expect(e.step).toBe(c.step);
      if (c.file_version) expect(e.fileVersion).toBe(c.file_version);
      else expect(e.scalar).toEqual({ tag: c.tag, value: fixture.float32[i] });
    });
    const bad = Buffer.from(bytes);
    bad[bytes.length - 10] ^= 1; // inside the last record's data
    expect(() => parseTensorBoardEvents(bad, 'bad.tfevents')).toThrow(FileError);
    expect(() => parseTensorBoardEvents(bad, 'bad.tfevents')).toThrow(
      /bad\.tfevents: record 5 at byte \d+: data checksum mismatch/,
    );
    expect(() => parseTensorBoardEvents(bytes.subarray(0, bytes.length - 3), 'cut')).toThrow(
      /cut: record 5 .*runs past the end/,
    );
  });
});

describe('TensorBoardCallback', () => {
  it('logs train_loss and the hyper-parameters per step, valid_loss and metrics per epoch, equal to the Recorder’s', async () => {
    manualSeed(0);
    const small = { ...data, train: data.train.slice(0, 512), valid: data.valid.slice(0, 256) };
    const learn = new Learner(creditDls(small, 64), new Linear(data.nFeatures, 2), {
      metrics: [accuracy()],
      progress: false,
      logger: () => undefined,
      path: dir,
    });
    const logDir = join(dir, 'runs', 'mlp');
    const tb = new TensorBoardCallback({ logDir });
    learn.addCb(tb);
    await learn.lrFind({ numIt: 10 }); // not logged, as fastai's (no events file is even made)
    await expect(readdir(logDir)).rejects.toThrow(/ENOENT/);
    learn.removeCb(tb);
    await learn.fitOneCycle(2, 1e-2, { cbs: [tb] });
    const files = await readdir(logDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+$/);
    const events = await readTensorBoardEvents(join(logDir, files[0]));
    expect(events[0].fileVersion).toBe('brain.Event:2');
    const series = (tag: string) => events.filter((e) => e.scalar?.tag === tag).map((e) => [e.step, e.scalar!.value]);
    const r = learn.recorder;
    const f32 = (v: number) => Math.fround(v);
    expect(series('train_loss')).toEqual(r.smoothLosses.map((v, i) => [i + 1, f32(v)]));
    expect(series('train_loss')).toHaveLength(16); // 2 epochs of 8 batches
    expect(series('lr_0')).toEqual(r.lrs.map((v, i) => [i + 1, f32(v)]));
    expect(series('mom_0')).toEqual(r.moms.map((v, i) => [i + 1, f32(v)]));
    expect(series('wd_0').map(([, v]) => v)).toEqual(new Array(16).fill(f32(0.01)));
    expect(series('sqr_mom_0')).toHaveLength(16);
    expect(series('valid_loss')).toEqual([
      [8, f32(r.values[0][1])],
      [16, f32(r.values[1][1])],
    ]);
    expect(series('accuracy')).toEqual([
      [8, f32(r.values[0][2])],
      [16, f32(r.values[1][2])],
    ]);
    // A second fit writes a second file in the same run folder.
    await learn.fit(1, 1e-3, { cbs: [tb] });
    expect(await readdir(logDir)).toHaveLength(2);
    learn.dispose();
  });

  it('a truncated events file is a FileError naming it', async () => {
    const file = join(dir, 'cut.tfevents');
    const rec = tfRecord(encodeEvent({ wallTime: 1, step: 2, scalar: { tag: 'x', value: 1 } }));
    await writeFile(file, rec.subarray(0, rec.length - 1));
    await expect(readTensorBoardEvents(file)).rejects.toThrow(new RegExp(`${file.replace(/[.]/g, '\\.')}: record 0`));
    expect((await readFile(file)).length).toBe(rec.length - 1);
  });
});
