// Pretrained weights as fastai means them: `pretrained: true` is torchvision's published checkpoint of the
// architecture (https://download.pytorch.org/models/resnet34-b627a593.pth…), downloaded once into the cache
// ($TFAI_HOME/models, default ~/.cache/tfai/models) by core's downloadUrl, checked against the sha256 prefix in
// its name as torch.hub checks it, and read with core's loadTorch (no Python). A local path or a URL of a `.pth`
// or `.safetensors` file works too.
import * as tf from '@tensorflow/tfjs-core';
import { downloadUrl, loadSafetensors, loadTorch, tfaiHome } from '@tfai/core/io';
import type { AnyModule } from '@tfai/core/nn';
import { publishedWeights } from './archs.js';
import { PretrainedWeightsError } from './errors.js';
import { envVar, join, open } from '@tfai/core/internal';

/**
 * Where torchvision publishes its weights; `pretrained: true` downloads `<base><file>` unless `$TFAI_TORCHVISION_URL`
 * gives another base (a mirror, or a local server in tests).
 */
export const TORCHVISION_BASE_URL = 'https://download.pytorch.org/models/';

/** Where a model's weights come from: `true` (torchvision's published file), a local path, or an http(s) URL. */
export type PretrainedSource = true | string;

/** Options of `loadPretrained` and {@link resolvePretrained}. */
export interface PretrainedOptions {
  /** Architecture name (`'resnet34'`), needed for `source: true`; {@link createVisionModel} passes it. */
  arch?: string;
  /**
   * Expected sha256 of a downloaded file (hex, full or a prefix). Default: the hex after the last dash of the file
   * name, as torch.hub (`resnet18-f37072fd.pth`), else no check.
   */
  sha256?: string;
  /** Show a download progress bar (default: when stderr is a terminal). */
  progress?: boolean;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** torch.hub's `HASH_REGEX` (`-([a-f0-9]*)\.`) on a file name, requiring 8 digits at least. */
const hashInName = (file: string): string | undefined => /-([a-f0-9]{8,64})\.[^-]*$/.exec(file)?.[1];

/**
 * The cache folder of downloaded weights: `$TFAI_HOME/models`.
 * @example
 * ```ts
 * modelsCacheDir(); // '/home/me/.cache/tfai/models'
 * ```
 */
export function modelsCacheDir(): string {
  return join(tfaiHome(), 'models');
}

/**
 * The local file for a pretrained source: `true` is torchvision's file for `opts.arch` (the registry's `weights`),
 * downloaded once; a URL is downloaded once; anything else is a local path. Downloads go through core's
 * `downloadUrl` (cache, hash check, atomic rename); a failure is its `DownloadError`, naming the URL, the cache file
 * and how to put the file there by hand.
 * @example
 * ```ts
 * await resolvePretrained(true, { arch: 'resnet34' }); // ~/.cache/tfai/models/resnet34-b627a593.pth
 * ```
 */
export async function resolvePretrained(source: PretrainedSource, opts: PretrainedOptions = {}): Promise<string> {
  if (source === true) {
    const arch = opts.arch ?? '<unnamed architecture>';
    const file = publishedWeights(arch);
    if (!file)
      throw new PretrainedWeightsError(
        arch,
        `no published pretrained weights for '${arch}'; pass a path or URL of a .pth or .safetensors file`,
      );
    const base = envVar('TFAI_TORCHVISION_URL') || TORCHVISION_BASE_URL;
    const url = new URL(file, base.endsWith('/') ? base : `${base}/`).href;
    return downloadUrl(url, {
      dir: modelsCacheDir(),
      sha256: opts.sha256 ?? hashInName(file),
      progress: opts.progress,
    });
  }
  if (isUrl(source)) {
    const file = new URL(source).pathname.split('/').pop() ?? '';
    return downloadUrl(source, {
      dir: modelsCacheDir(),
      sha256: opts.sha256 ?? hashInName(file),
      progress: opts.progress,
    });
  }
  try {
    await (await open(source, 'r')).close();
  } catch {
    throw new PretrainedWeightsError(source, 'pretrained weights file not found');
  }
  return source;
}

/**
 * Whether a file is a PyTorch checkpoint rather than safetensors: by its name (`.pth`, `.pt`, `.bin`, `.ckpt` vs
 * `.safetensors`), else by its first bytes: a zip (`PK\x03\x04`) or torch.save's legacy magic-number pickle
 * (`\x80\x02\x8a\x0a`), each of which would be a header length over 60 MB for safetensors.
 */
async function isTorchFile(path: string): Promise<boolean> {
  if (/\.safetensors$/i.test(path)) return false;
  if (/\.(pth|pt|bin|ckpt)$/i.test(path)) return true;
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer: b } = await fh.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead < 4) return false;
    return (
      (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) ||
      (b[0] === 0x80 && b[1] === 0x02 && b[2] === 0x8a && b[3] === 0x0a)
    );
  } finally {
    await fh.close();
  }
}

/**
 * Loads torchvision-named weights into `model` (strictly: every key and shape must match) and returns the model:
 * a PyTorch checkpoint (`.pth`, read with `loadTorch`) or a safetensors file.
 * @example
 * ```ts
 * const m = await loadPretrained(resnet34(), true, { arch: 'resnet34' }); // torchvision's resnet34-b627a593.pth
 * const m2 = await loadPretrained(resnet18(), '/data/resnet18.safetensors');
 * ```
 */
export async function loadPretrained<M extends AnyModule>(
  model: M,
  source: PretrainedSource,
  opts: PretrainedOptions = {},
): Promise<M> {
  const path = await resolvePretrained(source, opts);
  if (await isTorchFile(path)) {
    const ckpt = await loadTorch(path);
    try {
      model.loadStateDict(ckpt, { strict: true });
    } catch (e) {
      throw new PretrainedWeightsError(path, `does not fit ${opts.arch ?? model.typeName}: ${(e as Error).message}`);
    }
    return model;
  }
  const { tensors } = await loadSafetensors(path);
  try {
    model.loadStateDict(tensors, { strict: true });
  } catch (e) {
    throw new PretrainedWeightsError(path, `does not fit ${opts.arch ?? model.typeName}: ${(e as Error).message}`);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return model;
}
