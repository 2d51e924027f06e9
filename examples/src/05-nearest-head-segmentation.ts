// Chapter further research: "Create a custom head using nearest neighbor interpolation and use it to do
// segmentation" — a ResNet-18 body, then a head of ConvLayer + Upsample(nearest, ×2) blocks back to the input size,
// against fastai's U-Net (unetLearner: the same body, with skip connections and PixelShuffle) on the same brain_aal
// lobes, seed and schedule. The chapter's point: without the encoder's activations, the head must rebuild the whole
// mask from a 1×1 grid, so it should do worse.
import { readFileSync } from 'node:fs';
import { crossEntropyLossFlat, Learner, manualSeed, type LearnerModel } from '@tfai/core';
import { Conv2d, Sequential, Upsample, type TensorModule, ConvLayer } from '@tfai/core/nn';
import { path as dataPath } from '@tfai/datasets';
import { diceMulti, foregroundAcc, SegmentationDataLoaders, unetLearner } from '@tfai/vision';
import { Resize } from '@tfai/vision/augment';
import { createBody, resnet18 } from '@tfai/vision/models';
import { answers, isShort, pct, runIfMain, type Log } from './common.js';

/** The nearest-neighbour head: `ConvLayer(ni, nf)` then `Upsample(×2, nearest)`, halving the channels, `steps` times. */
export function nearestHead(ni: number, nOut: number, steps: number): Sequential {
  const layers: TensorModule[] = [];
  let c = ni;
  for (let i = 0; i < steps; i++) {
    const nf = Math.max(16, c / 2);
    layers.push(new ConvLayer(c, nf), new Upsample({ scaleFactor: 2, mode: 'nearest' }));
    c = nf;
  }
  layers.push(new Conv2d(c, nOut, 1));
  return new Sequential(...layers);
}

/**
 * brain_aal's lobes at `size`×`size` (squished), split by slices.csv's is_valid; the short mode keeps every third
 * training slice and every second validation slice.
 */
function data(size: number, bs: number, short: boolean): SegmentationDataLoaders {
  const root = dataPath('brain_aal');
  const rows = readFileSync(`${root}/slices.csv`, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(','));
  const train = rows.filter((r) => r[2] !== 'True').filter((_, i) => !short || i % 3 === 0);
  const valid = rows.filter((r) => r[2] === 'True').filter((_, i) => !short || i % 2 === 0);
  const names = [...train, ...valid].map((r) => r[0]!);
  const codes = readFileSync(`${root}/codes_lobes.txt`, 'utf8').trim().split(/\r?\n/);
  return SegmentationDataLoaders.fromLists(
    names.map((f) => `${root}/images/${f}`),
    names.map((f) => `${root}/labels_lobes/${f}`),
    { train: train.map((_, i) => i), valid: valid.map((_, i) => train.length + i) },
    { codes, itemTfms: [new Resize(size, { method: 'squish' })], bs, seed: 0 },
  );
}

export interface SegResult {
  nearest: { foregroundAcc: number; dice: number; upsamples: number; outShape: number[] };
  unet: { foregroundAcc: number; dice: number };
  sizes: { train: number; valid: number; size: number; epochs: number };
}

export async function main(log: Log, short = isShort()): Promise<SegResult> {
  answers(
    log,
    'Create a custom head using nearest neighbor interpolation and use it to do segmentation; compare with unet_learner.',
  );
  const size = 32;
  // Full: every slice, the integration test's U-Net schedule (4 epochs, bs 8, lr 1e-2).
  const epochs = short ? 1 : 4;
  const bs = 8;
  const lr = 1e-2;

  manualSeed(0);
  const dls = data(size, bs, short);
  const sizes = { train: dls.train.n, valid: dls.valid.n, size, epochs };
  log(
    `brain_aal lobes: ${sizes.train} train / ${sizes.valid} valid MRI slices at ${size}×${size}, ${dls.c} classes, ${epochs} epochs, bs ${bs}, lr ${lr}, seed 0`,
  );

  // A ResNet-18 body divides the grid by 32: five ×2 nearest upsamplings bring 1×1 back to 32×32.
  const body = createBody(resnet18);
  const head = nearestHead(512, dls.c!, 5);
  const model = new Sequential(body, head) as unknown as LearnerModel;
  const learn = new Learner(dls, model, {
    lossFunc: crossEntropyLossFlat({ axis: -1 }),
    metrics: [foregroundAcc(), diceMulti()],
    progress: false,
  });
  const b = await dls.valid.oneBatch();
  const out = learn.predictBatch(b.x);
  const outShape = out.shape;
  out.dispose();
  b.x.forEach((t) => t.dispose());
  b.y.dispose();
  log('nearest-neighbour head:');
  for (const line of head.toString().split('\n')) log(`  ${line}`);
  log(`  output [${outShape.join(', ')}] for a batch of ${size}×${size} slices`);
  await learn.fitOneCycle(epochs, lr);
  const n = await learn.validate();
  learn.dispose();
  const upsamples = head.children().filter((c) => c.typeName === 'Upsample').length;

  manualSeed(0);
  const dls2 = data(size, bs, short);
  const unet = await unetLearner(dls2, resnet18, {
    pretrained: false,
    metrics: [foregroundAcc(), diceMulti()],
    progress: false,
  });
  await unet.fitOneCycle(epochs, lr);
  const u = await unet.validate();
  unet.dispose();

  const res: SegResult = {
    nearest: { foregroundAcc: n.metrics.foreground_acc!, dice: n.metrics.dice_multi!, upsamples, outShape },
    unet: { foregroundAcc: u.metrics.foreground_acc!, dice: u.metrics.dice_multi! },
    sizes,
  };
  log(
    `  nearest-neighbour head  foreground accuracy ${pct(res.nearest.foregroundAcc)}  multi-class Dice ${res.nearest.dice.toFixed(3)}  valid loss ${n.validLoss.toFixed(3)}`,
  );
  log(
    `  U-Net (unetLearner)     foreground accuracy ${pct(res.unet.foregroundAcc)}  multi-class Dice ${res.unet.dice.toFixed(3)}  valid loss ${u.validLoss.toFixed(3)}`,
  );
  log(
    `U-Net minus nearest head: foreground accuracy ${((res.unet.foregroundAcc - res.nearest.foregroundAcc) * 100).toFixed(1)} points, Dice ${(res.unet.dice - res.nearest.dice).toFixed(3)}`,
  );
  return res;
}

await runIfMain(import.meta.url, main);
