// One case of scripts/reliability-peaks.mjs, run in a child process of its own against the sources of `root`:
// prints one JSON line with the outcome and the process's peak RSS (maxRSS).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const [, , which, root, fx] = process.argv;
const t0 = performance.now();

async function run(): Promise<string> {
  switch (which) {
    case 'stride0':
    case 'zip': {
      const { parseTorch } = (await import(join(root, 'packages/core/src/io/torch/load.ts'))) as {
        parseTorch: (b: Uint8Array, f: string) => { tensors: { data: { byteLength: number } }[] };
      };
      const file = join(fx, which === 'zip' ? 'zipbomb.pth' : 'stride0.pth');
      const bytes = readFileSync(file);
      const ckpt = parseTorch(bytes, file);
      const held = new Set(ckpt.tensors.map((t) => t.data));
      let n = 0;
      for (const d of held) n += d.byteLength;
      return `loaded: ${ckpt.tensors.length} tensors, ${(n / 2 ** 20).toFixed(0)} MiB of host data from a ${(bytes.length / 1024).toFixed(0)} KiB file`;
    }
    case 'tgz': {
      const { untarData } = (await import(join(root, 'packages/core/src/io/download.ts'))) as {
        untarData: (url: string, o: { dest: string; progress: boolean }) => Promise<string>;
      };
      const body = readFileSync(join(fx, 'bomb.tgz'));
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-length': body.length });
        res.end(body);
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bomb.tgz`;
        const folder = await untarData(url, { dest: join(fx, 'data'), progress: false });
        return `extracted to ${folder} from a ${(body.length / 1024).toFixed(0)} KiB .tgz`;
      } finally {
        server.close();
      }
    }
    case 'images': {
      const { ImageDataLoaders } = (await import(join(root, 'packages/vision/src/data/image-data-loaders.ts'))) as {
        ImageDataLoaders: {
          fromFolder: (
            p: string,
            o: object,
          ) => Promise<{ train: { makeBatch: (i: number[]) => Promise<{ x: { shape: number[] }[] }> } }>;
        };
      };
      const { Resize } = (await import(join(root, 'packages/vision/src/augment/resize.ts'))) as {
        Resize: new (n: number) => object;
      };
      const dls = await ImageDataLoaders.fromFolder(join(fx, 'images'), { itemTfms: [new Resize(32)], bs: 8 });
      const b = await dls.train.makeBatch([0, 1, 2, 3, 4, 5, 6, 7]);
      return `batch of 8 × 8000×8000 PNG decoded: x ${JSON.stringify(b.x[0].shape)}`;
    }
    default:
      throw new Error(`unknown case ${which}`);
  }
}

let outcome: string;
try {
  outcome = await run();
} catch (e) {
  outcome = `refused: ${(e as Error).constructor.name}: ${(e as Error).message.slice(0, 160)}`;
}
console.log(
  JSON.stringify({
    case: which,
    outcome,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  }),
);
process.exit(0);
