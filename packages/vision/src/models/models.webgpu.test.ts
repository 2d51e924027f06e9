// The webgpu parity suite for vision: fastai's create_head (state dict and eval output from fastai) and a
// DynamicUnet forward (resnet18 body, webgpu against the cpu backend with the same weights). Small shapes: on
// llvmpipe a ResNet-18 training step takes ~45 s.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeWebGPU, relError, relErr } from '@tfai/test-utils/webgpu';
import { DynamicUnet } from '../unet/dynamic-unet.js';
import { createBody } from './create-body.js';
import { createHeadParity } from '../test-utils/create-head-parity.js';
import { resnet18 } from './resnet.js';

describeWebGPU('create_head and DynamicUnet', () => {
  it("create_head(8, 3, lin_ftrs=[6]) with fastai's state dict reproduces its eval output to 1e-5", async () => {
    const { head, input, output, tensors } = createHeadParity();
    const out = tf.tidy(() => head.call(input));
    expect(await relError(out, output)).toBeLessThan(1e-5);
    tf.dispose([out, ...tensors]);
    head.dispose();
  });

  it('DynamicUnet(resnet18, 5 classes) on 1×32×48: eval forward equals the cpu backend to 1e-4', async () => {
    // Built and run on cpu first (webgpu → cpu moves would need a synchronous read); the weights then move to webgpu.
    await tf.setBackend('cpu');
    const unet = new DynamicUnet(createBody(resnet18(), { cut: -2 }), 5, [32, 48]).eval();
    const x = tf.randomUniform([1, 32, 48, 3], 0, 1, 'float32', 7);
    const onCpu = tf.tidy(() => unet.call(x));
    const ref = Float32Array.from(await onCpu.data());
    tf.dispose(onCpu);
    await tf.setBackend('webgpu');
    const onGpu = tf.tidy(() => unet.call(x));
    expect(onGpu.shape).toEqual([1, 32, 48, 5]);
    expect(relErr(Float32Array.from(await onGpu.data()), ref)).toBeLessThan(1e-4);
    tf.dispose([onGpu, x]);
    unet.dispose();
  });
});
