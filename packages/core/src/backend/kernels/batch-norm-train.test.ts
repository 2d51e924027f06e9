// The fused BatchNorm (training) kernels against the composition they replace, on wasm and cpu: forward values
// and gradients to 1e-5 on random inputs of several shapes, running statistics, kernel counts, no tensors left behind;
// and with a ReLU fused in (after or before the BatchNorm) against BatchNorm and tf.relu one after the other.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, batchNormRelu } from '../../nn/layers/batchnorm.js';
import { ReLU } from '../../nn/layers/activation.js';
import { setFused } from '../fused.js';
import { fusedBatchNormTrain } from '../fused-ops.js';
import { setNativeKernels } from '../wasm/native.js';
import { relErr } from '@tfai/test-utils';
import { describeOnBackends, closeErr, fusedVsUnfused, kernelNames, rand } from '../../test-utils/backends.js';

describeOnBackends('BatchNorm (training)', () => {
  const cases: { shape: number[]; affine: boolean }[] = [
    { shape: [16, 200], affine: true },
    { shape: [5, 7], affine: true },
    { shape: [1, 3], affine: true }, // batch 1 (n = 1: variance 0, the unbiased factor n / max(n − 1, 1))
    { shape: [3, 4, 6], affine: true }, // BatchNorm1d over [N, L, C]
    { shape: [2, 5, 3, 7], affine: true }, // NHWC, odd channel count
    { shape: [4, 3, 3, 1], affine: true },
  ];
  it.each(cases)(
    '$shape affine=$affine: output, dx, dweight, dbias and running stats equal the composition to 1e-5',
    async ({ shape, affine }) => {
      const c = shape[shape.length - 1];
      const bn = shape.length === 4 ? new BatchNorm2d(c, { affine }) : new BatchNorm1d(c, { affine });
      const init = bn.stateDict();
      const x = rand(shape, 11, 3, 0.5);
      const up = rand(shape, 12);
      if (bn.weight && bn.bias) {
        bn.weight.variable.assign(rand([c], 13, 1, 1));
        bn.bias.variable.assign(rand([c], 14));
        tf.tidy(() => bn.runningMean.assign(rand([c], 15)));
        tf.tidy(() => bn.runningVar.assign(rand([c], 16, 0.5, 1)));
      }
      const start = bn.stateDict();
      const params = [bn.weight?.variable, bn.bias?.variable].filter((v): v is tf.Variable => v !== undefined);
      const { fused, plain } = await fusedVsUnfused('batchnorm', () => {
        bn.loadStateDict(start);
        bn.train();
        const f = (xx: tf.Tensor, ...ps: tf.Tensor[]) => {
          void ps;
          return tf.sum(tf.mul(bn.call(xx), up));
        };
        const y = bn.call(x);
        bn.loadStateDict(start);
        const grads = tf.grads(f)([x, ...params]);
        // After the two calls (y, then the gradient's forward) the buffers hold two updates.
        bn.loadStateDict(start);
        bn.call(x);
        return [
          y,
          ...grads,
          tf.clone(bn.runningMean),
          tf.clone(bn.runningVar),
          tf.cast(bn.numBatchesTracked, 'float32'),
        ];
      });
      expect(fused.length).toBe(plain.length);
      const single = shape.slice(0, -1).every((d) => d === 1);
      fused.forEach((v, i) => {
        // One row: x − mean = 0, so dx = 0 exactly; the composition's rounding is scaled by invstd = 1/√eps there.
        if (single && i === 1) {
          expect(v.every((g) => g === 0)).toBe(true);
          expect(closeErr(v, plain[i])).toBeLessThan(1e-4);
        } else expect(closeErr(v, plain[i]), `output ${i}`).toBeLessThan(1e-5);
      });
      // The running statistics moved (not a test of two unchanged buffers).
      const rmStart = await start.running_mean.data();
      expect(relErr(fused[fused.length - 3], rmStart)).toBeGreaterThan(1e-3);
      expect(fused[fused.length - 1][0]).toBe(1);
      tf.dispose([x, up, ...Object.values(init), ...Object.values(start)]);
      bn.dispose();
    },
  );

  it('affine=false (whose composition tfjs cannot differentiate: its FusedBatchNorm saves an undefined scale) equals affine with w = 1, b = 0', async () => {
    const x = rand([2, 4, 4, 5], 17, 2, 1);
    const up = rand([2, 4, 4, 5], 18);
    const plainBn = new BatchNorm2d(5);
    const fusedBn = new BatchNorm2d(5, { affine: false });
    const f = (bn: BatchNorm2d) => (xx: tf.Tensor) => tf.sum(tf.mul(bn.call(xx), up));
    const restore = setFused('batchnorm', false);
    const [py, pg] = tf.tidy(() => [plainBn.call(x), tf.grads(f(plainBn))([x])[0]]);
    restore();
    const [fy, fg] = tf.tidy(() => [fusedBn.call(x), tf.grads(f(fusedBn))([x])[0]]);
    expect(relErr(await fy.data(), await py.data())).toBeLessThan(1e-5);
    expect(relErr(await fg.data(), await pg.data())).toBeLessThan(1e-5);
    expect(relErr(await fusedBn.runningVar.data(), await plainBn.runningVar.data())).toBeLessThan(1e-5);
    tf.dispose([x, up, py, pg, fy, fg]);
    plainBn.dispose();
    fusedBn.dispose();
  });

  it('gradients through tf.grads reach weight and bias as parameters (variableGrads), numTensors flat', async () => {
    const bn = new BatchNorm2d(6);
    const x = rand([2, 3, 3, 6], 21);
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(bn.call(x))) as tf.Scalar,
        [bn.weight!.variable, bn.bias!.variable],
      );
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    bn.dispose();
  });

  it('one kernel forward: the profile of a training call shows TfaiBatchNormTrain and no Mean/Sub/Rsqrt', async () => {
    const bn = new BatchNorm1d(8);
    const x = rand([4, 8], 31);
    const prof = await tf.profile(() => tf.tidy(() => void bn.call(x)));
    expect(kernelNames(prof)).toEqual(['TfaiBatchNormTrain']);
    const restore = setFused('batchnorm', false);
    const plain = await tf.profile(() => tf.tidy(() => void bn.call(x)));
    restore();
    expect(kernelNames(plain).length).toBeGreaterThan(6);
    tf.dispose(x);
    bn.dispose();
  });
});

describeOnBackends('BatchNorm with a fused ReLU (training)', (backend) => {
  // wasm: the SIMD module's passes and the JS loops (native kernels off: native-loops.test.ts covers the addon).
  const loops = backend === 'wasm' ? (['simd', 'js'] as const) : (['js'] as const);
  const cases: { shape: number[]; affine: boolean }[] = [
    { shape: [5, 7], affine: true },
    { shape: [16, 37], affine: true }, // a [N, C] batch, 37 channels: vectors of four and a tail
    { shape: [3, 4, 6], affine: false },
    { shape: [2, 5, 3, 7], affine: true }, // NHWC, odd channel count
    { shape: [2, 3, 3, 9], affine: false },
  ];
  const acts = ['reluAfter', 'reluBefore'] as const;
  const configs = acts.flatMap((act) => loops.map((loop) => ({ act, loop })));

  /** Runs `f` with native kernels off and, for `js`, the SIMD module off. */
  async function withLoops<T>(loop: 'simd' | 'js', f: () => Promise<T>): Promise<T> {
    setNativeKernels(false);
    const restore = loop === 'js' ? setFused('simd', false) : () => undefined;
    try {
      return await f();
    } finally {
      restore();
      setNativeKernels(undefined);
    }
  }

  describe.each(configs)('$act, $loop loops', ({ act, loop }) => {
    it.each(cases)(
      '$shape affine=$affine: output, dx, dweight, dbias and running stats equal the composition to 1e-5',
      ({ shape, affine }) =>
        withLoops(loop, async () => {
          const c = shape[shape.length - 1];
          const bn = shape.length === 4 ? new BatchNorm2d(c, { affine }) : new BatchNorm1d(c, { affine });
          const x = rand(shape, 41, 3, 0.5);
          const up = rand(shape, 42);
          if (bn.weight && bn.bias) {
            bn.weight.variable.assign(rand([c], 43, 1, 1));
            bn.bias.variable.assign(rand([c], 44, 0.5));
          }
          const start = bn.stateDict();
          const params = [bn.weight?.variable, bn.bias?.variable].filter((v): v is tf.Variable => v !== undefined);
          const before = tf.memory().numTensors;
          const { fused, plain } = await fusedVsUnfused('bn-act', () => {
            bn.loadStateDict(start);
            const f = (xx: tf.Tensor, ...ps: tf.Tensor[]) => {
              void ps;
              return tf.sum(tf.mul(batchNormRelu(bn, undefined, xx, act), up));
            };
            const y = batchNormRelu(bn, undefined, x, act);
            const grads = tf.grads(f)([x, ...params]);
            return [y, ...grads, tf.clone(bn.runningMean), tf.clone(bn.runningVar)];
          });
          expect(tf.memory().numTensors).toBe(before);
          expect(fused.length).toBe(plain.length);
          fused.forEach((v, i) => expect(closeErr(v, plain[i]), `output ${i}`).toBeLessThan(1e-5));
          // Not a test of an all-positive (or all-zero) output: the ReLU masked some of it.
          const zeros = fused[0].filter((v) => v === 0).length;
          if (act === 'reluAfter') expect(zeros).toBeGreaterThan(0);
          expect(zeros).toBeLessThan(fused[0].length);
          // reluBefore: the gradient of x is 0 where x ≤ 0.
          if (act === 'reluBefore') {
            const xv = await x.data();
            expect(fused[1].every((g, k) => xv[k] > 0 || g === 0)).toBe(true);
          }
          tf.dispose([x, up, ...Object.values(start)]);
          bn.dispose();
        }),
    );

    it('one kernel forward and one backward (no Relu, Step or Multiply of the ReLU), numTensors flat', () =>
      withLoops(loop, async () => {
        const bn = new BatchNorm2d(6);
        const x = rand([2, 3, 3, 6], 51, 2);
        const loss = () => tf.sum(batchNormRelu(bn, undefined, x, act)) as tf.Scalar;
        const step = () => {
          const { value, grads } = tf.variableGrads(loss, [bn.weight!.variable, bn.bias!.variable]);
          tf.dispose([value, ...Object.values(grads)]);
        };
        const prof = await tf.profile(() => tf.tidy(() => void batchNormRelu(bn, undefined, x, act)));
        expect(kernelNames(prof)).toEqual(['TfaiBatchNormTrain']);
        const back = await tf.profile(step);
        expect(kernelNames(back)).toContain('TfaiBatchNormTrainGrad');
        expect(kernelNames(back).filter((k) => ['Relu', 'Step'].includes(k))).toEqual([]);
        const restore = setFused('bn-act', false);
        const plain = await tf.profile(step);
        restore();
        expect(kernelNames(plain)).toContain('Relu');
        step();
        const before = tf.memory().numTensors;
        for (let i = 0; i < 3; i++) step();
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose(x);
        bn.dispose();
      }));
  });

  it("'none' is the kernel of before: bit-identical outputs and gradients with and without act: 'none'", async () => {
    const x = rand([3, 5, 2, 7], 61, 2, 0.3);
    const up = rand([3, 5, 2, 7], 62);
    const run = (attrs: object) =>
      tf.tidy(() => {
        const c = 7;
        const bufs = { runningMean: tf.zeros([c]), runningVar: tf.ones([c]), numBatchesTracked: tf.scalar(0, 'int32') };
        const w = rand([c], 63, 1, 1);
        const b = rand([c], 64);
        const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => {
          const r = fusedBatchNormTrain(xx, bufs, ww, bb, { eps: 1e-5, momentum: 0.1, ...attrs });
          if (!r) throw new Error('fused BatchNorm did not run');
          tf.dispose([r.runningMean, r.runningVar, r.numBatchesTracked]);
          return tf.sum(tf.mul(r.y, up));
        };
        return tf.grads(f)([x, w, b]);
      });
    const a = run({});
    const b = run({ act: 'none' });
    for (let i = 0; i < a.length; i++) expect(await b[i].data()).toEqual(await a[i].data());
    tf.dispose([x, up, ...a, ...b]);
  });

  it('not fused where hooks must fire, in eval mode, or with TFAI_FUSED_BN_ACT naming the other order', async () => {
    const bn = new BatchNorm1d(4);
    const relu = new ReLU();
    const x = rand([6, 4], 71, 2);
    const kernels = async () =>
      kernelNames(await tf.profile(() => tf.tidy(() => void batchNormRelu(bn, relu, x, 'reluAfter'))));
    expect(await kernels()).toEqual(['TfaiBatchNormTrain']);
    let seen = 0;
    const h = relu.registerForwardHook(() => void seen++);
    expect(await kernels()).toContain('Relu');
    expect(seen).toBe(1);
    h.remove();
    const hb = bn.registerForwardHook(() => void seen++);
    expect(await kernels()).toContain('Relu');
    expect(seen).toBe(2);
    hb.remove();
    process.env.TFAI_FUSED_BN_ACT = 'before';
    try {
      expect(await kernels()).toContain('Relu');
      process.env.TFAI_FUSED_BN_ACT = 'after';
      expect(await kernels()).toEqual(['TfaiBatchNormTrain']);
      process.env.TFAI_FUSED_BN_ACT = '0';
      expect(await kernels()).toContain('Relu');
    } finally {
      Reflect.deleteProperty(process.env, 'TFAI_FUSED_BN_ACT');
    }
    bn.eval();
    expect(await kernels()).not.toContain('TfaiBatchNormTrain');
    tf.dispose(x);
    bn.dispose();
  });
});

/** A case of fixtures/torch_bn_relu.py: inputs and PyTorch 1.13's outputs, channels-last. */
interface TorchBnReluCase {
  act: 'reluAfter' | 'reluBefore';
  [name: string]: { shape: number[]; data: number[] } | string;
}
const torchBnRelu = (
  JSON.parse(readFileSync(new URL('./fixtures/torch-bn-relu.json', import.meta.url), 'utf8')) as {
    cases: TorchBnReluCase[];
  }
).cases;

describeOnBackends('BatchNorm with a fused ReLU against PyTorch 1.13 (fixtures/torch_bn_relu.py)', (backend) => {
  // wasm: the addon's loops where it is built (native-loops.test.ts also checks that they ran), the SIMD module, the JS loops.
  const loops = backend === 'wasm' ? (['native', 'simd', 'js'] as const) : (['js'] as const);
  const configs = loops.flatMap((loop) => torchBnRelu.map((c) => ({ loop, c })));
  it.each(configs)('$c.act $c.x.shape ($loop): y, dx, dweight, dbias, running stats to 1e-5', async ({ loop, c }) => {
    const t = (name: string) => {
      const v = c[name] as { shape: number[]; data: number[] };
      return tf.tensor(v.data, v.shape);
    };
    if (loop !== 'native') setNativeKernels(false);
    const restore = loop === 'js' ? setFused('simd', false) : () => undefined;
    try {
      const shape = (c.x as { shape: number[] }).shape;
      const ch = shape[shape.length - 1];
      const bn = shape.length === 4 ? new BatchNorm2d(ch) : new BatchNorm1d(ch);
      tf.tidy(() => {
        bn.weight!.variable.assign(t('weight'));
        bn.bias!.variable.assign(t('bias'));
        bn.runningMean.assign(t('running_mean0'));
        bn.runningVar.assign(t('running_var0'));
      });
      const [x, dy] = [t('x'), t('dy')];
      const profile = await tf.profile(() => {
        const outs = tf.tidy(() => {
          const f = (xx: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
            void w;
            void b;
            return tf.sum(tf.mul(batchNormRelu(bn, undefined, xx, c.act), dy));
          };
          const y = batchNormRelu(bn, undefined, x, c.act);
          bn.runningMean.assign(t('running_mean0'));
          bn.runningVar.assign(t('running_var0'));
          return [y, ...tf.grads(f)([x, bn.weight!.variable, bn.bias!.variable])];
        });
        return outs;
      });
      const outs = profile.result as tf.Tensor[];
      expect(kernelNames(profile)).not.toContain('Relu');
      const names = ['y', 'dx', 'dweight', 'dbias'];
      for (let i = 0; i < outs.length; i++) {
        const ref = (c[names[i]] as { data: number[] }).data;
        expect(closeErr(await outs[i].data(), ref), names[i]).toBeLessThan(1e-5);
      }
      expect(closeErr(await bn.runningMean.data(), (c.running_mean as { data: number[] }).data)).toBeLessThan(1e-5);
      expect(closeErr(await bn.runningVar.data(), (c.running_var as { data: number[] }).data)).toBeLessThan(1e-5);
      tf.dispose([x, dy, ...outs]);
      bn.dispose();
    } finally {
      restore();
      setNativeKernels(undefined);
    }
  });
});
