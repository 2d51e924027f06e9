// torchvision's weight initialisations of the classic families (densenet.py, vgg.py, squeezenet.py), on tfai's
// HWIO conv weights and (in, out) linear weights.
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Linear, normal, uniform } from '@tfai/core/nn';
import type { AnyModule } from '@tfai/core/nn';

/** Fan-in and fan-out of a conv weight (HWIO, grouped) or a linear weight (in, out). */
function fans(m: Conv2d | Linear): [number, number] {
  if (m instanceof Conv2d) {
    const [kh, kw, cin, out] = m.weight.shape;
    return [cin * kh * kw, out * kh * kw];
  }
  const [cin, out] = m.weight.shape; // tfai's Linear keeps (in, out)
  return [cin, out];
}

/** How to draw a layer's weight. */
export type WeightInit =
  { kind: 'kaimingNormal'; mode: 'fanIn' | 'fanOut' } | { kind: 'kaimingUniform' } | { kind: 'normal'; std: number };

/** Sets the weight of a Conv2d or Linear as `init` says (ReLU gain √2) and zeroes its bias. */
export function initLayer(m: Conv2d | Linear, init: WeightInit): void {
  const [fanIn, fanOut] = fans(m);
  tf.tidy(() => {
    const shape = m.weight.shape;
    const w =
      init.kind === 'normal'
        ? normal(shape, init.std)
        : init.kind === 'kaimingUniform'
          ? uniform(shape, Math.sqrt(6 / fanIn))
          : normal(shape, Math.sqrt(2 / (init.mode === 'fanIn' ? fanIn : fanOut)));
    m.weight.variable.assign(w);
    if (m.bias) m.bias.variable.assign(tf.zerosLike(m.bias.variable));
  });
}

/** {@link initLayer} on every Conv2d and Linear of `model` for which `pick` gives an init (`undefined`: left as is). */
export function initLayers(model: AnyModule, pick: (m: Conv2d | Linear) => WeightInit | undefined): void {
  for (const m of model.modules()) {
    if (!(m instanceof Conv2d || m instanceof Linear)) continue;
    const init = pick(m);
    if (init) initLayer(m, init);
  }
}
