// Parity of fastai's other model_meta families with PyTorch: the checkpoints come from classic-parity.py (beside
// this file) run by Debian's python3-torchvision 0.14: squeezenet1_1's is committed (fixtures/, 10 classes, 64×64),
// the others are made at test time into a temp dir, and skipped by name where /usr/bin/python3 has no torchvision
// (never under CI=true). Each: strict state-dict load, eval-mode logits and fastai's body within 1e-4 relative,
// the body's nf as fastai's num_features_model, the parameter count with 1000 classes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadSafetensors } from '@tfai/core/io';
import { numParams, type Sequential, type TensorModule } from '@tfai/core/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { relError } from '@tfai/test-utils';
import { CLASSIC_ARCHS } from './classic-meta.js';
import { createBody } from './create-body.js';
import { createHead } from './create-head.js';
import { numFeaturesModel } from './model-sizes.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SCRIPT = join(HERE, 'classic-parity.py');
const PY = '/usr/bin/python3';

/** Parameters with 1000 classes, as torchvision 0.14 / fastai 2.7 count them (printed by classic-parity.py). */
const N_PARAMS: Record<string, number> = {
  xresnet18: 11_708_744,
  xresnet34: 21_816_904,
  xresnet50: 25_576_264,
  xresnet101: 44_568_392,
  xresnet152: 60_212_040,
  squeezenet1_0: 1_248_424,
  squeezenet1_1: 1_235_496,
  densenet121: 7_978_856,
  densenet161: 28_681_000,
  densenet169: 14_149_480,
  densenet201: 20_013_928,
  vgg11_bn: 132_868_840,
  vgg13_bn: 133_053_736,
  vgg16_bn: 138_365_992,
  vgg19_bn: 143_678_248,
  alexnet: 61_100_840,
};

function hasTorchvision(): boolean {
  try {
    execFileSync(PY, ['-c', 'import torchvision'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const CI = process.env.CI === 'true' || process.env.CI === '1';
const noPython =
  CI || hasTorchvision() ? undefined : `${PY} cannot import torchvision (apt install python3-torchvision)`;

let tmp: string | undefined;
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Loads `<dir>/<name>.safetensors` into the registered architecture and measures it against `<name>_io`. */
async function parity(dir: string, name: string) {
  const entry = CLASSIC_ARCHS[name];
  const { tensors: weights } = await loadSafetensors(join(dir, `${name}.safetensors`));
  const { tensors: io, metadata } = await loadSafetensors(join(dir, `${name}_io.safetensors`));
  const model = entry.build({ numClasses: Number(metadata.classes) });
  model.loadStateDict(weights, { strict: true });
  tf.dispose(Object.values(weights));
  model.eval();
  const logitsErr = tf.tidy(() => relError((model as unknown as TensorModule).call(io.input_nhwc), io.logits));
  const body = createBody(model, { cut: entry.meta.cut as number });
  const bodyErr = tf.tidy(() => relError(body.call(io.input_nhwc), io.body_nhwc));
  const bodyShape = tf.tidy(() => body.call(io.input_nhwc).shape);
  const nf = numFeaturesModel(body);
  tf.dispose(Object.values(io));
  model.dispose();
  console.log(
    `${name} parity (${tf.getBackend()}): logits rel err ${logitsErr.toExponential(2)}, body ${bodyErr.toExponential(2)}`,
  );
  return { logitsErr, bodyErr, bodyShape, nf, metadata };
}

function check(r: Awaited<ReturnType<typeof parity>>, name: string) {
  expect(r.logitsErr).toBeLessThan(1e-4);
  expect(r.bodyErr).toBeLessThan(1e-4);
  expect(r.nf).toBe(Number(r.metadata.nf));
  expect(r.bodyShape[3]).toBe(r.nf);
  expect(Number(r.metadata.n_params)).toBe(N_PARAMS[name]);
  expect(Number(r.metadata.cut)).toBe(CLASSIC_ARCHS[name].meta.cut);
  // createHead's first BatchNorm sees the concat-pooled 2·nf, as fastai's create_head(nf, n_out).
  const head = createHead(r.nf, 10);
  expect((head.get(2) as Sequential).describe()).toMatchObject({ type: 'BatchNorm1d', num_features: 2 * r.nf });
  head.dispose();
}

describe('classic families: parameter counts equal to torchvision / fastai (1000 classes)', () => {
  it.each(Object.keys(N_PARAMS))('%s', (name) => {
    const m = CLASSIC_ARCHS[name].build();
    expect(numParams(m)).toBe(N_PARAMS[name]);
    m.dispose();
  });
});

describe('squeezenet1_1 parity with torchvision 0.14 (committed fixture)', () => {
  it('logits, fastai body and nf', async () => {
    check(await parity(join(HERE, 'fixtures'), 'squeezenet1_1'), 'squeezenet1_1');
  });
});

describe.skipIf(noPython)(`parity with torchvision 0.14 / fastai 2.7 (made by ${PY} at test time)`, () => {
  it.each(Object.keys(N_PARAMS).filter((n) => n !== 'squeezenet1_1'))('%s', async (name) => {
    tmp ??= mkdtempSync(join(tmpdir(), 'tfai-classic-'));
    execFileSync(PY, [SCRIPT, tmp, name], { stdio: 'ignore', timeout: 300_000 });
    check(await parity(tmp, name), name);
    rmSync(join(tmp, `${name}.safetensors`), { force: true });
  });
});
