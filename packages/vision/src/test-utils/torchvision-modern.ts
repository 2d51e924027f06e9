// The parity measure of torchvision's ConvNeXt and EfficientNet (issue #31): fixtures written by
// models/fixtures/torchvision_modern.py — committed for the small configurations, generated into a temporary
// folder for the published architectures where Debian's python3-torchvision is present (always under CI=true).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadTorch } from '@tfai/core/io';
import { numParams, type AnyModule, type TensorModule } from '@tfai/core/nn';
import { relErr } from '@tfai/test-utils';

/** The Python with torch 1.13 and torchvision 0.14 (Debian's). */
export const TORCHVISION_PYTHON = '/usr/bin/python3';
/** The folder of the committed fixtures and of the generator script. */
export const MODERN_FIXTURES = fileURLToPath(new URL('../models/fixtures/', import.meta.url));

let present: boolean | undefined;
/** Whether {@link TORCHVISION_PYTHON} imports torchvision. */
export function hasTorchvision(): boolean {
  if (present === undefined) {
    try {
      execFileSync(TORCHVISION_PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' });
      present = true;
    } catch {
      present = false;
    }
  }
  return present;
}

/** Why the generated-parity tests are skipped here, or undefined when they run (never skipped under CI=true). */
export const torchvisionSkip: string | undefined =
  process.env.CI === 'true' || hasTorchvision()
    ? undefined
    : `${TORCHVISION_PYTHON} cannot import torchvision (apt install python3-torchvision)`;

/** Runs the generator for `names` into `dir` (one Python process). */
export function generateFixtures(dir: string, names: string[]): void {
  execFileSync(TORCHVISION_PYTHON, [`${MODERN_FIXTURES}torchvision_modern.py`, dir, ...names], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 600_000,
  });
}

interface Tensor {
  shape: number[];
  data: number[];
}
/** What the generator records per architecture. */
export interface ModernFacts {
  arch: string;
  n_params: number;
  children: string[];
  body_shape: number[];
  x: Tensor;
  logits: Tensor;
}

/** The parity of `model` with torchvision's on the fixture `name` in `dir`: loads the .pth, runs in eval mode. */
export async function modernParity(
  model: AnyModule & TensorModule,
  dir: string,
  name: string,
): Promise<{ facts: ModernFacts; relErr: number; nParams: number; bodyShape: number[] }> {
  const facts = JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8')) as ModernFacts;
  model.loadStateDict(await loadTorch(`${dir}/${name}.pth`), { strict: true });
  model.eval();
  const x = tf.tidy(() => tf.transpose(tf.tensor(facts.x.data, facts.x.shape), [0, 2, 3, 1]));
  const y = model.call(x);
  const features = model.children()[0] as unknown as TensorModule;
  const body = features.call(x);
  const got = await y.data();
  const bodyShape = [...body.shape];
  tf.dispose([x, y, body]);
  return { facts, relErr: relErr(got, facts.logits.data), nParams: numParams(model), bodyShape };
}
