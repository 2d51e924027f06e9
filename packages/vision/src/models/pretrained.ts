// Pretrained weights: torchvision-named safetensors checkpoints from a local file or a URL, downloaded once
// into a cache folder ($TFAI_HOME/models, default ~/.cache/tfai/models) with a sha256 check and an atomic rename.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tf from '@tensorflow/tfjs';
import { loadSafetensors, progressBar } from '@tfai/core';
import type { AnyModule } from '@tfai/core';
import { PretrainedWeightsError } from './errors.js';

/**
 * Where `pretrained: true` looks for converted torchvision weights (`<base><file>`), unless `$TFAI_PRETRAINED_URL`
 * gives another base. Nothing is published there yet: convert the weights yourself (see the README) and pass
 * the file, or serve them and set `$TFAI_PRETRAINED_URL`.
 */
export const PRETRAINED_BASE_URL = 'https://github.com/tfai/pretrained/releases/download/v0.1/';

/** Per architecture: the checkpoint file name under the base URL and, once published, its sha256. */
export const pretrainedWeights: Readonly<Record<string, { file: string; sha256?: string }>> = {
  resnet18: { file: 'resnet18.safetensors' },
  resnet34: { file: 'resnet34.safetensors' },
  resnet50: { file: 'resnet50.safetensors' },
  resnet101: { file: 'resnet101.safetensors' },
  resnet152: { file: 'resnet152.safetensors' },
};

/** Where a model's weights come from: `true` (the built-in table), a local path, or an http(s) URL. */
export type PretrainedSource = true | string;

/** Options of {@link loadPretrained} and {@link downloadCached}. */
export interface PretrainedOptions {
  /** Architecture name (`'resnet34'`), needed for `source: true`; {@link createVisionModel} passes it. */
  arch?: string;
  /**
   * Expected sha256 of a downloaded file (hex, full or a prefix of ≥ 8 digits). Default: the table's for
   * `true`, else a hex prefix in the file name as torch.hub's convention (`resnet18-f37072fd.safetensors`), else
   * no check.
   */
  sha256?: string;
}

/**
 * The cache folder: `$TFAI_HOME`, default `~/.cache/tfai`.
 * @example
 * ```ts
 * tfaiHome(); // '/home/me/.cache/tfai'
 * ```
 */
export function tfaiHome(): string {
  return process.env.TFAI_HOME || join(homedir(), '.cache', 'tfai');
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Downloads `url` into `$TFAI_HOME/models/` once and returns the local path; later calls return the cached file.
 * The data goes to a temporary file, is checked against `sha256` (if known) and renamed into place, so the
 * cache never holds a partial or corrupt file.
 * @example
 * ```ts
 * const path = await downloadCached('https://example.org/resnet18-f37072fd.safetensors');
 * ```
 */
export async function downloadCached(url: string, opts: Pick<PretrainedOptions, 'sha256'> = {}): Promise<string> {
  const file = basename(new URL(url).pathname);
  if (!file) throw new PretrainedWeightsError(url, 'the URL names no file');
  const dir = join(tfaiHome(), 'models');
  const dest = join(dir, file);
  if (await exists(dest)) return dest;
  const expected = (opts.sha256 ?? /-([0-9a-f]{8,64})\.[^.]+$/i.exec(file)?.[1])?.toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{8,64}$/.test(expected))
    throw new PretrainedWeightsError(url, `sha256 must be 8 to 64 hex digits, got '${expected}'`);
  await mkdir(dir, { recursive: true });
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new PretrainedWeightsError(url, `download failed (${(e as Error).message})`);
  }
  if (!res.ok || !res.body) throw new PretrainedWeightsError(url, `download failed: HTTP ${res.status} ${res.statusText}`);
  const tmp = join(dir, `.${file}.${randomBytes(6).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  const size = Number(res.headers.get('content-length') ?? NaN);
  const bar = progressBar(Number.isFinite(size) && size > 0 ? size : 0, { label: `downloading ${file}`, unit: 'B' });
  try {
    await pipeline(
      Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          if (bar.total) bar.tick(chunk.length);
          yield chunk;
        }
      },
      createWriteStream(tmp),
    );
    const digest = hash.digest('hex');
    if (expected !== undefined && !digest.startsWith(expected))
      throw new PretrainedWeightsError(url, `sha256 mismatch: expected ${expected}, got ${digest}`);
    await rename(tmp, dest);
    bar.done();
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof PretrainedWeightsError) throw e;
    throw new PretrainedWeightsError(url, `download failed (${(e as Error).message})`);
  }
  return dest;
}

/**
 * The local file for a pretrained source: `true` looks `opts.arch` up in {@link pretrainedWeights}; a URL is
 * downloaded once ({@link downloadCached}); anything else is a local path.
 * @example
 * ```ts
 * await resolvePretrained('weights/resnet18.safetensors'); // 'weights/resnet18.safetensors'
 * ```
 */
export async function resolvePretrained(source: PretrainedSource, opts: PretrainedOptions = {}): Promise<string> {
  if (source === true) {
    const arch = opts.arch ?? '<unnamed architecture>';
    const entry = Object.hasOwn(pretrainedWeights, arch) ? pretrainedWeights[arch] : undefined;
    if (!entry) throw new PretrainedWeightsError(arch, `no built-in pretrained weights for '${arch}'; pass a path or URL`);
    const base = process.env.TFAI_PRETRAINED_URL || PRETRAINED_BASE_URL;
    return downloadCached(new URL(entry.file, base.endsWith('/') ? base : `${base}/`).href, { sha256: opts.sha256 ?? entry.sha256 });
  }
  if (isUrl(source)) return downloadCached(source, opts);
  if (!(await exists(source))) throw new PretrainedWeightsError(source, 'pretrained weights file not found');
  return source;
}

/**
 * Loads a torchvision-named safetensors checkpoint into `model` (strictly: every key and shape must match)
 * and returns the model.
 * @example
 * ```ts
 * const m = await loadPretrained(resnet34(), true, { arch: 'resnet34' });
 * const m2 = await loadPretrained(resnet18(), '/data/resnet18.safetensors');
 * ```
 */
export async function loadPretrained<M extends AnyModule>(model: M, source: PretrainedSource, opts: PretrainedOptions = {}): Promise<M> {
  const path = await resolvePretrained(source, opts);
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
