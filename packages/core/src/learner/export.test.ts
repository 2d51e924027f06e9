import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataLoader, DataLoaders } from '../data/dataloader.js';
import { ExportError, SafetensorsError, StateDictMismatchError, TfaiError } from '../errors.js';
import { ReLU } from '../nn/layers/activation.js';
import { BatchNorm1d } from '../nn/layers/batchnorm.js';
import { Sequential } from '../nn/layers/container.js';
import { Linear } from '../nn/layers/linear.js';
import { withBuildGuard } from '../nn/build-guard.js';
import { manualSeed } from '../nn/random.js';
import { exportLearner, loadLearner, metricsFromNames, registerLearnerBuilder } from './export.js';
import { Learner } from './learner.js';
import { lossFromSpec } from './loss.js';
import { accuracy } from './metrics/index.js';

interface MlpArgs {
  nIn: number;
  hidden: number[];
  nOut: number;
}
const empty = () => new DataLoader({ length: 0, get: () => 0 }, { collate: () => ({ x: [], y: tf.zeros([0]) }) });
function mlp({ nIn, hidden, nOut }: MlpArgs): Sequential {
  const layers = [];
  let n = nIn;
  for (const h of hidden) {
    layers.push(new Linear(n, h), new ReLU(true), new BatchNorm1d(h));
    n = h;
  }
  layers.push(new Linear(n, nOut));
  return new Sequential(...layers);
}
function makeLearner(args: MlpArgs, name = 'export-test-mlp'): Learner {
  return new Learner(new DataLoaders(empty(), empty(), { vocab: ['no', 'yes'] }), mlp(args), {
    progress: false,
    metrics: [accuracy()],
    builder: { name, args },
  });
}
// As a domain builder: args are read as they come (the core must bound what they can build).
registerLearnerBuilder('export-test-mlp', (args) => makeLearner(args as MlpArgs));
// A builder that allocates parameters, then fails with an untyped error half-way.
registerLearnerBuilder('export-test-throws', (args) => {
  mlp(args as MlpArgs);
  throw new Error('builder bug (simulated)');
});

const ARGS: MlpArgs = { nIn: 6, hidden: [16, 8], nOut: 2 };
let dir: string;
let good: { json: string; weights: string };
let goodJson: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-export-'));
  manualSeed(1);
  const learn = makeLearner(ARGS);
  good = await exportLearner(learn, join(dir, 'good', 'export'));
  learn.dispose();
  goodJson = JSON.parse(await readFile(good.json, 'utf8')) as Record<string, unknown>;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
/** A copy of the good export with its JSON edited (and optionally its weights replaced), in a folder of its own. */
async function variant(edit: (j: Record<string, unknown>) => void, weights?: Uint8Array): Promise<string> {
  const d = join(dir, `v${n++}`);
  await mkdir(d, { recursive: true });
  const j = structuredClone(goodJson);
  edit(j);
  await writeFile(join(d, 'export.safetensors'), weights ?? (await readFile(good.weights)));
  await writeFile(join(d, 'export.json'), JSON.stringify(j));
  return join(d, 'export.json');
}
const builderOf = (j: Record<string, unknown>) => j.builder as { name: string; package?: string; args: MlpArgs };

/** Asserts `loadLearner` fails with `type` and a message matching `re`, leaking no tensor. */
async function refuses(json: string, type: new (...a: never[]) => Error, re: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  const err = await loadLearner(json).then(
    (l) => {
      l.dispose();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  expect(err).toBeInstanceOf(TfaiError);
  expect((err as Error).message).toMatch(re);
  expect(tf.memory().numTensors).toBe(before);
}

describe('loadLearner treats an export as untrusted input', () => {
  it('loads the good export, weights equal', async () => {
    const learn = await loadLearner(good.json);
    expect(learn.metrics.map((m) => m.name)).toEqual(['accuracy']);
    const sd = learn.model.stateDict();
    expect(sd['0.weight'].shape).toEqual([16, 6]); // PyTorch layout
    tf.dispose(Object.values(sd));
    learn.dispose();
  });

  it('weights.file outside the folder (with the target’s checksum) is refused before reading it', async () => {
    const target = join(dir, 'secret.txt');
    await writeFile(target, 'secret');
    const sha = createHash('sha256').update('secret').digest('hex');
    await refuses(
      await variant((j) => (j.weights = { file: '../secret.txt', sha256: sha })),
      ExportError,
      /export\.json: weights\.file "\.\.\/secret\.txt" is outside the export's folder/,
    );
    await refuses(
      await variant((j) => (j.weights = { file: target, sha256: sha })),
      ExportError,
      /is outside the export's folder/,
    );
    await refuses(
      await variant((j) => (j.weights = { file: '../../../../../../etc/hostname', sha256: sha })),
      ExportError,
      /outside the export's folder/,
    );
  });

  it('a symbolic link inside the folder pointing outside is refused', async () => {
    const json = await variant(() => undefined);
    const d = join(json, '..');
    await symlink(join(dir, 'secret.txt'), join(d, 'link.safetensors'));
    const edited = JSON.parse(await readFile(json, 'utf8')) as Record<string, unknown>;
    edited.weights = { file: 'link.safetensors', sha256: createHash('sha256').update('secret').digest('hex') };
    await writeFile(json, JSON.stringify(edited));
    await refuses(json, ExportError, /weights\.file "link\.safetensors" links outside the export's folder/);
  });

  it('builder, metric and loss names are own keys of prototype-less tables; unknown names are ExportErrors', async () => {
    await refuses(
      await variant((j) => (builderOf(j).name = 'constructor')),
      ExportError,
      /no learner builder named "constructor"/,
    );
    await refuses(
      await variant((j) => (builderOf(j).name = '__proto__')),
      ExportError,
      /no learner builder named "__proto__"/,
    );
    await refuses(
      await variant((j) => (builderOf(j).package = '../../evil')),
      ExportError,
      /builder\.package "\.\.\/\.\.\/evil" is not a tfai package; refusing to load it/,
    );
    await refuses(
      await variant((j) => (j.loss = { name: 'toString', args: {} })),
      ExportError,
      /export\.json: loss cannot be rebuilt: unknown loss "toString"/,
    );
    await refuses(
      await variant((j) => (j.loss = { name: 'CrossEntropyLossFlat', args: { labelSmoothing: 'x' } })),
      ExportError,
      /labelSmoothing = "x" is out of range/,
    );
    expect(() => metricsFromNames(['constructor'])).toThrow(ExportError);
    expect(() => metricsFromNames(['toString'])).toThrow(/unknown metric "toString"/);
    expect(() => lossFromSpec({ name: 'hasOwnProperty', args: {} })).toThrow(ExportError);
  });

  it('malformed fields name the key', async () => {
    await refuses(await variant((j) => (j.format = 'x')), ExportError, /not a tfai learner export \(format "x"/);
    await refuses(await variant((j) => (j.metrics = 'accuracy')), ExportError, /metrics "accuracy" is not a list/);
    await refuses(await variant((j) => (j.builder = 7)), ExportError, /builder is missing or not an object/);
    await refuses(
      await variant((j) => ((j.weights as { sha256: unknown }).sha256 = 5)),
      ExportError,
      /weights\.sha256 5 is not a hex SHA-256/,
    );
    await refuses(
      await variant((j) => (j.weights = { file: 'missing.safetensors', sha256: 'a'.repeat(64) })),
      ExportError,
      /missing\.safetensors: cannot read the export's weights \(ENOENT\)/,
    );
  });

  it('a config implying a bigger model than its weights is refused before allocating it (the 60000×60000 layer)', async () => {
    const t0 = Date.now();
    const before = tf.memory().numBytes;
    await refuses(
      await variant((j) => (builderOf(j).args.hidden = [60000, 60000])),
      ExportError,
      /export\.json: the description implies a model bigger than its weights \(a tensor of 3600000000 elements, \d+ of the 134218456 a build of export\.safetensors's 364 may allocate left\)/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(tf.memory().numBytes).toBe(before);
  });

  it('a config that disagrees with the weights within the budget is a typed mismatch naming the keys', async () => {
    await refuses(
      await variant((j) => (builderOf(j).args.hidden = [8, 16])),
      ExportError,
      /export\.safetensors: the weights do not fit the learner .*export\.json describes: .*wrong shapes: 0\.weight \(expected \[8,6\], got \[16,6\]\)/,
    );
    // Layers each within a budget but together beyond it: refused once the parameters exceed it, all freed.
    const before = tf.memory().numTensors;
    const built: Linear[] = [];
    const fail = (n: number, left: number) => new ExportError(`over budget: ${n} elements, ${left} left`);
    await expect(
      withBuildGuard(1000, fail, () => [0, 1, 2].forEach(() => built.push(new Linear(20, 20)))),
    ).rejects.toThrow(/^over budget: 400 elements, 160 left$/);
    expect(built).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a builder failing half-way (untyped) becomes an ExportError and its parameters are freed', async () => {
    await refuses(
      await variant((j) => (builderOf(j).name = 'export-test-throws')),
      ExportError,
      /export\.json: the learner cannot be rebuilt from this export \(builder bug \(simulated\)\)/,
    );
  });

  it('a weights file damaged after the JSON was written is refused by checksum', async () => {
    const bytes = new Uint8Array(await readFile(good.weights));
    bytes[bytes.length - 3] ^= 0x40;
    await refuses(await variant(() => undefined, bytes), ExportError, /export\.safetensors: checksum mismatch/);
  });

  it('50 failing loads leave tf.memory().numTensors flat', async () => {
    const jsons = [
      await variant((j) => (builderOf(j).args.hidden = [60000, 60000])),
      await variant((j) => (builderOf(j).args.hidden = [8, 16])),
      await variant((j) => (builderOf(j).name = 'export-test-throws')),
      await variant((j) => (builderOf(j).args.nOut = 3)),
      await variant((j) => (j.loss = { name: 'nope', args: {} })),
    ];
    const before = tf.memory().numTensors;
    let failures = 0;
    for (let i = 0; i < 50; i++) {
      await loadLearner(jsons[i % jsons.length]).then(
        (l) => l.dispose(),
        (e: unknown) => {
          expect(e).toBeInstanceOf(TfaiError);
          failures++;
        },
      );
    }
    expect(failures).toBe(50);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('an export is one atomic unit', () => {
  it('weights of a newer export beside the previous JSON (a crash between the two writes): an ExportError, or loaded from their own description on request', async () => {
    const d = join(dir, 'interrupted');
    manualSeed(2);
    const a = makeLearner(ARGS);
    const b = makeLearner({ ...ARGS, hidden: [4] });
    const first = await exportLearner(a, join(d, 'export'));
    const staleJson = await readFile(first.json);
    await exportLearner(b, join(d, 'export'));
    await writeFile(first.json, staleJson); // as if the process died before renaming the new JSON
    const before = tf.memory().numTensors;
    await refuses(
      first.json,
      ExportError,
      /export\.safetensors: checksum mismatch: .*export\.json does not describe these weights \(an interrupted export\?\); pass \{ useStoredDescription: true \}/,
    );
    expect(tf.memory().numTensors).toBe(before);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const loaded = await loadLearner(first.json, undefined, { useStoredDescription: true });
    expect(warn.mock.calls[0][0]).toMatch(/does not describe .*export\.safetensors \(an interrupted export\?\)/);
    warn.mockRestore();
    const got = loaded.model.stateDict();
    const want = b.model.stateDict();
    expect(got['0.weight'].shape).toEqual([4, 6]);
    expect(Array.from(await got['0.weight'].data())).toEqual(Array.from(await want['0.weight'].data()));
    tf.dispose([...Object.values(got), ...Object.values(want)]);
    // The stored description is checked by the data checksum: damaged tensor data is refused.
    const bytes = new Uint8Array(await readFile(first.weights));
    bytes[bytes.length - 1] ^= 1;
    await writeFile(first.weights, bytes);
    await expect(loadLearner(first.json, undefined, { useStoredDescription: true })).rejects.toThrow(
      /checksum mismatch/,
    );
    [a, b, loaded].forEach((l) => l.dispose());
  });

  it('temporaries left by a dead writer are removed by the next write; those of live processes are kept', async () => {
    const d = join(dir, 'orphans');
    await mkdir(d, { recursive: true });
    const dead = '.export.safetensors.2147483646.0123456789ab.tmp';
    const live = `.export.json.${process.ppid}.0123456789ab.tmp`;
    const other = '.other.json.2147483646.0123456789ab.tmp';
    for (const f of [dead, live, other]) await writeFile(join(d, f), 'partial');
    const learn = makeLearner(ARGS);
    await exportLearner(learn, join(d, 'export'));
    learn.dispose();
    expect((await readdir(d)).sort()).toEqual([live, other, 'export.json', 'export.safetensors'].sort());
  });
});

describe('fuzzing loadLearner: random edits of a valid export', () => {
  it('gives only TfaiErrors (or a learner) and leaks nothing (3 s)', async () => {
    const base = new Uint8Array(await readFile(good.weights));
    const d = join(dir, 'fuzz');
    await mkdir(d, { recursive: true });
    const json = join(d, 'export.json');
    const paths = [
      ['builder', 'args', 'nIn'],
      ['builder', 'args', 'hidden'],
      ['builder', 'args', 'nOut'],
      ['builder', 'name'],
      ['builder', 'package'],
      ['builder', 'args'],
      ['loss', 'name'],
      ['loss', 'args'],
      ['metrics'],
      ['vocab'],
      ['weights', 'file'],
      ['format'],
    ];
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(-1, 0, 1.5, 1e9, 2 ** 31, '__proto__', 'constructor', '../x', [60000, 60000], [-3], ['a']),
    );
    const before = tf.memory().numTensors;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let runs = 0;
    let loaded = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(paths.length - 1),
        value,
        fc.option(fc.tuple(fc.nat(), fc.nat(7)), { nil: undefined }),
        async (p, v, flip) => {
          runs++;
          const j = structuredClone(goodJson) as Record<string, Record<string, unknown>>;
          const path = paths[p];
          let o: Record<string, unknown> = j;
          for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
          o[path[path.length - 1]] = v;
          const w = new Uint8Array(base);
          if (flip) w[flip[0] % w.length] ^= 1 << flip[1];
          await writeFile(join(d, 'export.safetensors'), w);
          await writeFile(json, JSON.stringify(j));
          try {
            (await loadLearner(json)).dispose();
            loaded++;
          } catch (e) {
            if (!(e instanceof TfaiError)) throw e;
            expect(
              e instanceof ExportError || e instanceof SafetensorsError || e instanceof StateDictMismatchError,
            ).toBe(true);
          }
          expect(tf.memory().numTensors).toBe(before);
        },
      ),
      { numRuns: 100_000, interruptAfterTimeLimit: 3_000, seed: 17 },
    );
    warn.mockRestore();
    console.log(`loadLearner fuzz: ${runs} edited exports, ${loaded} loaded`);
    expect(runs).toBeGreaterThan(20);
    expect(tf.memory().numTensors).toBe(before);
  }, 30_000);
});
