// A script that forgets `await setBackend()`: run as a child process by factories-backend.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { createVisionModel, resnet18 } from '../models.js';

const model = await createVisionModel(resnet18, 2, { pretrained: false });
console.log(JSON.stringify({ backend: tf.getBackend(), params: model.parameters().length }));
