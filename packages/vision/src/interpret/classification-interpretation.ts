// fastai's `ClassificationInterpretation` (fastai/interpret.py): predictions, targets and losses of a whole
// loader, then confusion matrix, most confused pairs and top losses.
import * as tf from '@tensorflow/tfjs-core';
import { svgToPng } from '@tfai/core/plot';
import type { DataLoader, Learner } from '@tfai/core';
import { ImageDataError } from '../data/errors.js';
import { writeImageGrid, type ImageGridOptions } from '../data/image-grid.js';
import { ImageDataset } from '../data/image-dataset.js';
import { confusionMatrixSvg, type ConfusionPlotOptions } from './confusion-plot.js';

/** Options of {@link ClassificationInterpretation.plotTopLosses}. */
export interface PlotTopLossesOptions extends ImageGridOptions {
  /** Output PNG (default `top_losses.png`). */
  file?: string;
  /** The largest losses (default) or the smallest. */
  largest?: boolean;
}

/** Per-item losses from logits: vectorised for cross-entropy, else the loss function once per item. */
function itemLosses(learn: Learner, logits: tf.Tensor, targets: tf.Tensor): tf.Tensor1D {
  const spec = learn.lossFunc.spec;
  if (spec.name === 'CrossEntropyLossFlat' && (spec.args.axis ?? -1) === -1 && spec.args.ignoreIndex === undefined) {
    const eps = Number(spec.args.labelSmoothing ?? 0);
    return tf.tidy(() => {
      const c = logits.shape[logits.rank - 1]!;
      const logp = tf.logSoftmax(logits.reshape([-1, c]));
      const nll = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(targets.reshape([-1]).toInt(), c)), 1));
      return (eps ? tf.add(tf.mul(nll, 1 - eps), tf.mul(tf.neg(tf.mean(logp, 1)), eps)) : nll) as tf.Tensor1D;
    });
  }
  const n = logits.shape[0]!;
  return tf.tidy(
    () =>
      tf.stack(
        Array.from({ length: n }, (_, i) => learn.lossFunc(tf.slice(logits, i, 1), tf.slice(targets, i, 1))),
      ) as tf.Tensor1D,
  );
}

/**
 * fastai's `ClassificationInterpretation`: the predictions of a learner over a loader (default the validation set),
 * with per-item losses, to look at what the model gets wrong.
 * @example
 * ```ts
 * const interp = await ClassificationInterpretation.fromLearner(learn);
 * interp.mostConfused(2); // [['shirt', 'tshirt_top', 17], …]
 * await interp.plotConfusionMatrix({ file: 'cm.png' });
 * ```
 */
export class ClassificationInterpretation {
  private constructor(
    /** The loader the predictions were made on (default the learner's validation loader). */
    readonly dl: DataLoader<unknown>,
    /** Class names in index order (the learner's `dls.vocab`). */
    readonly vocab: string[],
    /** Probabilities, `[n][classes]`. */
    readonly preds: number[][],
    /** True class index of each item. */
    readonly targs: number[],
    /** Predicted class index of each item (the argmax of `preds`). */
    readonly decoded: number[],
    /** Loss of each item under the learner's loss function, unreduced (fastai's `losses`). */
    readonly losses: number[],
  ) {}

  /**
   * Runs the learner over `dl` (default its validation loader) in eval mode.
   * @example
   * ```ts
   * const interp = await ClassificationInterpretation.fromLearner(learn);
   * ```
   */
  static async fromLearner(
    learn: Learner,
    opts: { dl?: DataLoader<unknown> } = {},
  ): Promise<ClassificationInterpretation> {
    const dl = opts.dl ?? learn.dls.valid;
    const vocab = learn.dls.vocab;
    if (!vocab) throw new ImageDataError('ClassificationInterpretation needs data with classes (dls.vocab)');
    const { preds: logits, targets } = await learn.getPreds(dl, { act: false });
    try {
      const out = tf.tidy(() => {
        const probs = learn.lossFunc.activation(logits);
        return { probs, dec: learn.lossFunc.decodes(probs), losses: itemLosses(learn, logits, targets) };
      });
      const [p, d, l, t] = await Promise.all([
        out.probs.array() as Promise<number[][]>,
        out.dec.data(),
        out.losses.data(),
        targets.data(),
      ]);
      tf.dispose([out.probs, out.dec, out.losses]);
      return new ClassificationInterpretation(dl, vocab, p, Array.from(t), Array.from(d), Array.from(l));
    } finally {
      tf.dispose([logits, targets]);
    }
  }

  /**
   * Counts, `cm[actual][predicted]`, as fastai's `confusion_matrix`.
   * @example
   * ```ts
   * interp.confusionMatrix()[0][1]; // items of class 0 predicted as class 1
   * ```
   */
  confusionMatrix(): number[][] {
    const n = this.vocab.length;
    const cm = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    this.targs.forEach((t, i) => {
      if (t >= 0 && t < n && this.decoded[i] >= 0 && this.decoded[i] < n) cm[t][this.decoded[i]]++;
    });
    return cm;
  }

  /**
   * fastai's `most_confused`: off-diagonal cells with at least `minVal` items, as `[actual, predicted, count]`,
   * most frequent first.
   * @example
   * ```ts
   * interp.mostConfused(); // [['shirt', 'tshirt_top', 17], ['pullover', 'coat', 12], …]
   * ```
   */
  mostConfused(minVal = 1): [string, string, number][] {
    const cm = this.confusionMatrix();
    const res: [string, string, number][] = [];
    cm.forEach((row, i) =>
      row.forEach((v, j) => i !== j && v >= minVal && res.push([this.vocab[i], this.vocab[j], v])),
    );
    return res.sort((a, b) => b[2] - a[2]);
  }

  /**
   * fastai's `top_losses`: the `k` largest (or smallest) losses and their item indices, sorted.
   * @example
   * ```ts
   * const { losses, idx } = interp.topLosses(9);
   * ```
   */
  topLosses(
    k = this.losses.length,
    largest = true,
  ): {
    /** The `k` losses, largest first (smallest first when `largest` is false). */
    losses: number[];
    /** The item index of each of those losses, into the loader's items. */
    idx: number[];
  } {
    const idx = this.losses
      .map((_, i) => i)
      .sort((a, b) => (largest ? this.losses[b] - this.losses[a] : this.losses[a] - this.losses[b]));
    const top = idx.slice(0, k);
    return { losses: top.map((i) => this.losses[i]), idx: top };
  }

  /**
   * fastai's `plot_confusion_matrix`, written as a PNG. Returns the file.
   * @example
   * ```ts
   * await interp.plotConfusionMatrix({ file: 'confusion.png', normalize: true });
   * ```
   */
  plotConfusionMatrix(opts: ConfusionPlotOptions & { file?: string } = {}): Promise<string> {
    return svgToPng(confusionMatrixSvg(this.confusionMatrix(), this.vocab, opts), opts.file ?? 'confusion_matrix.png');
  }

  /**
   * fastai's `plot_top_losses`: the `k` images with the largest losses, captioned `prediction/actual` and
   * `loss / probability` (of the predicted class), as fastai's one-line title. Returns the PNG file.
   * @example
   * ```ts
   * await interp.plotTopLosses(9, { file: 'top_losses.png' });
   * ```
   */
  async plotTopLosses(k = 9, opts: PlotTopLossesOptions = {}): Promise<string> {
    const ds = this.dl.dataset;
    if (!(ds instanceof ImageDataset))
      throw new ImageDataError('plotTopLosses needs a loader of images (ImageDataset)');
    const { losses, idx } = this.topLosses(k, opts.largest ?? true);
    const samples = await Promise.all(idx.map((i) => ds.get(i)));
    const name = (c: number) => this.vocab[c] ?? String(c);
    const tiles = samples.map((s, j) => {
      const i = idx[j];
      const prob = Math.max(...this.preds[i]);
      return {
        image: s.image,
        lines: [
          { text: `${name(this.decoded[i])}/${name(this.targs[i])}` },
          { text: `${losses[j].toFixed(2)} / ${prob.toFixed(2)}` },
        ],
      };
    });
    return writeImageGrid(opts.file ?? 'top_losses.png', tiles, {
      tileSize: 160,
      ...opts,
      title: opts.title ?? 'Prediction/Actual/Loss/Probability',
    });
  }
}
