// The image page: loads the classifier `npm run demo` trained and exported (models/image/export.json and its
// weights), and classifies the image the user picks, decoded by the browser, showing the top classes.
import { loadLearner } from '@tfai/core';
import { VisionLearner } from '@tfai/vision';
import { $, decodeImage, renderTop, showError, startBackend } from './shared.js';

const status = $('status');
const input = $('file') as HTMLInputElement;
const preview = $('preview') as HTMLCanvasElement;
const list = $('top');

async function main() {
  const backend = await startBackend();
  const t0 = performance.now();
  const learn = await loadLearner('models/image/export.json', VisionLearner);
  const vocab = learn.dls.vocab;
  $('model').textContent = `${vocab.length} classes: ${vocab.map((v) => v.replaceAll('_', ' ')).join(', ')}`;
  status.className = 'status';
  status.textContent = `Model loaded in ${Math.round(performance.now() - t0)} ms on ${backend}. Pick an image.`;
  document.body.dataset.state = 'ready';

  async function classify(file: Blob, name: string) {
    try {
      document.body.dataset.state = 'busy';
      const px = await decodeImage(file).catch((e: unknown) => {
        throw Object.assign(new Error(`${name}: this browser cannot decode the file (${(e as Error).message})`), {
          name: 'ImageDataError',
        });
      });
      preview.width = px.width;
      preview.height = px.height;
      preview.getContext('2d')?.putImageData(new ImageData(px.data, px.width, px.height), 0, 0);
      const t = performance.now();
      const pred = await learn.predict(px);
      renderTop(list, vocab, pred.probs);
      status.className = 'status';
      status.textContent = `${name}: ${pred.label.replaceAll('_', ' ')} (${(100 * pred.probs[pred.index]).toFixed(1)}%), ${Math.round(performance.now() - t)} ms on ${backend}`;
      document.body.dataset.state = 'done';
    } catch (e) {
      showError(status, e);
      list.replaceChildren();
      document.body.dataset.state = 'error';
    }
  }

  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) void classify(f, f.name);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files[0];
    if (f) void classify(f, f.name);
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-sample]'))
    b.addEventListener('click', async () => {
      const url = b.dataset.sample ?? '';
      void classify(await (await fetch(url)).blob(), url.slice(url.lastIndexOf('/') + 1));
    });
}

main().catch((e: unknown) => {
  showError(status, e);
  document.body.dataset.state = 'error';
});
