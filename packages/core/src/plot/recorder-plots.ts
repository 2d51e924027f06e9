// fastai's Recorder plots (`plot_loss`, `plot_metrics`, `plot_sched`, `plot_lr_find`) on ./plot.ts.
import { plotToFile, TAB10, type PlotPanel } from './plot.js';

/** What the plots read from a Recorder. */
export interface RecorderData {
  lrs: number[];
  moms: number[];
  /** Smoothed training losses, one per batch (fastai's `recorder.losses`). */
  smoothLosses: number[];
  /** Rows `[train_loss, valid_loss, …metrics]`, one per epoch. */
  values: number[][];
  /** Batch index at the end of each epoch. */
  iters: number[];
  /** `['epoch', 'train_loss', 'valid_loss', …metrics, 'time']`. */
  metricNames: string[];
}

/** Options of `recorder.plotLoss`. */
export interface PlotLossOptions {
  /** Batches skipped at the start (fastai: 5). */
  skipStart?: number;
  /** Also the validation loss at the end of each epoch (default true). */
  withValid?: boolean;
  /** Log-scaled loss axis (default false). */
  log?: boolean;
}

/** Options of `recorder.plotLrFind`. */
export interface PlotLrFindOptions {
  /** Points dropped at the end, where the loss diverges (fastai: 5). */
  skipEnd?: number;
  /** Suggested learning rates, each marked with a dot and a legend entry (`valley: 1.2e-3`). */
  suggestions?: {
    /** Name of the suggestion function (fastai's `valley`, `slide`, `minimum`, `steep`). */
    name: string;
    /** Suggested learning rate (x of the dot). */
    lr: number;
    /** Smoothed loss at that learning rate (y of the dot). */
    loss: number;
  }[];
}

const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

/** fastai's `plot_loss`: the smoothed training loss per batch from `skipStart`, the validation loss per epoch. */
export function lossPanel(r: RecorderData, opts: PlotLossOptions = {}): PlotPanel {
  const skip = opts.skipStart ?? 5;
  const series = [{ name: 'train', x: range(skip, r.smoothLosses.length), y: r.smoothLosses.slice(skip) }];
  if (opts.withValid ?? true) {
    const col = r.metricNames.indexOf('valid_loss') - 1;
    const keep = r.iters.map((it, i) => ({ it, v: r.values[i]?.[col] })).filter((p) => p.it >= skip);
    series.push({ name: 'valid', x: keep.map((p) => p.it), y: keep.map((p) => p.v) });
  }
  return { series, xLabel: 'Batch', yLabel: 'Loss', yLog: opts.log, xInteger: true };
}

/** fastai's `plot_metrics`: train and valid losses per epoch in one panel, then one panel per metric. */
export function metricPanels(r: RecorderData): PlotPanel[] {
  const names = r.metricNames.slice(1, -1);
  const epochs = r.values.map((_, i) => i);
  const col = (i: number) => r.values.map((v) => v[i]);
  const panels: PlotPanel[] = [
    {
      title: 'losses',
      series: [
        { name: 'train', x: epochs, y: col(0), color: TAB10[0] },
        { name: 'valid', x: epochs, y: col(1), color: TAB10[1] },
      ],
      xLabel: 'Epoch',
      xInteger: true,
    },
  ];
  for (let i = 2; i < names.length; i++)
    panels.push({
      title: names[i],
      series: [{ name: 'valid', x: epochs, y: col(i), color: TAB10[1] }],
      xLabel: 'Epoch',
      xInteger: true,
    });
  return panels;
}

/** fastai's `plot_sched`: each hyper-parameter (lr, mom) of the last group over the batches of the fit. */
export function schedPanels(r: RecorderData, keys: ('lr' | 'mom')[] = ['lr', 'mom']): PlotPanel[] {
  return keys.map((k) => {
    const y = k === 'lr' ? r.lrs : r.moms;
    return { series: [{ name: k, x: range(0, y.length), y }], xLabel: 'Batch', yLabel: k, xInteger: true };
  });
}

/** fastai's `plot_lr_find`: smoothed loss against the learning rate (log axis), the last `skipEnd` points dropped. */
export function lrFindPanel(r: RecorderData, opts: PlotLrFindOptions = {}): PlotPanel {
  const skipEnd = opts.skipEnd ?? 5;
  const n = Math.min(r.lrs.length, r.smoothLosses.length);
  const end = skipEnd > 0 ? Math.max(0, n - skipEnd) : n;
  const markers = (opts.suggestions ?? []).map((s, i) => ({
    x: s.lr,
    y: s.loss,
    label: `${s.name}: ${s.lr.toExponential(2)}`,
    color: TAB10[(i + 1) % TAB10.length],
  }));
  return {
    series: [{ name: 'loss', x: r.lrs.slice(0, end), y: r.smoothLosses.slice(0, end) }],
    markers,
    xLabel: 'Learning Rate',
    yLabel: 'Loss',
    xLog: true,
  };
}

/** Writes a figure of panels for the Recorder methods (PNG, or SVG for `.svg`). */
export function writePanels(panels: PlotPanel[], file: string, columns = 2): Promise<string> {
  const small = panels.length > 1;
  return plotToFile(panels, file, { columns, width: small ? 400 : 560, height: small ? 260 : 340 });
}
