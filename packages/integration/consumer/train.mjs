// ESM consumer of the packed @tfai/core + @tfai/tabular: trains on a small synthetic CSV, exports, reloads.
import { writeFileSync } from 'node:fs';
import { MissingDependencyError, accuracy } from '@tfai/core';
import { setBackend } from '@tfai/core/backend';
import { exportLearner, loadLearner } from '@tfai/core/io';
import { TabularDataLoaders, tabularLearner } from '@tfai/tabular';

const backend = await setBackend();
// y = 'hi' when a + b > 0, flipped for colour 'red': needs both the continuous and the categorical inputs.
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
const rows = ['a,b,color,y'];
for (let i = 0; i < 600; i++) {
  const a = rand(),
    b = rand(),
    color = ['red', 'green', 'blue'][i % 3];
  rows.push(`${a.toFixed(4)},${b.toFixed(4)},${color},${a + b > 0 !== (color === 'red') ? 'hi' : 'lo'}`);
}
writeFileSync('data.csv', rows.join('\n') + '\n');

const dls = await TabularDataLoaders.fromCsv('data.csv', {
  yNames: ['y'],
  catNames: ['color'],
  contNames: ['a', 'b'],
  validPct: 0.2,
  seed: 42,
  bs: 64,
});
const learn = tabularLearner(dls, { metrics: [accuracy()], layers: [32, 16] });
await learn.fitOneCycle(6, 2e-2);
const { metrics } = await learn.validate();
await exportLearner(learn, 'tab');
const again = await loadLearner('tab.json');
const p = await again.predict({ a: 0.8, b: 0.5, color: 'green' });
const q = await again.predict({ a: 0.8, b: 0.5, color: 'red' });
// Plotting's vega stack is an optional peer: without it, the first plot names what to install (a typed error).
let plot;
try {
  await learn.recorder.plotLoss('loss.png');
  plot = 'drawn';
} catch (e) {
  plot = e instanceof MissingDependencyError ? e.install : `unexpected ${e}`;
}
console.log(
  JSON.stringify({
    consumer: 'esm',
    node: process.version,
    backend,
    accuracy: metrics.accuracy,
    green: p.label,
    red: q.label,
    plot,
  }),
);
