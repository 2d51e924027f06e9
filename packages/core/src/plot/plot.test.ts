import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReLU } from '../nn/layers/activation.js';
import { Sequential } from '../nn/layers/container.js';
import { Linear } from '../nn/layers/linear.js';
import { manualSeed } from '../nn/random.js';
import { creditDls, loadCredit } from '../test-utils/credit.js';
import { Learner } from '../learner/learner.js';
import { accuracy } from '../learner/metrics/index.js';
import { linePlot, linePlotSvg, plotSpec } from './plot.js';
import { lossPanel, lrFindPanel, metricPanels } from './recorder-plots.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfai-plot-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lrs = Array.from({ length: 100 }, (_, i) => 1e-7 * 10 ** (i * 0.08));
const losses = lrs.map((lr) => 0.7 - 0.2 * Math.exp(-((Math.log10(lr) + 2) ** 2)) + (lr > 1 ? lr : 0));

describe('plots (Vega-Lite → SVG → PNG)', () => {
  it('a log axis has its ticks at the powers of ten, labelled 1e-7 … 1e1; linear ticks are round', async () => {
    const svg = await linePlotSvg([{ name: 'loss', x: lrs, y: losses }], {
      xLog: true,
      xLabel: 'Learning Rate',
      yLabel: 'Loss',
    });
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (let e = -7; e <= 1; e++) expect(labels).toContain(`1e${e}`);
    expect(labels.some((l) => /e-\d\.\d/.test(l))).toBe(false); // no 1e-5.2
    const yTicks = labels.filter((l) => /^\d(\.\d+)?$/.test(l)).map(Number);
    expect(yTicks.length).toBeGreaterThanOrEqual(4);
    for (const t of yTicks) expect(Math.round(t * 100) / 100).toBeCloseTo(t, 10); // 0.55, 0.6 … not 0.674
    expect(labels).toContain('Learning Rate');
    expect(labels).toContain('Loss');
    // Grid and tick marks are drawn.
    expect(svg).toMatch(/role-axis-grid/);
    expect(svg).toMatch(/role-axis-tick/);
  });

  it('the PNG shows the text: the band of x tick labels and axis title has dark pixels', async () => {
    const file = await linePlot(
      join(dir, 'p.png'),
      [
        { name: 'a', x: [0, 1, 2, 3], y: [3, 1, 2, 0] },
        { name: 'b', x: [0, 1, 2, 3], y: [0, 1, 1, 2] },
      ],
      { xLabel: 'Epoch', yLabel: 'Value' },
    );
    const { data, info } = await sharp(await readFile(file))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const dark = (y0: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = 0; x < info.width; x++) if (data[y * info.width + x] < 100) n++;
      return n;
    };
    // Below the plotting area (340 px + 12 px padding): tick labels and the title, drawn with a real font.
    expect(dark(355, info.height)).toBeGreaterThan(200);
    // Both series appear in a legend (stroke swatches).
    const svg = await linePlotSvg([
      { name: 'train', x: [0, 1], y: [1, 0] },
      { name: 'valid', x: [0, 1], y: [0, 1] },
    ]);
    expect(svg).toContain('>train<');
    expect(svg).toContain('>valid<');
    const one = plotSpec([{ series: [{ name: 'a', x: [0], y: [0] }] }]) as {
      layer: { encoding: { color: { legend: unknown } } }[];
    };
    expect(one.layer[0].encoding.color.legend).toBeNull(); // one line: no legend
  });

  it('Recorder plots from a real fit (credit_data): plotLoss skips the first 5 batches, lrFind drops the last 5 points', async () => {
    manualSeed(0);
    const data = loadCredit();
    const learn = new Learner(
      creditDls({ ...data, train: data.train.slice(0, 1280) }, 64),
      new Sequential(new Linear(data.nFeatures, 16), new ReLU(), new Linear(16, 2)),
      {
        metrics: [accuracy()],
        progress: false,
      },
    );
    await learn.fitOneCycle(2, 1e-2);
    const r = learn.recorder;
    const data2 = { ...r, metricNames: r.metricNames };
    const lp = lossPanel(data2);
    expect(lp.series[0].x[0]).toBe(5);
    expect(lp.series[0].y).toEqual(r.smoothLosses.slice(5));
    expect(lp.series[1].x).toEqual([19, 39]); // valid loss at the end of each epoch
    expect(lp.series[1].y).toEqual(r.values.map((v) => v[1]));
    const mp = metricPanels(data2);
    expect(mp.map((p) => p.title)).toEqual(['losses', 'accuracy']);
    const svg = await readFile(await r.plotLoss(join(dir, 'loss.svg')), 'utf8');
    expect(svg).toContain('>Batch<');
    expect(svg).toContain('>valid<');
    for (const f of ['plotMetrics', 'plotSched'] as const) {
      const png = await r[f](join(dir, `${f}.png`));
      expect((await sharp(png).metadata()).width).toBeGreaterThan(700); // two panels side by side
    }
    const { valley } = await learn.lrFind({ numIt: 40 });
    const lf = lrFindPanel({ ...r, metricNames: r.metricNames }, { suggestions: r.suggestions });
    expect(lf.series[0].x.length).toBe(Math.min(r.lrs.length, r.smoothLosses.length) - 5);
    expect(lf.markers?.[0].label).toBe(`valley: ${valley.toExponential(2)}`);
    learn.dispose();
  });
});
