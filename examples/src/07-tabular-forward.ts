// Chapter further research: "Read through the source code of TabularModel.forward and ... create a version of it
// line by line printing each intermediate shape" — fastai 2.7's forward, step by step, on a real credit_data batch.
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { type AnyModule } from '@tfai/core/nn';
import { path as dataPath } from '@tfai/datasets';
import { TabularDataLoaders, tabularLearner, type TabularModel } from '@tfai/tabular';
import { answers, runIfMain, type Log } from './common.js';

const CAT = ['Home', 'Marital', 'Records', 'Job'];
const CONT = ['Seniority', 'Time', 'Age', 'Expenses', 'Income', 'Assets', 'Debt', 'Amount', 'Price'];

export async function main(log: Log): Promise<{ steps: { line: string; shape: number[] }[]; maxDiff: number }> {
  answers(log, 'Go through TabularModel.forward line by line, printing every intermediate shape.');
  manualSeed(0);
  const dls = await TabularDataLoaders.fromCsv(`${dataPath('credit_data')}/credit_data.csv`, {
    yNames: ['Status'],
    catNames: CAT,
    contNames: CONT,
    validPct: 0.2,
    seed: 42,
    bs: 64,
  });
  const learn = tabularLearner(dls, { progress: false });
  const m = learn.model as TabularModel;
  m.eval();
  const b = await dls.valid.oneBatch();
  const [xCat, xCont] = b.x as [tf.Tensor, tf.Tensor];
  const steps: { line: string; shape: number[] }[] = [];
  const step = (line: string, t: tf.Tensor): tf.Tensor => {
    steps.push({ line, shape: t.shape });
    log(`  ${line.padEnd(58)} → [${t.shape.join(', ')}]`);
    return t;
  };
  // FillMissing adds a `<col>_na` category for each continuous column with missing values, as fastai's.
  const cats = dls.catNames;
  log(
    `credit_data, one validation batch: x_cat [${xCat.shape.join(', ')}] (codes of ${cats.join(', ')}), x_cont [${xCont.shape.join(', ')}]`,
  );
  log(`embedding sizes (fastai's emb_sz_rule): ${m.embSzs.map(([n, d]) => `${n}→${d}`).join(', ')}`);
  log('forward(x_cat, x_cont):');
  const out = tf.tidy(() => {
    // if self.n_emb != 0: x = [e(x_cat[:,i]) for i,e in enumerate(self.embeds)]
    const embs = m.embeds
      .items()
      .map((e, i) =>
        step(
          `e${i} = embeds[${i}](x_cat[:, ${i}])  (${cats[i]})`,
          e.call(tf.squeeze(tf.slice(xCat, [0, i], [-1, 1]), [1])),
        ),
      );
    let x = step('x = torch.cat(x, 1)', tf.concat(embs, 1));
    x = step('x = self.emb_drop(x)', m.embDrop.call(x));
    // if self.n_cont != 0: x_cont = self.bn_cont(x_cont); x = torch.cat([x, x_cont], 1)
    const c = step('x_cont = self.bn_cont(x_cont)', m.bnCont!.call(xCont));
    x = step('x = torch.cat([x, x_cont], 1)', tf.concat([x, c], 1));
    // return self.layers(x), block by block and layer by layer
    m.layers.children().forEach((block, i) => {
      (block as AnyModule).children().forEach((layer, j) => {
        x = step(
          `x = layers[${i}][${j}](x)  ${layer.toString().split('\n')[0]}`,
          (layer as unknown as { call(t: tf.Tensor): tf.Tensor }).call(x),
        );
      });
    });
    return x;
  });
  const whole = m.call(xCat, xCont);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(whole, out))));
  const maxDiff = (await diff.data())[0]!;
  log(`the same as model(x_cat, x_cont) [${whole.shape.join(', ')}]: max |difference| ${maxDiff.toExponential(1)}`);
  tf.dispose([out, whole, diff, ...b.x, b.y]);
  learn.dispose();
  return { steps, maxDiff };
}

await runIfMain(import.meta.url, main);
