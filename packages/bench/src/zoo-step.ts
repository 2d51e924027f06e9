// One training step of fastai's vision model (body + default head, 10 classes) on a 16×64×64×3 batch, timed the
// same way for every architecture of the zoo tables (zoo-classic.ts, zoo-modern.ts): forward, cross-entropy,
// `tf.variableGrads`, fastai's Adam, an awaited read of the loss.
import * as tf from '@tensorflow/tfjs-core';
import { Adam, crossEntropyLossFlat, manualSeed } from '@tfai/core';
import { numParams } from '@tfai/core/nn';
import { VISION_ARCHS, createVisionModel } from '@tfai/vision/models';

/** What {@link visionStepTimes} measured of one architecture. */
export interface VisionStepTimes {
  /** Milliseconds of each measured step (after `warm` unmeasured ones), to 0.1 ms. */
  times: number[];
  /** Parameter groups fastai's splitter gives the vision model. */
  groups: number;
  /** Parameters of the vision model (body + head, 10 classes). */
  params: number;
}

/** Times `steps` training steps of `arch`'s vision model after `warm` unmeasured ones. */
export async function visionStepTimes(arch: string, warm: number, steps: number): Promise<VisionStepTimes> {
  manualSeed(0);
  const entry = VISION_ARCHS[arch];
  const model = await createVisionModel(entry.build, 10, { pretrained: false });
  const groups = entry.meta.split(model).length;
  model.train();
  const x = tf.randomNormal([16, 64, 64, 3]);
  const y = tf.tensor1d(
    Int32Array.from({ length: 16 }, (_, i) => i % 10),
    'int32',
  );
  const ce = crossEntropyLossFlat();
  const opt = new Adam([model.parameters()], { lr: 1e-3 });
  const vars = opt.trainableVariables();
  const times: number[] = [];
  for (let i = 0; i < warm + steps; i++) {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => ce(model.call(x), y) as tf.Scalar, vars);
    opt.step(grads);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
    if (i >= warm) times.push(Math.round((performance.now() - t0) * 10) / 10);
  }
  const params = numParams(model);
  tf.dispose([x, y]);
  opt.dispose();
  model.dispose();
  return { times, groups, params };
}
