// Train in Node, predict in the browser: for each task a learner trained briefly in Node on a real data set of
// @tfai/datasets, exported, loaded in Debian's chromium from the served files, and predicting the whole validation
// set in the page, compared with Node's `predict` of the same items: the same top-1 class on every item,
// probabilities within 1e-4, segmentation masks identical on at least 99.9% of pixels. Images reach the page as the
// pixels sharp decodes in Node (RGBA, what a page's ImageData holds). The table of results is written to
// results/browser-table.md (and .json).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { needsBrowser } from './browser.js';
import { openSession, RESULTS_DIR, type Session } from './harness.js';
import type { BackendInfo, ExportSource, PageBackend, PagePrediction } from './page/api.js';
import { prepareTask, type TaskFixture, type TaskName } from './tasks.js';

export interface TableRow {
  task: string;
  dataset: string;
  items: number;
  top1: string;
  maxProbDiff: number | null;
  maskPixels?: string;
  backend: string;
  loadMs: number;
  nodeLoadMs: number;
  weightsKB: number;
  source: string;
}
const rows: TableRow[] = [];

/** Compares the page's predictions with Node's; returns the row's figures. */
function compare(fx: TaskFixture, page: PagePrediction[]) {
  expect(page.length).toBe(fx.node.length);
  let same = 0;
  let maxDiff = 0;
  let pixels = 0;
  let samePixels = 0;
  for (const [i, n] of fx.node.entries()) {
    const p = page[i];
    if (n.mask) {
      const m = p.mask ?? [];
      expect(m.length).toBe(n.mask.length);
      pixels += n.mask.length;
      for (let j = 0; j < n.mask.length; j++) if (m[j] === n.mask[j]) samePixels++;
      continue;
    }
    if (p.decoded === n.decoded) same++;
    expect(p.probs.length).toBe(n.probs.length);
    for (let j = 0; j < n.probs.length; j++) maxDiff = Math.max(maxDiff, Math.abs(p.probs[j] - n.probs[j]));
  }
  return { same, maxDiff, pixels, samePixels };
}

/** Loads the task's export in the page, predicts every item there, compares, and adds the table's row. */
async function runInPage(s: Session, fx: TaskFixture, backend: PageBackend, via: 'url' | 'bytes' = 'url') {
  const info: BackendInfo = await s.page.evaluate((b) => window.tfai.setup(b, '/wasm/'), backend);
  const src: ExportSource =
    via === 'url'
      ? { url: `/files/${fx.exportJson}` }
      : { jsonUrl: `/files/${fx.exportJson}`, weightsUrl: `/files/${fx.exportWeights}` };
  const { ms } = await s.page.evaluate((x) => window.tfai.load(x), src);
  const url = `/files/${fx.itemsFile}`;
  const page = await s.page.evaluate(
    ([task, u]) => {
      const t = window.tfai;
      if (task === 'tabular') return t.predictRows(u);
      if (task === 'text') return t.predictTexts(u);
      if (task === 'siamese') return t.predictPairs(u);
      return t.predictImages(u);
    },
    [fx.task, url] as const,
  );
  const { same, maxDiff, pixels, samePixels } = compare(fx, page);
  const seg = fx.task === 'segmentation';
  rows.push({
    task: fx.task,
    dataset: fx.dataset,
    items: fx.node.length,
    top1: seg ? '–' : `${same}/${fx.node.length}`,
    maxProbDiff: seg ? null : maxDiff,
    maskPixels: seg ? `${samePixels}/${pixels} (${((100 * samePixels) / pixels).toFixed(3)}%)` : undefined,
    backend: info.backend + (info.wasmThreads ? ' (threads)' : info.wasmSimd ? ' (SIMD)' : ''),
    loadMs: Math.round(ms),
    nodeLoadMs: Math.round(fx.nodeLoadMs),
    weightsKB: Math.round(fx.weightsBytes / 1024),
    source: via === 'url' ? 'URL' : 'bytes',
  });
  expect(s.errors).toEqual([]);
  if (seg) expect(samePixels / pixels).toBeGreaterThanOrEqual(0.999);
  else {
    expect(same).toBe(fx.node.length);
    expect(maxDiff).toBeLessThan(1e-4);
  }
}

/** One page per package, its tasks trained in Node and served from the session's folder. */
function pageSuite(entry: string, tasks: { task: TaskName; backends: PageBackend[]; via?: 'url' | 'bytes' }[]) {
  describe(`@tfai/${entry} in the page`, needsBrowser(), () => {
    let s: Session | undefined;
    afterAll(async () => {
      for (const fx of fixtures) fx.learn.dispose();
      await s?.close();
    });
    const fixtures: TaskFixture[] = [];
    for (const { task, backends, via } of tasks)
      it(`${task}: the page's predictions of the validation set match Node's (${backends.join(', ')})`, async () => {
        s ??= await openSession({ entry });
        const fx = await prepareTask(task, s.files);
        fixtures.push(fx);
        for (const b of backends) await runInPage(s, fx, b, via);
      });
  });
}

pageSuite('vision', [
  { task: 'vision', backends: ['wasm', 'webgl'] },
  { task: 'segmentation', backends: ['wasm'] },
]);
pageSuite('tabular', [{ task: 'tabular', backends: ['wasm', 'webgl'], via: 'bytes' }]);
pageSuite('text', [{ task: 'text', backends: ['wasm'] }]);
pageSuite('siamese', [{ task: 'siamese', backends: ['wasm'] }]);

afterAll(async () => {
  if (rows.length === 0) return;
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, 'browser-table.json'), `${JSON.stringify(rows, null, 2)}\n`);
  const lines = [
    '# Train in Node, predict in the browser',
    '',
    'Written by `src/parity.test.ts` (Debian chromium, headless, `--disable-gpu`): each learner trained briefly in Node,',
    'exported, loaded in the page and predicting the whole validation set, compared with Node’s `predict` (wasm) on',
    'the same items.',
    '',
    '| task | data set | items | top-1 agreement | largest probability difference | masks: same pixels | page backend | model load in the page (Node) | weights | loaded from |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.task} | ${r.dataset} | ${r.items} | ${r.top1} | ${r.maxProbDiff === null ? '–' : r.maxProbDiff.toExponential(2)} | ${r.maskPixels ?? '–'} | ${r.backend} | ${r.loadMs} ms (${r.nodeLoadMs} ms) | ${r.weightsKB} kB | ${r.source} |`,
    ),
    '',
  ];
  await writeFile(join(RESULTS_DIR, 'browser-table.md'), lines.join('\n'));
});
