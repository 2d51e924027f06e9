// Chapter: overfitting is fought first with more data and augmentation, "thanks to the development of Mixup and
// similar approaches" — MixUp (fastai's callback, α = 0.4) against no MixUp, same data, seed and schedule.
import { MixUp } from '@tfai/core';
import { answers, isShort, pct, runIfMain, type Log } from './common.js';
import { fashionSize, trainFashion } from './fashion.js';

export async function main(
  log: Log,
  short = isShort(),
): Promise<{ none: { accuracy: number; trainLoss: number }; mixup: { accuracy: number; trainLoss: number } }> {
  answers(log, 'Train with MixUp and without on the same data: how do accuracy and training loss compare?');
  const size = fashionSize(short);
  log(
    `fashion_mnist: ${size.trainPerClass * 10} train / ${size.validPerClass * 10} valid images, ResNet-18 cut after layer1, ${size.epochs} epoch(s), seed 0`,
  );
  const res = { none: { accuracy: 0, trainLoss: 0 }, mixup: { accuracy: 0, trainLoss: 0 } };
  for (const kind of ['none', 'mixup'] as const) {
    const { accuracy, validLoss, learn } = await trainFashion(
      size,
      {},
      { cbs: kind === 'mixup' ? [new MixUp(0.4)] : [] },
    );
    const trainLoss = learn.recorder.values.at(-1)![0]!;
    learn.dispose();
    res[kind] = { accuracy, trainLoss };
    log(
      `  ${(kind === 'mixup' ? 'MixUp(0.4)' : 'no MixUp').padEnd(10)}  train loss ${trainLoss.toFixed(3)}  valid loss ${validLoss.toFixed(3)}  accuracy ${pct(accuracy)}`,
    );
  }
  log(
    'MixUp trains on blends of two images with blended losses: its training loss stays higher, and it needs more epochs to pay off.',
  );
  return res;
}

await runIfMain(import.meta.url, main);
