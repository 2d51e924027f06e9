// `npm run bench:onnx` in packages/bench: every architecture exportOnnx writes, on real inputs from
// @tfai/datasets — opset, file size, ONNX Runtime (onnxruntime-node, CPU) vs tfai's eval-mode outputs (max
// relative error at batch 1 and 7), and the time of one batch of 7 on ONNX Runtime beside tfai's (wasm backend)
// on the same machine (median of ONNX_REPS, after a warm-up). Then `onnx.checker.check_model(m, full_check=True)`
// and the node count of every file through python3-onnx (where python3 imports onnx).
// Models are randomly initialised (BatchNorm statistics randomised): weights do not change the graph.
// Env: ONNX_MODELS=resnet18,resnet34,resnet50,unet,siamese,tabular,collab-dot,collab-nn,text-clas,text-lm
//      ONNX_REPS=5  ONNX_OUT=<results folder>  ONNX_FILES=<scratch folder for the .onnx files>  ONNX_THREADS=1 (ORT intra-op threads; tfai's wasm is single-threaded)
// Writes <ONNX_OUT>/onnx.json and onnx.md (the table) and prints the table.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { setBackend } from '@tfai/core/backend';
import { manualSeed } from '@tfai/core';
import { exportOnnx } from '@tfai/core/onnx';
import type { Learner } from '@tfai/core';
import { datasets } from '@tfai/datasets';
import { SiameseDataLoaders, siameseLearner } from '@tfai/siamese';
import { CollabDataLoaders, collabLearner } from '@tfai/tabular/collab';
import { Categorify, FillMissing, Normalize, TabularDataLoaders, tabularLearner } from '@tfai/tabular';
import { TextDataLoaders, languageModelLearner, readTextTable, textClassifierLearner } from '@tfai/text';
import { AWDLSTM, prepareTextBatch } from '@tfai/text/models';
import { ImageDataLoaders, SegmentationDataLoaders, unetLearner, visionLearner } from '@tfai/vision';
import { Resize } from '@tfai/vision/augment';
import { resnet18, resnet34, resnet50 } from '@tfai/vision/models';
import { relErr } from '@tfai/test-utils';
import { pythonWithOnnx, randomizeBatchNorms } from '@tfai/test-utils/onnx';

const env = (k: string, d: string) => process.env[k] ?? d;
const MODELS = env(
  'ONNX_MODELS',
  'resnet18,resnet34,resnet50,unet,siamese,tabular,collab-dot,collab-nn,text-clas,text-lm',
).split(',');
const REPS = Number(env('ONNX_REPS', '5'));
const OUT = env('ONNX_OUT', fileURLToPath(new URL('../results/2026-12-07-onnx/', import.meta.url)));
const THREADS = Number(env('ONNX_THREADS', '1'));
/** The .onnx files (hundreds of MB in all) go to a scratch folder, not the results. */
const FILES = env('ONNX_FILES', join(tmpdir(), 'tfai-onnx-bench'));

interface Case {
  learn: Learner;
  /** The 7-row batch, tfai's tensors, with the ONNX input names. */
  inputs: { name: string; tensor: tf.Tensor }[];
  note: string;
}

async function first<T>(it: AsyncIterable<T>): Promise<T> {
  for await (const b of it) return b;
  throw new Error('empty loader');
}
const keep7 = (xs: tf.Tensor[]) => xs.map((t) => tf.keep(t.slice(0, 7)));

async function imageCase(arch: typeof resnet18, size: number): Promise<Case> {
  const dls = await ImageDataLoaders.fromFolder(datasets.path('tux_photos'), {
    bs: 7,
    seed: 0,
    itemTfms: [new Resize(size)],
  });
  const learn = await visionLearner(dls, arch, { pretrained: false, progress: false });
  const b = await first(dls.valid);
  return { learn, inputs: [{ name: 'image', tensor: keep7(b.x)[0]! }], note: `tux_photos ${size}×${size}` };
}

const CASES: Record<string, () => Promise<Case>> = {
  resnet18: () => imageCase(resnet18, 64),
  resnet34: () => imageCase(resnet34, 64),
  resnet50: () => imageCase(resnet50, 64),
  unet: async () => {
    const TUX = datasets.path('tux_seg');
    const names = readFileSync(join(TUX, 'pairs.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1, 15)
      .map((r) => r.split(',')[0]!);
    const codes = readFileSync(join(TUX, 'codes.txt'), 'utf8').trim().split('\n');
    const dls = SegmentationDataLoaders.fromLists(
      names.map((n) => join(TUX, 'images', n)),
      names.map((n) => join(TUX, 'labels', n)),
      { train: [0, 1, 2, 3, 4, 5, 6], valid: [7, 8, 9, 10, 11, 12, 13] },
      { codes, itemTfms: [new Resize([96, 128])], bs: 7, seed: 0 },
    );
    const learn = await unetLearner(dls, resnet18, {
      pretrained: false,
      progress: false,
      unet: { blur: true, selfAttention: true },
    });
    const b = await first(dls.valid);
    return {
      learn,
      inputs: [{ name: 'image', tensor: keep7(b.x)[0]! }],
      note: 'tux_seg 96×128, blur + self-attention',
    };
  },
  siamese: async () => {
    const dls = await SiameseDataLoaders.fromCsv(`${datasets.path('tux_photos')}/siamese_pairs.csv`, {
      size: 64,
      bs: 7,
      seed: 0,
    });
    const learn = await siameseLearner(dls, resnet18, { pretrained: false, progress: false });
    const [a, b] = keep7((await first(dls.valid)).x);
    return {
      learn,
      inputs: [
        { name: 'image1', tensor: a! },
        { name: 'image2', tensor: b! },
      ],
      note: 'tux_photos pairs 64×64, ResNet-18',
    };
  },
  tabular: async () => {
    const dls = await TabularDataLoaders.fromCsv(`${datasets.path('titanic')}/titanic.csv`, {
      yNames: ['survived'],
      catNames: ['pclass', 'sex'],
      contNames: ['age', 'sibsp', 'parch'],
      procs: [Categorify, FillMissing, Normalize],
      validPct: 0.2,
      seed: 42,
      bs: 64,
    });
    const learn = tabularLearner(dls, { progress: false });
    const [c, f] = keep7((await first(dls.valid)).x);
    return {
      learn,
      inputs: [
        { name: 'x_cat', tensor: c! },
        { name: 'x_cont', tensor: f! },
      ],
      note: 'titanic, layers [200, 100]',
    };
  },
  'collab-dot': async () => {
    const dls = await instevalDls();
    const learn = collabLearner(dls, { nFactors: 50, yRange: [0, 5.5], progress: false });
    return {
      learn,
      inputs: [{ name: 'x', tensor: keep7((await first(dls.valid)).x)[0]! }],
      note: 'insteval, 50 factors, y_range',
    };
  },
  'collab-nn': async () => {
    const dls = await instevalDls();
    const learn = collabLearner(dls, { useNn: true, yRange: [0, 5.5], progress: false });
    return {
      learn,
      inputs: [{ name: 'x_cat', tensor: keep7((await first(dls.valid)).x)[0]! }],
      note: 'insteval, EmbeddingNN, y_range',
    };
  },
  'text-clas': async () => {
    const table = await readTextTable(`${datasets.path('amazon_fine_foods')}/reviews.csv`);
    const dls = await TextDataLoaders.fromTable(
      { fields: table.fields.filter((f) => f !== 'is_valid'), rows: table.rows.slice(0, 400) },
      { bs: 7, validPct: 0.2, seed: 0, cacheDir: false, progress: false },
    );
    const learn = textClassifierLearner(dls, AWDLSTM, {
      config: { embSz: 100, nHid: 256, nLayers: 2 },
      progress: false,
      logger: () => undefined,
    });
    const x = keep7((await first(dls.valid)).x)[0]!;
    return {
      learn,
      inputs: [{ name: 'tokens', tensor: x }],
      note: `amazon reviews, AWD-LSTM 100/256/2, ${x.shape[1]} tokens`,
    };
  },
  'text-lm': async () => {
    const table = await readTextTable(`${datasets.path('jane_austen')}/austen.csv`);
    const dls = await TextDataLoaders.fromTable(
      { fields: table.fields, rows: table.rows.slice(0, 120) },
      { isLm: true, validPct: 0.2, bs: 7, seqLen: 72, seed: 0, cacheDir: false, progress: false },
    );
    const learn = languageModelLearner(dls, AWDLSTM, {
      config: { embSz: 100, nHid: 256, nLayers: 2 },
      progress: false,
      logger: () => undefined,
    });
    const x = keep7((await first(dls.valid)).x)[0]!;
    return {
      learn,
      inputs: [{ name: 'tokens', tensor: x }],
      note: `jane_austen, AWD-LSTM 100/256/2, ${x.shape[1]} tokens`,
    };
  },
};

function instevalDls(): Promise<CollabDataLoaders> {
  return CollabDataLoaders.fromCsv(`${datasets.path('insteval')}/ratings.csv`, {
    userName: 'user',
    itemName: 'item',
    ratingName: 'rating',
    validCol: 'is_valid',
    bs: 512,
    seed: 0,
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function feeds(inputs: { name: string; tensor: tf.Tensor }[], n: number): Promise<Record<string, ort.Tensor>> {
  const out: Record<string, ort.Tensor> = {};
  for (const { name, tensor } of inputs) {
    const t = tensor.slice(0, n);
    if (t.dtype === 'int32')
      out[name] = new ort.Tensor(
        'int64',
        BigInt64Array.from((await t.data()) as Int32Array, (v) => BigInt(v)),
        t.shape,
      );
    else {
      const nchw = t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t;
      out[name] = new ort.Tensor('float32', (await nchw.data()) as Float32Array, nchw.shape);
      if (nchw !== t) nchw.dispose();
    }
    t.dispose();
  }
  return out;
}

async function tfaiForward(c: Case, n: number): Promise<tf.Tensor> {
  const xs = c.inputs.map((i) => i.tensor.slice(0, n));
  if (c.inputs[0]!.name === 'tokens') await prepareTextBatch(xs[0]!);
  (c.learn.model as { reset?: () => void }).reset?.();
  const y = (c.learn.model.call as (...a: tf.Tensor[]) => tf.Tensor)(...xs);
  await y.data();
  tf.dispose(xs);
  return y;
}

async function main(): Promise<void> {
  await setBackend('wasm');
  mkdirSync(OUT, { recursive: true });
  mkdirSync(FILES, { recursive: true });
  const rows: Record<string, unknown>[] = [];
  for (const name of MODELS) {
    const make = CASES[name];
    if (!make) throw new Error(`unknown model ${name} (known: ${Object.keys(CASES).join(', ')})`);
    manualSeed(0);
    const c = await make();
    randomizeBatchNorms(c.learn.model);
    c.learn.model.eval();
    const file = join(FILES, `${name}.onnx`);
    const t0 = performance.now();
    const res = await exportOnnx(c.learn, file, { json: true });
    const exportMs = performance.now() - t0;
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: THREADS, interOpNumThreads: 1 });
    const errs: number[] = [];
    for (const n of [1, 7]) {
      const y = await tfaiForward(c, n);
      const ref = y.rank === 4 ? tf.transpose(y, [0, 3, 1, 2]) : y;
      const out = await session.run(await feeds(c.inputs, n));
      errs.push(relErr(out[session.outputNames[0]!]!.data as Float32Array, (await ref.data()) as Float32Array));
      tf.dispose([y, ref]);
    }
    const f7 = await feeds(c.inputs, 7);
    await session.run(f7);
    const ortMs: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const s = performance.now();
      await session.run(f7);
      ortMs.push(performance.now() - s);
    }
    (await tfaiForward(c, 7)).dispose();
    const tfaiMs: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const s = performance.now();
      (await tfaiForward(c, 7)).dispose();
      tfaiMs.push(performance.now() - s);
    }
    await session.release();
    let check: { nodes: number } | string = 'python3 cannot import onnx';
    const py = pythonWithOnnx();
    if (py)
      check = JSON.parse(
        execFileSync(
          py,
          [
            '-c',
            'import sys, onnx; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(\'{"nodes": %d}\' % len(m.graph.node))',
            file,
          ],
          {
            encoding: 'utf8',
          },
        ),
      ) as { nodes: number };
    const row = {
      model: name,
      note: c.note,
      opset: res.description.opset,
      output: res.description.outputs[0]!.name,
      fileMB: +(statSync(file).size / 2 ** 20).toFixed(2),
      errBatch1: errs[0],
      errBatch7: errs[1],
      ortMsBatch7: +median(ortMs).toFixed(2),
      tfaiWasmMsBatch7: +median(tfaiMs).toFixed(2),
      exportMs: +exportMs.toFixed(0),
      checker: check,
    };
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
    c.learn.dispose?.();
    tf.dispose(c.inputs.map((i) => i.tensor));
  }
  const fmt = (e: unknown) => (e as number).toExponential(1);
  const table = [
    '| architecture | input | opset | file (MB) | max rel. err batch 1 | batch 7 | ORT ms / batch of 7 | tfai wasm ms / batch of 7 | onnx.checker full_check: nodes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${String(r.model)} | ${String(r.note)} | ${String(r.opset)} | ${String(r.fileMB)} | ${fmt(r.errBatch1)} | ${fmt(r.errBatch7)} | ${String(r.ortMsBatch7)} | ${String(r.tfaiWasmMsBatch7)} | ${typeof r.checker === 'string' ? r.checker : `ok: ${(r.checker as { nodes: number }).nodes}`} |`,
    ),
  ].join('\n');
  writeFileSync(
    join(OUT, 'onnx.json'),
    JSON.stringify({ date: new Date().toISOString(), ortThreads: THREADS, reps: REPS, rows }, null, 2) + '\n',
  );
  writeFileSync(join(OUT, 'onnx.md'), table + '\n');
  console.log(table);
}

await main();
