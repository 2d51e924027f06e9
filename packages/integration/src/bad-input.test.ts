// The bad-input suite of issue 17: one case per failure the outside probe found (and the plain cases it found
// handled), through the public API of every package. Each asserts the error type (a TfaiError subclass) and that
// the message names the file, column, row, tensor or key to blame. Nothing trains.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, manualSeed, StateDictMismatchError, TfaiError } from '@tfai/core';
import {
  CsvError,
  ExportError,
  exportLearner,
  loadLearner,
  parseCsvText,
  parseSafetensors,
  registerLearnerBuilder,
  SafetensorsError,
  serializeSafetensors,
} from '@tfai/core/io';
import { SiameseDataError, readPairsCsv } from '@tfai/siamese';
import {
  AllMissingError,
  CsvFormatError,
  learnerBuilders,
  MissingColumnError,
  NonFiniteValueError,
  TabularDataLoaders,
  TabularOptionsError,
  tabularLearner,
} from '@tfai/tabular';
import { TextDataLoaders, TextInputError } from '@tfai/text';
import { ImageDataError, ImageDataLoaders, ImageReadError, loadImage } from '@tfai/vision';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bombPng, DATA } from '@tfai/test-utils';

for (const [name, b] of Object.entries(learnerBuilders)) registerLearnerBuilder(name, b);
const dir = mkdtempSync(join(tmpdir(), 'tfai-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TITANIC = join(DATA, 'titanic', 'titanic.csv');
const OPTS = {
  yNames: ['survived'],
  catNames: ['pclass', 'sex'],
  contNames: ['age', 'sibsp', 'parch'],
  validPct: 0.2,
  seed: 42,
};
let cases = 0;
afterAll(() => console.log(`bad-input suite: ${cases} cases`));

/** Runs `f`, expects a `type` error (a TfaiError) whose message matches every pattern; counts one case. */
async function refuses(
  f: () => unknown,
  type: abstract new (...a: never[]) => Error,
  ...patterns: RegExp[]
): Promise<Error> {
  const err = await Promise.resolve()
    .then(f)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(type);
  expect(err).toBeInstanceOf(TfaiError);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
  cases++;
  return err as Error;
}
const write = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
/** A safetensors file with a hand-written header. */
function st(header: unknown, data: number[] = []): Uint8Array {
  const head = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}
const W = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
const f32 = (...v: number[]) => Array.from(new Uint8Array(new Float32Array(v).buffer));
const titanicLines = () => readFileSync(TITANIC, 'utf8').split('\n');
/** fortunes.csv's rows (label, text, is_valid), read with core's reader. */
const fortunes = () => parseCsvText(readFileSync(join(DATA, 'fortunes', 'fortunes.csv'), 'utf8'), 'fortunes.csv').rows;
const toCsv = (rows: string[][]) =>
  ['label,text,is_valid', ...rows.map((r) => r.map((v) => `"${v.replaceAll('"', '""')}"`).join(','))].join('\n');

describe('1. safetensors header validation', () => {
  it('string offsets ["0","8"] (no string concatenation into a read offset)', async () => {
    await refuses(
      () => parseSafetensors(st({ w: { ...W, data_offsets: ['0', '8'] } }, f32(1, 2)), 'm.safetensors'),
      SafetensorsError,
      /^m\.safetensors: tensor "w": data_offsets \["0","8"\] are not integers/,
    );
  });
  it('a subarray of a bigger buffer: no bytes from outside the slice', async () => {
    const inner = st({ w: { ...W, shape: [4], data_offsets: [0, 16] } }, f32(1, 2));
    const big = new Uint8Array(400).fill(0x40);
    big.set(inner, 100);
    await refuses(
      () => parseSafetensors(big.subarray(100, 100 + inner.length), 'slice'),
      SafetensorsError,
      /^slice: tensor "w": data \[0, 16\) beyond the end of the file \(8 data bytes\)/,
    );
  });
  it('overlapping ranges', async () => {
    await refuses(
      () => parseSafetensors(st({ a: W, b: { ...W, data_offsets: [4, 12] } }, f32(1, 2, 3)), 'o.safetensors'),
      SafetensorsError,
      /tensor "b": data \[4, 12\) overlaps the previous tensor/,
    );
  });
  it('gapped ranges', async () => {
    await refuses(
      () =>
        parseSafetensors(
          st(
            { a: { ...W, shape: [1], data_offsets: [0, 4] }, b: { ...W, shape: [1], data_offsets: [8, 12] } },
            f32(1, 2, 3),
          ),
          'g.safetensors',
        ),
      SafetensorsError,
      /tensor "b": gap before data \[8, 12\)/,
    );
  });
  it('negative and fractional shapes are SafetensorsErrors, not RangeErrors', async () => {
    await refuses(
      () => parseSafetensors(st({ w: { ...W, shape: [-2] } }, f32(1, 2)), 'n.safetensors'),
      SafetensorsError,
      /tensor "w": shape \[-2\]: dimension -2/,
    );
    await refuses(
      () => parseSafetensors(st({ w: { ...W, shape: [0.5, 4] } }, f32(1, 2)), 'n.safetensors'),
      SafetensorsError,
      /tensor "w": shape \[0\.5,4\]: dimension 0\.5/,
    );
  });
  it('a tensor named __proto__ is a key of a prototype-less record (no prototype pollution)', () => {
    const head = `{"__proto__":${JSON.stringify(W)}}`;
    const b = new Uint8Array(8 + head.length + 8);
    new DataView(b.buffer).setBigUint64(0, BigInt(head.length), true);
    b.set(Buffer.from(head), 8);
    b.set(f32(1, 2), 8 + head.length);
    const { tensors } = parseSafetensors(b);
    expect(Object.getPrototypeOf(tensors)).toBeNull();
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    tf.dispose(Object.values(tensors));
    cases++;
  });
  it('a 100 MB header is not a header; a truncated file names the tensor (already handled)', async () => {
    const b = st({});
    new DataView(b.buffer).setBigUint64(0, 200_000_000n, true);
    await refuses(
      () => parseSafetensors(b, 'h.safetensors'),
      SafetensorsError,
      /^h\.safetensors: header length 200000000 exceeds the 100000000-byte limit/,
    );
    await refuses(
      () => parseSafetensors(st({ w: W }, f32(1)), 't.safetensors'),
      SafetensorsError,
      /tensor "w": data \[0, 8\) beyond the end of the file \(4 data bytes\): truncated/,
    );
  });
});

/** The parts of a tabular export's JSON the cases edit. */
interface ExportJson {
  builder: {
    name: string;
    package?: string;
    args: { model: { config: { layers: number[]; nCont: number } }; tabular: { procs: { type: string }[] } };
  };
  metrics: string[];
  loss: unknown;
  weights: unknown;
}

describe('2. export files as untrusted input (a real tabular export of titanic)', () => {
  let json: string;
  let good: ExportJson;
  const variant = (name: string, edit: (j: ExportJson) => void) => {
    const d = join(dir, 'exports', name);
    mkdirSync(d, { recursive: true });
    const j = structuredClone(good);
    edit(j);
    copyFileSync(join(dir, 'exports', 'good', 'titanic.safetensors'), join(d, 'titanic.safetensors'));
    writeFileSync(join(d, 'titanic.json'), JSON.stringify(j));
    return join(d, 'titanic.json');
  };
  it('exports (setup)', async () => {
    manualSeed(0);
    const learn = tabularLearner(await TabularDataLoaders.fromCsv(TITANIC, OPTS), { progress: false });
    ({ json } = await exportLearner(learn, join(dir, 'exports', 'good', 'titanic')));
    learn.dispose();
    good = JSON.parse(readFileSync(json, 'utf8')) as ExportJson;
    const again = await loadLearner(json);
    again.dispose();
  });
  it('weights.file pointing outside the folder (with that file’s sha256) is refused before reading it', async () => {
    const target = write('hostname', 'box\n');
    const sha = (await import('node:crypto')).createHash('sha256').update('box\n').digest('hex');
    await refuses(
      () => loadLearner(variant('escape', (j) => (j.weights = { file: '../../hostname', sha256: sha }))),
      ExportError,
      /titanic\.json: weights\.file "\.\.\/\.\.\/hostname" is outside the export's folder/,
    );
    await refuses(
      () => loadLearner(variant('abs', (j) => (j.weights = { file: target, sha256: sha }))),
      ExportError,
      /is outside the export's folder/,
    );
  });
  it('a layer list of [60000, 60000] is refused before allocating, in well under a second', async () => {
    const t0 = Date.now();
    const before = tf.memory().numBytes;
    await refuses(
      () => loadLearner(variant('huge', (j) => (j.builder.args.model.config.layers = [60000, 60000]))),
      ExportError,
      /titanic\.json: the description implies a model bigger than its weights \(a tensor of \d+ elements/,
    );
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(tf.memory().numBytes).toBe(before);
  });
  it('builder and metric names through the prototype (constructor, toString) are unknown names', async () => {
    await refuses(
      () =>
        loadLearner(variant('ctor', (j) => (j.builder = { ...j.builder, name: 'constructor', package: undefined }))),
      ExportError,
      /no learner builder named "constructor"/,
    );
    await refuses(
      () => loadLearner(variant('tostring', (j) => (j.metrics = ['toString']))),
      ExportError,
      /unknown metric "toString"/,
    );
  });
  it('an unknown loss and an unknown proc type are ExportErrors naming them', async () => {
    await refuses(
      () => loadLearner(variant('loss', (j) => (j.loss = { name: 'HingeLoss', args: {} }))),
      ExportError,
      /titanic\.json: loss cannot be rebuilt: unknown loss "HingeLoss"/,
    );
    await refuses(
      () => loadLearner(variant('proc', (j) => (j.builder.args.tabular.procs[0].type = 'Standardize'))),
      ExportError,
      /unknown proc type "Standardize"/,
    );
  });
  it('50 failed loadLearner calls leave tf.memory().numTensors flat', async () => {
    const bad = [
      variant('l1', (j) => (j.builder.args.model.config.layers = [64])),
      variant('l2', (j) => (j.builder.args.model.config.nCont = 5)),
      variant('l3', (j) => (j.metrics = ['nope'])),
    ];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) await expect(loadLearner(bad[i % bad.length])).rejects.toBeInstanceOf(TfaiError);
    expect(tf.memory().numTensors).toBe(before);
    cases++;
  });
  it('a wrong sha256 and a state dict that does not fit are refused naming the file and keys (already handled)', async () => {
    const d = join(dir, 'exports', 'sha');
    mkdirSync(d, { recursive: true });
    const w = readFileSync(join(dir, 'exports', 'good', 'titanic.safetensors'));
    w[w.length - 1] ^= 1;
    writeFileSync(join(d, 'titanic.safetensors'), w);
    writeFileSync(join(d, 'titanic.json'), JSON.stringify(good));
    await refuses(() => loadLearner(join(d, 'titanic.json')), ExportError, /titanic\.safetensors: checksum mismatch/);
    const err = await refuses(
      () => loadLearner(variant('shape', (j) => (j.builder.args.model.config.layers = [100, 200]))),
      ExportError,
      /the weights do not fit the learner/,
      /wrong shapes: layers\.0\.0\.weight/,
    );
    expect((err as Error & { cause?: unknown }).cause).toBeInstanceOf(StateDictMismatchError);
  });
});

describe('3. an export is one atomic unit', () => {
  it('new weights beside the previous JSON (a kill between the two renames) load whole on request; orphaned temporaries go on the next write', async () => {
    manualSeed(1);
    const dls = await TabularDataLoaders.fromCsv(TITANIC, OPTS);
    const a = tabularLearner(dls, { progress: false });
    const b = tabularLearner(dls, { progress: false, layers: [50] });
    const stem = join(dir, 'atomic', 'export');
    const first = await exportLearner(a, stem);
    const stale = readFileSync(first.json);
    writeFileSync(join(dir, 'atomic', '.export.safetensors.2147483646.0123456789ab.tmp'), 'partial');
    await exportLearner(b, stem);
    writeFileSync(first.json, stale);
    // A checksum mismatch is an ExportError unless the caller opts in to the description stored in the weights.
    await expect(loadLearner(first.json)).rejects.toThrow(
      /checksum mismatch: .* pass \{ useStoredDescription: true \}/,
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const loaded = await loadLearner(first.json, undefined, { useStoredDescription: true });
    warn.mockRestore();
    const sd = loaded.model.stateDict();
    expect(sd['layers.0.0.weight'].shape[0]).toBe(50);
    tf.dispose(Object.values(sd));
    expect(readFileSync(join(dir, 'atomic', 'export.json')).equals(stale)).toBe(true);
    expect(() => readFileSync(join(dir, 'atomic', '.export.safetensors.2147483646.0123456789ab.tmp'))).toThrow();
    [a, b, loaded].forEach((l) => l.dispose());
    cases++;
  });
});

describe('4. degenerate data is refused at the door', () => {
  it('a duplicate CSV header', async () => {
    const l = titanicLines();
    l[0] = l[0].replace('"parch"', '"age"');
    await refuses(
      () => TabularDataLoaders.fromCsv(write('dup.csv', l.join('\n')), OPTS),
      CsvError,
      /dup\.csv: column "age": appears twice in the header/,
    );
  });
  it('1e999 in a continuous column', async () => {
    const l = titanicLines();
    const c = l[3].split(',');
    c[3] = '1e999';
    l[3] = c.join(',');
    await refuses(
      () => TabularDataLoaders.fromCsv(write('inf.csv', l.join('\n')), OPTS),
      NonFiniteValueError,
      /inf\.csv: column "age", row 3: Infinity is not a finite number/,
    );
  });
  it('an Excel BOM before the quoted header reads as without it', async () => {
    const file = write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(TITANIC)]));
    const [x, y] = [await TabularDataLoaders.fromCsv(file, OPTS), await TabularDataLoaders.fromCsv(TITANIC, OPTS)];
    expect(x.tabular.toJSON()).toEqual(y.tabular.toJSON());
    cases++;
  });
  it('bs 0, bs 2.5', async () => {
    await refuses(
      () => TabularDataLoaders.fromCsv(TITANIC, { ...OPTS, bs: 0 }),
      InvalidArgumentError,
      /^bs must be a positive integer, got 0$/,
    );
    await refuses(
      () => TabularDataLoaders.fromCsv(TITANIC, { ...OPTS, bs: 2.5 }),
      InvalidArgumentError,
      /^bs must be a positive integer, got 2\.5$/,
    );
  });
  it('bs larger than the training set (never zero batches)', async () => {
    const learn = tabularLearner(await TabularDataLoaders.fromCsv(TITANIC, { ...OPTS, bs: 5000 }), { progress: false });
    await refuses(() => learn.fit(1), InvalidArgumentError, /^bs must be at most the training set's size \(\d+ items/);
    learn.dispose();
  });
  it('a single-class target (tabular and text)', async () => {
    const l = titanicLines().filter((line, i) => i === 0 || line.includes('"died"'));
    await refuses(
      () => TabularDataLoaders.fromCsv(write('one.csv', l.join('\n')), OPTS),
      TabularOptionsError,
      /one\.csv: target column "survived" has a single class \("died"\)/,
    );
    const law = write('law.csv', toCsv(fortunes().filter((r) => r[0] === 'law')));
    await refuses(
      () => TextDataLoaders.fromCsv(law, { cacheDir: false, progress: false }),
      TextInputError,
      /law\.csv: the label column has a single class \("law"\)/,
    );
  });
  it('a negative learning rate, fit(-1)', async () => {
    const learn = tabularLearner(await TabularDataLoaders.fromCsv(TITANIC, OPTS), { progress: false });
    await refuses(
      () => learn.fit(1, -0.01),
      InvalidArgumentError,
      /^lr must be a finite positive learning rate, got -0\.01$/,
    );
    await refuses(() => learn.fit(-1), InvalidArgumentError, /^nEpoch must be a non-negative integer, got -1$/);
    learn.dispose();
  });
  it('an all-NA column', async () => {
    const l = titanicLines().map((line, i) => {
      if (i === 0 || !line) return line;
      const c = line.split(',');
      c[5] = '';
      return c.join(',');
    });
    await refuses(
      () => TabularDataLoaders.fromCsv(write('allna.csv', l.join('\n')), OPTS),
      AllMissingError,
      /allna\.csv: column "parch" has no values at all/,
    );
  });
  it('a missing CSV is a TfaiError in every package (not a raw ENOENT)', async () => {
    const absent = join(dir, 'absent.csv');
    await refuses(
      () => TabularDataLoaders.fromCsv(absent, OPTS),
      CsvError,
      /absent\.csv: cannot read the CSV file \(ENOENT\)/,
    );
    await refuses(
      () => TextDataLoaders.fromCsv(absent),
      TextInputError,
      /absent\.csv: cannot read the file \(ENOENT\)/,
    );
    await refuses(
      () => ImageDataLoaders.fromCsv(dir, { csvFname: 'absent.csv' }),
      ImageDataError,
      /absent\.csv: cannot read the CSV file \(ENOENT\)/,
    );
    await refuses(() => readPairsCsv(absent), SiameseDataError, /absent\.csv: cannot read the pairs CSV \(ENOENT\)/);
  });
  it('missing columns and ragged rows (already handled)', async () => {
    await refuses(
      () => TabularDataLoaders.fromCsv(TITANIC, { ...OPTS, catNames: ['cabin'] }),
      MissingColumnError,
      /titanic\.csv: no column "cabin"/,
    );
    const l = titanicLines();
    l[4] = l[4].split(',').slice(0, 4).join(',');
    await refuses(
      () => TabularDataLoaders.fromCsv(write('ragged.csv', l.join('\n')), OPTS),
      CsvFormatError,
      /ragged\.csv: row 4: 4 fields where the header has 6/,
    );
  });
});

describe('5. decompression bombs', () => {
  it('six 14000×14000 PNGs in a folder are skipped by name, memory flat; a non-image file too (already handled)', async () => {
    const root = join(dir, 'bombs');
    for (const cls of ['bag', 'coat']) {
      mkdirSync(join(root, cls), { recursive: true });
      for (const f of ['train_00035.png', 'train_00115.png', 'train_00257.png']) {
        try {
          copyFileSync(join(DATA, 'fashion_mnist', 'train', cls, f), join(root, cls, f));
        } catch {
          /* not every name exists in every class */
        }
      }
      for (let i = 0; i < 3; i++) writeFileSync(join(root, cls, `bomb${i}.png`), bombPng(14000, 14000));
    }
    writeFileSync(join(root, 'bag', 'notes.png'), 'not an image');
    const lines: string[] = [];
    const rss = process.memoryUsage().rss;
    await ImageDataLoaders.fromFolder(root, {
      validPct: 0.5,
      seed: 0,
      onBadImage: 'skip',
      logger: (l) => lines.push(l),
    }).catch(() => undefined);
    expect(process.memoryUsage().rss - rss).toBeLessThan(300 * 2 ** 20);
    const bombs = lines.filter((l) =>
      /bomb\d\.png: declares 14000×14000 = 196000000 pixels, above the decode limit of 178956970 pixels/.test(l),
    );
    expect(bombs).toHaveLength(6);
    expect(lines.some((l) => /notes\.png: /.test(l))).toBe(true);
    cases++;
    await refuses(() => loadImage(join(root, 'bag', 'bomb0.png')), ImageReadError, /bomb0\.png: declares 14000×14000/);
  });
});

describe('6. unbounded text', () => {
  it('a text of many thousand tokens in a classifier batch is capped at maxTokens with a warning', async () => {
    const rows = fortunes();
    const long = Array.from({ length: 20 }, () =>
      rows
        .slice(0, 400)
        .map((r) => r[1])
        .join(' '),
    ).join(' ');
    const file = write('long.csv', toCsv([...rows.slice(0, 2000), ['law', long, 'False'], ['law', long, 'False']]));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const dls = await TextDataLoaders.fromCsv(file, {
      bs: 8,
      cacheDir: false,
      progress: false,
      seed: 0,
      maxTokens: 3000,
    });
    expect(
      warn.mock.calls
        .map((c) => String(c[0]))
        .some((m) => /long\.csv: 2 texts longer than maxTokens = 3000 tokens/.test(m)),
    ).toBe(true);
    warn.mockRestore();
    const {
      x: [x],
      y,
    } = await dls.train.oneBatch();
    expect(x.shape[1]).toBe(3000);
    tf.dispose([x, y]);
    cases++;
  }, 120_000);
});

// A tiny sanity check that the suite's own file helpers build what the real writer builds.
it('the hand-made safetensors helper matches serializeSafetensors on one tensor', async () => {
  const t = { w: tf.tensor([1, 2]) };
  const a = parseSafetensors(await serializeSafetensors(t)).tensors;
  const b = parseSafetensors(st({ w: W }, f32(1, 2))).tensors;
  expect(Array.from(await a.w.data())).toEqual(Array.from(await b.w.data()));
  tf.dispose([...Object.values(t), ...Object.values(a), ...Object.values(b)]);
});
