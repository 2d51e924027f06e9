// `@tfai/test-utils/pretrained`: test helpers for pretrained weights (vision, siamese): a local HTTP server under the
// published URL paths (no test touches the internet) and a ResNet-18 checkpoint written by saveTorch, so the download
// tests need no reference file. The caller hands in vision's `resnet18`: test-utils depends on core only, so core's
// tests can use it without a core → vision edge.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { saveTorch } from '@tfai/core/io';
import type { AnyModule } from '@tfai/core/nn';

/** A local file server: `routes` maps URL paths (`/models/resnet18-f37072fd.pth`) to files on disk. */
export interface FileServer {
  base: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves `routes` on 127.0.0.1 (a random port); anything else is a 404. */
export async function serveFiles(routes: Record<string, string>): Promise<FileServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const file = Object.hasOwn(routes, url) ? routes[url] : undefined;
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    readFile(file).then(
      (data) =>
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length }).end(data),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A temporary `TFAI_HOME` and a local torchvision mirror, from {@link torchvisionMirror}. */
export interface TorchvisionMirror {
  /** The temporary folder `TFAI_HOME` points at while the mirror is open. */
  home: string;
  /** Serves `files` (torchvision file name → file on disk) under `/models/` and points `TFAI_TORCHVISION_URL` there. */
  serve(files: Record<string, string>): Promise<FileServer>;
  /** Stops the server, removes `home`, and restores `TFAI_HOME` and `TFAI_TORCHVISION_URL` as they were. */
  close(): Promise<void>;
}

/**
 * Opens a temporary `TFAI_HOME` (named from `prefix`) for a pretrained-weights test; `serve` adds the mirror.
 * @example
 * ```ts
 * const mirror = await torchvisionMirror('tfai-home-');
 * const server = await mirror.serve({ 'resnet18-f37072fd.pth': ckpt.file });
 * await mirror.close();
 * ```
 */
export async function torchvisionMirror(prefix: string): Promise<TorchvisionMirror> {
  const saved = { TFAI_HOME: process.env.TFAI_HOME, TFAI_TORCHVISION_URL: process.env.TFAI_TORCHVISION_URL };
  const home = await mkdtemp(join(tmpdir(), prefix));
  process.env.TFAI_HOME = home;
  let server: FileServer | undefined;
  return {
    home,
    async serve(files) {
      server = await serveFiles(Object.fromEntries(Object.entries(files).map(([name, f]) => [`/models/${name}`, f])));
      process.env.TFAI_TORCHVISION_URL = `${server.base}/models/`;
      return server;
    },
    async close() {
      await server?.close();
      await rm(home, { recursive: true, force: true });
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

/**
 * A ResNet-18 state dict (random weights, PyTorch layouts) saved with saveTorch: the file, its sha256 and one weight.
 * `resnet18` is vision's constructor (passed in, so test-utils needs no dependency on vision).
 * @example
 * ```ts
 * const ckpt = await resnet18Checkpoint(tmpDir, resnet18);
 * await serveFiles({ '/models/resnet18-f37072fd.pth': ckpt.file });
 * ```
 */
export async function resnet18Checkpoint(
  dir: string,
  resnet18: () => AnyModule,
): Promise<{ file: string; sha256: string; conv1: Float32Array }> {
  const m = resnet18();
  const sd = m.stateDict();
  const file = join(dir, 'resnet18-random.pth');
  try {
    await saveTorch(sd, file);
    return {
      file,
      sha256: createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
      conv1: (await sd['conv1.weight'].data()) as Float32Array,
    };
  } finally {
    tf.dispose(Object.values(sd));
    m.dispose();
  }
}
