// A page with tfjs and nothing of tfai: the backends test checks each backend in the page on one computation
// (a convolution and a softmax) against Node's result.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendInfo, PageBackend } from './api.js';
import { setupBackend } from './backend-setup.js';

export interface ProbeApi {
  setup(backend: PageBackend, wasmPath: string): Promise<BackendInfo>;
  /** softmax(mean over space of conv2d(x, w)) for x, w given flat (NHWC [1,8,8,3], HWIO [3,3,3,4]). */
  compute(x: number[], w: number[]): Promise<number[]>;
}

declare global {
  interface Window {
    tfaiProbe: ProbeApi;
  }
}

window.tfaiProbe = {
  setup: setupBackend,
  async compute(x, w) {
    const y = tf.tidy(() =>
      tf.softmax(tf.mean(tf.conv2d(tf.tensor4d(x, [1, 8, 8, 3]), tf.tensor4d(w, [3, 3, 3, 4]), 1, 'same'), [1, 2])),
    );
    const out = Array.from(await y.data());
    y.dispose();
    return out;
  },
};
document.documentElement.dataset.ready = '1';
