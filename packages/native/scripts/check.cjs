#!/usr/bin/env node
// Smoke check of the built addon under the running Node: a product on a shared WebAssembly.Memory (as threaded wasm
// has), checked against a JS loop, and the result still in place after the memory grows. Exit 1 on a mismatch.
//   node packages/native/scripts/check.cjs     (checked with Node 20.20, 22.23 and 24.22)
'use strict';
const n = require('../index.cjs').load();

const mem = new WebAssembly.Memory({ initial: 16, maximum: 64, shared: true });
const [m, k, nn] = [8, 5, 6];
const heap = new Float32Array(mem.buffer);
const a = heap.subarray(0, m * k);
const b = heap.subarray(64, 64 + k * nn);
const c = heap.subarray(256, 256 + m * nn);
a.forEach((_, i) => (a[i] = (i % 7) - 3));
b.forEach((_, i) => (b[i] = (i % 5) - 2));
const ok = n.matMul(a, b, null, c, [1, 1, m, k, nn, 0, 0], 0);
let err = 0;
for (let i = 0; i < m; i++)
  for (let j = 0; j < nn; j++) {
    let s = 0;
    for (let q = 0; q < k; q++) s += a[i * k + q] * b[q * nn + j];
    err = Math.max(err, Math.abs(s - c[i * nn + j]));
  }
mem.grow(1);
const kept = new Float32Array(mem.buffer)[256 + 5] === c[5];
const info = n.info();
console.log(
  `${process.version}: ${mem.buffer instanceof SharedArrayBuffer ? 'SharedArrayBuffer' : 'ArrayBuffer'} heap, ` +
    `matMul ${ok ? 'ran' : 'declined'}, max error ${err}, kept after grow: ${kept}; oneDNN ${info.version} ${info.isa}`,
);
process.exit(ok && err === 0 && kept ? 0 : 1);
