import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadSafetensors, loadTorch, saveTorch, TorchTensor } from '@tfai/core/io';
import { describe, expect, it } from 'vitest';
import { needsReference, referenceFile } from '@tfai/test-utils';
import { resnet18Parity } from '../test-utils/resnet18-parity.js';
import { resnet18 } from './resnet.js';

const PTH = 'torch-pth/resnet18.pth';

describe("ResNet-18 from torchvision's .pth (real torch.save, zip format), no Python", () => {
  it(
    'same tensors as resnet18.safetensors, same logits as torchvision',
    needsReference(PTH, 'torchvision/resnet18.safetensors', 'torchvision/resnet18_io.safetensors'),
    async () => {
      const before = tf.memory().numTensors;
      const t0 = performance.now();
      const ckpt = await loadTorch(referenceFile(PTH));
      const ms = performance.now() - t0;
      const sd = ckpt.stateDict();
      const { tensors: ref } = await loadSafetensors(referenceFile('torchvision/resnet18.safetensors'));
      expect(Object.keys(sd).sort()).toEqual(Object.keys(ref).sort());
      for (const [k, t] of Object.entries(sd)) {
        expect(t).toBeInstanceOf(TorchTensor);
        expect([...t.shape], k).toEqual(ref[k].shape);
        const [x, y] = [t.data, await ref[k].data()];
        if (t.dtype === 'int64') expect(t.values(), k).toEqual(Array.from(y));
        else
          expect(
            Buffer.compare(
              Buffer.from(x.buffer, x.byteOffset, x.byteLength),
              Buffer.from(y.buffer, y.byteOffset, y.byteLength),
            ),
            k,
          ).toBe(0);
      }
      tf.dispose(Object.values(ref));
      const { tensors: io } = await loadSafetensors(referenceFile('torchvision/resnet18_io.safetensors'));
      const { model: m, logitsErr, bodyErr } = resnet18Parity(ckpt, io); // PyTorch's names as they are
      expect(logitsErr).toBeLessThan(1e-4);
      expect(bodyErr).toBeLessThan(1e-4);
      console.log(
        `resnet18.pth (${tf.getBackend()}): read in ${ms.toFixed(0)} ms; logits rel err ${logitsErr.toExponential(2)}, body ${bodyErr.toExponential(2)}`,
      );
      tf.dispose(Object.values(io));
      m.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});

describe('saveTorch round trip of a ResNet-18 (45 MB)', () => {
  it('tfai writes, loadTorch reads back identical tensors that load into a fresh ResNet-18', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tfai-pth-'));
    try {
      const before = tf.memory().numTensors;
      const a = resnet18();
      const sd = a.stateDict(); // PyTorch layouts: conv OIHW, fc [out, in]
      const file = join(dir, 'resnet18.pth');
      await saveTorch(sd, file);
      expect((await stat(file)).size).toBeGreaterThan(44e6);
      const ckpt = await loadTorch(file);
      expect(ckpt.stateDict()['bn1.num_batches_tracked'].dtype).toBe('int64');
      expect([...ckpt.stateDict()['conv1.weight'].shape]).toEqual([64, 3, 7, 7]);
      const b = resnet18();
      b.loadStateDict(ckpt, { strict: true });
      const back = b.stateDict();
      expect(Object.keys(back).sort()).toEqual(Object.keys(sd).sort());
      for (const k of Object.keys(sd)) {
        const [x, y] = [await back[k].data(), await sd[k].data()];
        expect(
          Buffer.compare(
            Buffer.from(x.buffer, x.byteOffset, x.byteLength),
            Buffer.from(y.buffer, y.byteOffset, y.byteLength),
          ),
          k,
        ).toBe(0);
      }
      tf.dispose([...Object.values(sd), ...Object.values(back)]);
      a.dispose();
      b.dispose();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
