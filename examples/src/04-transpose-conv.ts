// Chapter questionnaire: "What is a transposed convolution? What is another name for it?" and further research
// "Create a conv layer with transpose=True and apply it to an image. Check the output shape" — on a real image.
import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed } from '@tfai/core';
import { ConvLayer } from '@tfai/core/nn';
import { loadImage } from '@tfai/vision';
import { path as dataPath } from '@tfai/datasets';
import { answers, runIfMain, type Log } from './common.js';

export async function main(log: Log): Promise<{ input: number[]; outputs: { opts: string; shape: number[] }[] }> {
  answers(
    log,
    'Create a conv layer with transpose: true (a transposed convolution, or deconvolution), apply it to an image and check the output shape.',
  );
  manualSeed(0);
  const dir = `${dataPath('tux_photos')}/train/bird`;
  const file = `${dir}/${readdirSync(dir).sort()[0]}`;
  const img = await loadImage(file);
  log(`${file.slice(file.indexOf('tux_photos'))}`);
  const x = tf.tidy(() =>
    tf.tensor4d(
      Float32Array.from(img.data, (v) => v / 255),
      [1, img.height, img.width, 3],
    ),
  );
  log(`image: ${img.height}×${img.width} RGB → tensor [${x.shape.join(', ')}] (NHWC)`);
  const cases = [
    { opts: 'ks 3, stride 1 (padding 0)', layer: new ConvLayer(3, 8, { ks: 3, transpose: true }) },
    { opts: 'ks 2, stride 2', layer: new ConvLayer(3, 8, { ks: 2, stride: 2, transpose: true }) },
    {
      opts: 'ks 4, stride 2, padding 1',
      layer: new ConvLayer(3, 8, { ks: 4, stride: 2, padding: 1, transpose: true }),
    },
  ];
  const outputs = [];
  for (const { opts, layer } of cases) {
    const y = layer.call(x);
    log(
      `ConvLayer(3, 8, transpose, ${opts}): ${layer
        .children()
        .map((c) => c.typeName)
        .join(' → ')} → [${y.shape.join(', ')}]`,
    );
    outputs.push({ opts, shape: y.shape });
    y.dispose();
    layer.dispose();
  }
  log(
    'Output size of a transposed conv: (in − 1)·stride − 2·padding + ks; stride 2 doubles the grid (what a U-Net decoder needs).',
  );
  x.dispose();
  return { input: [1, img.height, img.width, 3], outputs };
}

await runIfMain(import.meta.url, main);
