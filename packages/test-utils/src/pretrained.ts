// `@tfai/test-utils/pretrained`: test helpers for pretrained weights (vision, siamese): a local HTTP server under the
// published URL paths (no test touches the internet) and a ResNet-18 checkpoint written by saveTorch, so the download
// tests need no reference file. The caller hands in vision's `resnet18`: test-utils depends on core only, so core's
// tests can use it without a core → vision edge.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
