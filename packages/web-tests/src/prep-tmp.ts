import { setBackend } from '@tfai/core/backend';
import { prepareTask, type TaskName } from './tasks.js';
await setBackend();
for (const t of (process.argv[2] ?? 'vision,segmentation,siamese,tabular,text').split(',') as TaskName[]) {
  const t0 = performance.now();
  try {
    const fx = await prepareTask(t, '/tmp/webprep');
    console.log(
      t,
      fx.node.length,
      'items',
      ((performance.now() - t0) / 1000).toFixed(1),
      's',
      JSON.stringify(fx.node[0]).slice(0, 200),
    );
  } catch (e) {
    console.log(t, 'FAILED', e);
  }
}
