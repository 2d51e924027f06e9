// describeBackend names the backend and, on wasm, whether oneDNN runs and why not.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setBackend } from './backend.js';
import { describeBackend } from './describe.js';
import { nativeKernelStatus, setNativeKernels } from './wasm/native.js';

beforeAll(() => setBackend('wasm'));
afterAll(() => setNativeKernels(undefined));

it('on wasm: "wasm + native oneDNN …" when the kernels run, the reason when they are off', () => {
  setNativeKernels(false);
  expect(describeBackend()).toBe(
    nativeKernelStatus().available
      ? 'wasm (native kernels off: turned off (setNativeKernels(false)))'
      : `wasm (native kernels off: ${nativeKernelStatus().reason})`,
  );
  if (setNativeKernels(true)) {
    const s = nativeKernelStatus();
    expect(describeBackend()).toBe(`wasm + native oneDNN ${s.version} (${s.isa}, ${s.threads} threads)`);
    expect(s.version).toMatch(/^\d+\.\d+/);
  }
});

it('names any other backend alone', async () => {
  await setBackend('cpu');
  expect(describeBackend()).toBe('cpu');
  await setBackend('wasm');
});
