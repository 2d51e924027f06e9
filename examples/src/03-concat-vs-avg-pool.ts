// Chapter further research: "Try replacing AdaptiveConcatPool2d with AdaptiveAvgPool2d in a head and see what
// difference it makes" — the same data, seed and training, with each pooling.
import { answers, isShort, pct, runIfMain, type Log } from './common.js';
import { fashionSize, trainFashion } from './fashion.js';

export async function main(
  log: Log,
  short = isShort(),
): Promise<{ concat: number; avg: number; concatFeatures: number; avgFeatures: number }> {
  answers(log, 'Replace AdaptiveConcatPool2d with AdaptiveAvgPool2d in a head: what difference does it make?');
  const size = fashionSize(short);
  log(
    `fashion_mnist: ${size.trainPerClass * 10} train / ${size.validPerClass * 10} valid images, ResNet-18 cut after layer1 (64 channels), ${size.epochs} epoch(s), seed 0`,
  );
  const res: Record<'concat' | 'avg', { accuracy: number; features: number }> = {
    concat: { accuracy: 0, features: 0 },
    avg: { accuracy: 0, features: 0 },
  };
  for (const kind of ['concat', 'avg'] as const) {
    const { accuracy, learn } = await trainFashion(size, { head: { concatPool: kind === 'concat' } });
    const head = learn.model.children()[1]!;
    const pool = head.children()[0]!.typeName;
    // The first BatchNorm1d of the head sees the pooled features.
    const bn = head.children().find((c) => c.typeName === 'BatchNorm1d')!;
    const features = bn.describe().num_features as number;
    learn.dispose();
    res[kind] = { accuracy, features };
    log(`  ${pool.padEnd(21)} ${String(features).padStart(3)} features into the head  accuracy ${pct(accuracy)}`);
  }
  log(`Concat pool minus average pool: ${((res.concat.accuracy - res.avg.accuracy) * 100).toFixed(1)} points`);
  return {
    concat: res.concat.accuracy,
    avg: res.avg.accuracy,
    concatFeatures: res.concat.features,
    avgFeatures: res.avg.features,
  };
}

await runIfMain(import.meta.url, main);
