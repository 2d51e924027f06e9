// The example pages of examples/web, built as `npm run demo:web` builds them (esbuild, the wasm files, a model
// exported by Node), served, and used in chromium: the image page classifies a picked file and shows the top
// classes; the tabular page predicts the form's passenger; an undecodable file shows a typed error. Screenshots go
// to results/example-classify.png and results/example-tabular.png.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { accuracy, manualSeed } from '@tfai/core';
import { csvRecords, exportLearner, readCsv } from '@tfai/core/io';
import { datasets } from '@tfai/datasets';
import { ImageDataLoaders, visionLearner } from '@tfai/vision';
import { resnet18 } from '@tfai/vision/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample, type BuildResult } from '../../../examples/web/build.js';
import { launchBrowser, needsBrowser, type Browser } from './browser.js';
import { RESULTS_DIR } from './harness.js';
import { serveStatic, type StaticServer } from './server.js';

describe('examples/web in chromium', needsBrowser(), () => {
  let tmp: string;
  let server: StaticServer;
  let browser: Browser;
  let built: BuildResult;
  let vocab: readonly string[];
  const FASHION = datasets.path('fashion_mnist');

  beforeAll(async () => {
    tmp = await mkdtemp(join(os.tmpdir(), 'tfai-example-web-'));
    // The demo's model, smaller: a ResNet-18 cut after layer1 on every 10th fashion_mnist image, one epoch.
    manualSeed(0);
    const rows = csvRecords(await readCsv(join(FASHION, 'labels.csv'))).filter((_, i) => i % 10 === 0);
    const dls = await ImageDataLoaders.fromDf(rows, {
      path: FASHION,
      fnCol: 'name',
      labelCol: 'label',
      validCol: 'is_valid',
      bs: 16,
      seed: 0,
    });
    const learn = await visionLearner(dls, resnet18, {
      pretrained: false,
      cut: 5,
      head: { linFtrs: [], ps: 0.25 },
      metrics: [accuracy()],
      progress: false,
    });
    await learn.fitOneCycle(1, 3e-3);
    vocab = dls.vocab;
    await exportLearner(learn, join(tmp, 'export'));
    learn.dispose();
    built = await buildExample({ imageExport: join(tmp, 'export.json'), dist: join(tmp, 'dist') });
    server = await serveStatic({ routes: { '/': { dir: join(tmp, 'dist') } } });
    browser = await launchBrowser();
    await mkdir(RESULTS_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('the image page: pick a file → the top 5 classes with probabilities; screenshot', async () => {
    const { page, errors } = await browser.newPage();
    await page.goto(`${server.url}/classify.html`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    const file = join(FASHION, 'valid', 'sneaker', 't10k_00009.png');
    await page.setInputFiles('#file', file);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    const items = await page.$$eval('#top li', (lis) => lis.map((li) => li.textContent ?? ''));
    const status = await page.textContent('#status');
    console.log(`classify page: ${status}\n  ${items.join('\n  ')}`);
    expect(items).toHaveLength(5);
    expect(status).toMatch(/t10k_00009\.png: .+ \(\d+\.\d%\)/);
    const shown = items.map((t) => t.replace(/\d+\.\d%$/, '').trim());
    for (const s of shown) expect(vocab.map((v) => v.replaceAll('_', ' '))).toContain(s);
    await page.screenshot({ path: join(RESULTS_DIR, 'example-classify.png'), fullPage: true });
    expect(errors).toEqual([]);

    // A file the browser cannot decode: the page shows the typed error, no hang.
    await page.setInputFiles('#file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a PNG') });
    await page.waitForSelector('body[data-state="error"]', { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/^ImageDataError: notes\.png: this browser cannot decode/);
    await page.close();
  });

  it('the tabular page: the form’s passenger gets a prediction; screenshot', async () => {
    const { page, errors } = await browser.newPage();
    await page.goto(`${server.url}/tabular.html`);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    await page.selectOption('select[name="sex"]', 'female');
    await page.selectOption('select[name="pclass"]', '1st');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('survived'), null, {
      timeout: 30_000,
    });
    const items = await page.$$eval('#top li', (lis) => lis.map((li) => li.textContent ?? ''));
    console.log(`tabular page: ${await page.textContent('#status')}\n  ${items.join('\n  ')}`);
    expect(items).toHaveLength(2);
    await page.screenshot({ path: join(RESULTS_DIR, 'example-tabular.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sizes: the image page’s bundle (JS gzip) and the .wasm files', () => {
    const kB = (n: number) => Math.round(n / 1024);
    const tfai = Object.entries(built.classify.bytesByOrigin)
      .filter(([o]) => o.startsWith('@tfai/'))
      .reduce((a, [, b]) => a + b, 0);
    console.log(
      `classify.js ${kB(built.classify.bytes)} kB minified, ${kB(built.classify.gzip)} kB gzip (tfai sources ${kB(tfai)} kB minified); tabular.js ${kB(built.tabular.gzip)} kB gzip; wasm ${built.wasm.map((w) => `${w.name} ${kB(w.bytes)} kB (${kB(w.gzip)} kB gzip)`).join(', ')}`,
    );
    // Nothing Node-only in the page's bundle.
    expect(built.classify.inputs.filter((i) => /node_modules\/(sharp|tokenizers|tar|yauzl|vega)/.test(i))).toEqual([]);
  });
});
