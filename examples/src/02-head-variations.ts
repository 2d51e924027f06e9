// Chapter further research: "Try changing the dropout, layer sizes and number of layers of the head of
// vision_learner and see how it changes the accuracy" — three heads on the same fashion_mnist subset and seed.
import { answers, isShort, pct, runIfMain, type Log } from './common.js';
import { fashionSize, trainFashion } from './fashion.js';

/** The heads compared: fastai's default, more dropout and smaller, and two hidden layers. */
export const HEADS = [
  { name: 'default: linFtrs [512], ps 0.5', linFtrs: [512], ps: 0.5 },
  { name: 'dropout 0.8, linFtrs [128]', linFtrs: [128], ps: 0.8 },
  { name: 'two layers: linFtrs [256, 128], ps 0.25', linFtrs: [256, 128], ps: 0.25 },
] as const;

export async function main(
  log: Log,
  short = isShort(),
): Promise<{ name: string; linears: number; accuracy: number }[]> {
  answers(
    log,
    "Change the dropout, layer sizes and number of layers of vision_learner's head: how does the accuracy change?",
  );
  const size = fashionSize(short);
  log(
    `fashion_mnist: ${size.trainPerClass * 10} train / ${size.validPerClass * 10} valid images, ResNet-18 cut after layer1, ${size.epochs} epoch(s), seed 0`,
  );
  const out = [];
  for (const h of HEADS) {
    const { accuracy, learn } = await trainFashion(size, { head: { linFtrs: [...h.linFtrs], ps: h.ps } });
    const head = learn.model.children()[1]!;
    const linears = head.children().filter((c) => c.typeName === 'Linear').length;
    learn.dispose();
    log(`  ${h.name.padEnd(42)} ${linears} linear layers  accuracy ${pct(accuracy)}`);
    out.push({ name: h.name, linears, accuracy });
  }
  return out;
}

await runIfMain(import.meta.url, main);
