// The tabular page: loads the titanic model (models/tabular/export.json, trained by `npm run demo:web` the first
// time) and predicts survival for the passenger the form describes; the procs (missing ages filled, categories,
// normalisation) come from the export, as in Node.
import { loadLearner } from '@tfai/core';
import { TabularLearner } from '@tfai/tabular';
import { $, renderTop, showError, startBackend } from './shared.js';

const status = $('status');
const form = $('passenger') as HTMLFormElement;
const list = $('top');

async function main() {
  const backend = await startBackend();
  const t0 = performance.now();
  const learn = await loadLearner('models/tabular/export.json', TabularLearner);
  status.className = 'status';
  status.textContent = `Model loaded in ${Math.round(performance.now() - t0)} ms on ${backend}.`;

  async function predict() {
    try {
      const f = new FormData(form);
      const num = (k: string) => {
        const v = String(f.get(k) ?? '').trim();
        return v === '' ? null : Number(v);
      };
      const row = {
        pclass: String(f.get('pclass')),
        sex: String(f.get('sex')),
        age: num('age'),
        sibsp: num('sibsp'),
        parch: num('parch'),
      };
      const t = performance.now();
      const pred = await learn.predict(row);
      renderTop(list, learn.dls.classes?.survived ?? ['died', 'survived'], pred.probs, 2);
      status.className = 'status';
      status.textContent = `Prediction: ${pred.label} (${Math.round(performance.now() - t)} ms on ${backend})`;
      document.body.dataset.state = 'done';
    } catch (e) {
      showError(status, e);
      document.body.dataset.state = 'error';
    }
  }
  form.addEventListener('input', () => void predict());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void predict();
  });
  await predict();
}

main().catch((e: unknown) => {
  showError(status, e);
  document.body.dataset.state = 'error';
});
