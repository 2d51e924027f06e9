// CommonJS consumer of the packed packages (require of an ES module: Node >= 20.19 / 22.12).
const { setBackend } = require('@tfai/core/backend');
const { exportLearner, loadLearner } = require('@tfai/core/io');
const { TabularDataLoaders, tabularLearner } = require('@tfai/tabular');

async function main() {
  const backend = await setBackend();
  const dls = await TabularDataLoaders.fromCsv('data.csv', {
    yNames: ['y'],
    catNames: ['color'],
    contNames: ['a', 'b'],
    validPct: 0.2,
    seed: 42,
    bs: 64,
  });
  const learn = tabularLearner(dls, { layers: [32, 16] });
  await learn.fitOneCycle(1, 2e-2);
  await exportLearner(learn, 'tab-cjs');
  const again = await loadLearner('tab-cjs.json');
  const p = await again.predict({ a: 0.8, b: 0.5, color: 'green' });
  console.log(JSON.stringify({ consumer: 'cjs', node: process.version, backend, label: p.label }));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
