// fastai 2.7's create_vision_model / add_head: a (pretrained) body cut from an architecture plus a new head,
// the head initialised with kaiming_normal_ (`apply_init(model[1], nn.init.kaiming_normal_)`).
import { Sequential, applyInit, kaimingNormal } from '@tfai/core/nn';
import type { InitFn, TensorModule } from '@tfai/core/nn';
import { createHead, type CreateHeadOptions } from './create-head.js';
import { loadBody, type LoadBodyOptions } from './load-body.js';
import { numFeaturesModel } from './model-sizes.js';
import type { VisionArch } from './resnet.js';

/** fastai's `apply_init`, now in `@tfai/core` (re-exported: the same function). */
export { applyInit };

/** Options of {@link addHead}: the head's options, or a custom head, and the head's initialiser. */
export interface AddHeadOptions extends CreateHeadOptions {
  /** Use this head instead of {@link createHead}'s. */
  customHead?: TensorModule;
  /** Initialiser of the head (fastai's `init`); `null` keeps the layers' own. Default {@link kaimingNormal}. */
  init?: InitFn | null;
}

/**
 * fastai's `add_head`: `Sequential(body, head)` with the head from {@link createHead} (or `customHead`)
 * initialised by `init`.
 * @example
 * ```ts
 * const model = addHead(createBody(resnet18, { cut: -2 }), 512, 10);
 * ```
 */
export function addHead(
  body: TensorModule,
  nf: number | undefined,
  nOut: number,
  opts: AddHeadOptions = {},
): Sequential {
  const { customHead, init, ...headOpts } = opts;
  const head = customHead ?? createHead(nf ?? numFeaturesModel(body), nOut, headOpts);
  const model = new Sequential(body, head);
  if (init !== null) applyInit(head, init ?? kaimingNormal);
  return model;
}

/** Options of {@link createVisionModel}: the body's (`loadBody`: `pretrained`, `cut`, `nIn`…) and the head's. */
export interface CreateVisionModelOptions extends AddHeadOptions, LoadBodyOptions {}

/**
 * fastai 2.7's `create_vision_model`: builds `arch`, loads pretrained weights, cuts the body at the meta's cut
 * (adapting the first conv to `nIn`), measures its features with a dummy batch and adds a head with `nOut`
 * outputs, initialised kaiming-normal. Returns `Sequential(body, head)`.
 * @example
 * ```ts
 * const model = await createVisionModel(resnet34, 37); // torchvision's resnet34-b627a593.pth, downloaded once
 * model.eval().call(tf.zeros([1, 224, 224, 3])).shape; // [1, 37]
 * ```
 */
export async function createVisionModel(
  arch: VisionArch,
  nOut: number,
  opts: CreateVisionModelOptions = {},
): Promise<Sequential> {
  const { pretrained, pretrainedSha256, cut, nIn, ...headOpts } = opts;
  const body = await loadBody(arch, { pretrained, pretrainedSha256, cut, nIn });
  try {
    const nf = headOpts.customHead
      ? undefined
      : numFeaturesModel(new Sequential(...(body.children() as TensorModule[])));
    return addHead(body, nf, nOut, headOpts);
  } catch (e) {
    body.dispose(); // bad head options: the body built for it goes too
    throw e;
  }
}
