// The TensorFlow.js pieces tfai runs on, without the `@tensorflow/tfjs` umbrella (which also installs webgl,
// layers, converter and data: ~300 MB none of tfai uses): tfjs-core (ops, engine, autograd), the pure-JS cpu
// backend (always there, the last resort and the home of the shared kernels), and what the umbrella registers on
// top of tfjs-core: the gradient functions (without them `tf.grads` fails with "gradient function not found for
// Add") and the chained tensor methods (`t.mean()`), both from tfjs-core's own sources, bundled for Node into
// ./vendor (scripts/bundle-tfjs-registrations.mjs). The wasm, native and WebGPU backends register themselves when
// chosen (backend.ts). Side effects only; imported by backend.ts and the module system, so any tfai entry loads it.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './vendor/tfjs-registrations.js';
