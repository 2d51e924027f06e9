// Chapter further research: "Write your own custom splitter to create a separate parameter group for every ResNet
// block, and one for the stem. Try training with it, and see if it improves the pet breeds classifier" — the
// splitter, the groups it makes, and a one-cycle fit with discriminative learning rates (fashion_mnist subset).
import { Callback, accuracy, manualSeed, params, slice, type Splitter } from '@tfai/core';
import { numParams, type AnyModule, type Parameter } from '@tfai/core/nn';
import { visionLearner } from '@tfai/vision';
import { resnet18 } from '@tfai/vision/models';
import { answers, isShort, pct, runIfMain, type Log } from './common.js';
import { fashionDls, fashionSize } from './fashion.js';

/**
 * One group for the stem (conv1, bn1, relu, maxpool), one per BasicBlock/Bottleneck of layer1…layer4, one for the
 * head: 10 groups for a ResNet-18 or 34's 2+2+2+2 / 3+4+6+3 blocks… (18: 1 + 8 + 1).
 */
export const blockSplitter: Splitter = (model: AnyModule): Parameter[][] => {
  const [body, head] = model.children() as [AnyModule, AnyModule];
  const kids = body.children();
  const stem = kids.slice(0, 4).flatMap((m) => params(m));
  const blocks = kids.slice(4).flatMap((layer) => layer.children().map((b) => params(b)));
  return [stem, ...blocks, params(head)];
};

/** Records each group's learning rate at the start of the fit (the one-cycle peaks). */
class PeakLrs extends Callback {
  lrs: number[] = [];
  override beforeFit(): void {
    this.lrs = this.learn.opt!.paramGroups.map((g) => g.lr);
  }
}

export async function main(
  log: Log,
  short = isShort(),
): Promise<{ groups: number; sizes: number[]; lrs: number[]; accuracy: number; total: number }> {
  answers(
    log,
    'Write a splitter with a parameter group for every ResNet block and one for the stem; train with it (discriminative learning rates).',
  );
  const size = fashionSize(short);
  manualSeed(0);
  const dls = await fashionDls(size);
  const learn = await visionLearner(dls, resnet18, {
    pretrained: false,
    splitter: blockSplitter,
    metrics: [accuracy()],
    progress: false,
  });
  const groups = blockSplitter(learn.model as unknown as AnyModule);
  const sizes = groups.map((g) => g.reduce((s, p) => s + p.size, 0));
  const names = ['stem', ...['layer1', 'layer2', 'layer3', 'layer4'].flatMap((l) => [`${l}.0`, `${l}.1`]), 'head'];
  log(`ResNet-18 (whole body) + fastai head: ${groups.length} parameter groups`);
  const peaks = new PeakLrs();
  log(
    `fashion_mnist: ${size.trainPerClass * 10} train / ${size.validPerClass * 10} valid, fitOneCycle(${size.epochs}, slice(1e-4, 1e-2)), seed 0`,
  );
  await learn.fitOneCycle(size.epochs, slice(1e-4, 1e-2), { cbs: [peaks] });
  groups.forEach((_, i) =>
    log(
      `  group ${String(i).padStart(2)} ${names[i]!.padEnd(9)} ${String(sizes[i]).padStart(8)} parameters  peak lr ${peaks.lrs[i]!.toExponential(2)}`,
    ),
  );
  const { metrics } = await learn.validate();
  const total = numParams(learn.model as unknown as AnyModule);
  log(`Every parameter in exactly one group: ${sizes.reduce((a, b) => a + b, 0)} of ${total}`);
  log(`accuracy ${pct(metrics.accuracy!)}`);
  learn.dispose();
  return { groups: groups.length, sizes, lrs: peaks.lrs, accuracy: metrics.accuracy!, total };
}

await runIfMain(import.meta.url, main);
