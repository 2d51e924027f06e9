'use strict';
// The addon's matMul on each path (TFAI_NATIVE_GEMM=primitive / sgemm, read per call) in a hot loop on plain
// Float32Arrays: µs per call and GFLOP/s, per product shape of the bench's models (LARGE=1: the LSTM's large ones).
// `THREADS=1 node packages/native/scripts/gemm-paths.cjs` prints one JSON line per shape. See the bench's
// results/2026-12-07-native-perf/small-gemm.md.
const { performance } = require('node:perf_hooks');
const b = require('..').load();
const th = Number(process.env.THREADS ?? '1');
b.setThreads(th);
const shapes = process.env.LARGE
  ? [
      [1, 1, 400, 1120, 5000, 1, 0, 0],
      [1, 1, 1120, 400, 5000, 0, 0, 1],
      [1, 1, 1120, 5000, 400, 0, 1, 0],
      [1, 1, 400, 1120, 1600, 1, 0, 0],
      [1, 1, 256, 1120, 1024, 1, 0, 0],
      [1, 1, 1120, 256, 1600, 0, 0, 1],
      [1, 1, 1120, 256, 1024, 0, 0, 1],
      [1, 1, 1120, 400, 1024, 0, 0, 1],
      [1, 1, 1120, 1600, 256, 0, 1, 0],
      [1, 1, 2304, 100, 1024, 0, 0, 1],
      [1, 1, 4096, 576, 64, 0, 0, 0],
    ]
  : [
      [1, 1, 512, 73, 200, 0, 0, 1],
      [1, 1, 512, 200, 100, 0, 0, 1],
      [1, 1, 512, 100, 2, 0, 0, 1],
      [1, 1, 512, 200, 73, 0, 1, 0],
      [1, 1, 512, 100, 200, 0, 1, 0],
      [1, 1, 512, 2, 100, 0, 1, 0],
      [1, 1, 73, 512, 200, 1, 0, 0],
      [1, 1, 200, 512, 100, 1, 0, 0],
      [1, 1, 100, 512, 2, 1, 0, 0],
      [1, 1, 512, 8, 67, 0, 0, 1],
      [1, 1, 16, 256, 1024, 0, 0, 0],
      [1, 1, 16, 1024, 256, 0, 0, 0],
      [1, 1, 16, 400, 1600, 0, 0, 0],
      [1, 1, 16, 1152, 4608, 0, 0, 0],
      [1, 1, 16, 4608, 1152, 0, 0, 0],
    ];
const med = (f) => {
  for (let i = 0; i < 5; i++) f();
  const t = [];
  const t0 = performance.now();
  while (t.length < 9 || performance.now() - t0 < 150) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  t.sort((x, y) => x - y);
  return t[t.length >> 1];
};
for (const [ba, bb, m, k, n, ta, tb, bias] of shapes) {
  const A = new Float32Array(ba * m * k).map(() => Math.random() - 0.5);
  const B = new Float32Array(bb * k * n).map(() => Math.random() - 0.5);
  const bv = bias ? new Float32Array(n).fill(0.1) : null;
  const C = new Float32Array(Math.max(ba, bb) * m * n);
  const row = { shape: `${m}x${k}x${n}${ta ? ' tA' : ''}${tb ? ' tB' : ''}${bias ? ' +bias' : ''}`, threads: th };
  for (const p of ['primitive', 'sgemm']) {
    process.env.TFAI_NATIVE_GEMM = p;
    const ms = med(() => b.matMul(A, B, bv, C, [ba, bb, m, k, n, ta, tb], 0, 0));
    row[p] = Math.round((2 * m * k * n) / ms / 1e5) / 10;
    row[p + '_us'] = Math.round(ms * 1000);
  }
  console.log(JSON.stringify(row));
}
