// downloadUrl and untarData against a local node:http server serving archives this test makes: nothing here
// reaches the internet.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { create as tarCreate } from 'tar';
import { ArchiveError, DownloadError, URLs, downloadUrl, tfaiHome, untarData } from './download.js';

// --- archives made here ---------------------------------------------------------------------------------------

/** One ustar header + data blocks, written by hand so entries a real tar tool would refuse to write (`../x`) exist. */
function tarEntry(name: string, body: Buffer | string, type: '0' | '2' | '5' = '0', linkname = ''): Buffer {
  const data = Buffer.from(body);
  const h = Buffer.alloc(512);
  const put = (s: string, off: number, len: number): void => void h.write(s, off, len, 'utf8');
  const oct = (n: number, off: number, len: number): void => put(n.toString(8).padStart(len - 1, '0') + '\0', off, len);
  put(name, 0, 100);
  oct(type === '5' ? 0o755 : 0o644, 100, 8);
  oct(0, 108, 8);
  oct(0, 116, 8);
  oct(type === '0' ? data.length : 0, 124, 12);
  oct(1_700_000_000, 136, 12);
  h.fill(' ', 148, 156);
  put(type, 156, 1);
  put(linkname, 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  const pad = type === '0' ? Buffer.alloc((512 - (data.length % 512)) % 512) : Buffer.alloc(0);
  return Buffer.concat([h, type === '0' ? data : Buffer.alloc(0), pad]);
}
const tgz = (...entries: Buffer[]): Buffer => gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));

/** A zip of stored (uncompressed) entries, written by hand for the same reason. */
function zip(entries: { name: string; body: string; symlink?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, body, symlink } of entries) {
    const data = Buffer.from(body);
    const fname = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fname.length, 28);
    central.writeUInt16LE(symlink ? 0x0314 : 20, 4); // made by Unix, so the mode in the external attributes counts
    if (symlink) central.writeUInt32LE((0o120777 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fname, data);
    centrals.push(central, fname);
    offset += 30 + fname.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

// --- the server -------------------------------------------------------------------------------------------------

let server: Server;
let base = '';
/** What the server answers per path: a body, or 'truncate' (announce the length, send half, drop the connection). */
const routes = new Map<string, { body: Buffer; mode?: 'truncate' | 'trickle' | 'silent'; everyMs?: number }>();
const hits = new Map<string, number>();
let root = '';
let work = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.get(path);
    if (route === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    if (route.mode === 'silent') return; // never answers
    res.writeHead(200, { 'content-length': route.body.length, 'content-type': 'application/octet-stream' });
    if (route.mode === 'trickle') {
      // One byte every `everyMs` until the client goes away.
      res.flushHeaders();
      let i = 0;
      const timer = setInterval(() => {
        if (i >= route.body.length || res.destroyed) {
          clearInterval(timer);
          res.end();
        } else res.write(route.body.subarray(i, ++i));
      }, route.everyMs ?? 2000);
      res.on('close', () => clearInterval(timer));
    } else if (route.mode === 'truncate') {
      res.write(route.body.subarray(0, route.body.length >> 1), () => res.destroy());
    } else res.end(route.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  root = mkdtempSync(join(tmpdir(), 'tfai-download-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
  rmSync(root, { recursive: true, force: true });
});
let n = 0;
beforeEach(() => {
  work = join(root, `case${n++}`);
  mkdirSync(work);
  vi.stubEnv('TFAI_HOME', join(work, 'home'));
  routes.clear();
  hits.clear();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Every file and folder under `dir`, relative, sorted (temporary names included, so leftovers show). */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).map((p) => p.replaceAll('\\', '/')).sort();
}

// --- downloadUrl ------------------------------------------------------------------------------------------------

describe('downloadUrl', () => {
  const weights = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));

  it('downloads once into $TFAI_HOME/downloads; a second call is a cache hit with no request', async () => {
    routes.set('/models/resnet18-abc.pth', { body: weights });
    const url = `${base}/models/resnet18-abc.pth`;
    const file = await downloadUrl(url, { progress: false });
    expect(tfaiHome()).toBe(join(work, 'home'));
    expect(file).toBe(join(work, 'home', 'downloads', 'resnet18-abc.pth'));
    expect(sha(readFileSync(file))).toBe(sha(weights));
    expect(hits.get('/models/resnet18-abc.pth')).toBe(1);
    // Full digest and a torch.hub-style 8-digit prefix both accept the cached file, with no request.
    expect(await downloadUrl(url, { sha256: sha(weights), progress: false })).toBe(file);
    expect(await downloadUrl(url, { sha256: sha(weights).slice(0, 8).toUpperCase(), progress: false })).toBe(file);
    expect(hits.get('/models/resnet18-abc.pth')).toBe(1);
    expect(tree(join(work, 'home', 'downloads'))).toEqual(['resnet18-abc.pth']);
  });

  it('honours dir and fileName, and draws a progress bar on stderr when asked', async () => {
    routes.set('/w?v=2', { body: weights });
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      writes.push(String(s));
      return true;
    });
    // Core's bar redraws in place on a terminal (off one it prints a plain line every 30 s).
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    try {
      const file = await downloadUrl(`${base}/w?v=2`, { dir: join(work, 'mine'), fileName: 'w.bin', progress: true });
      expect(file).toBe(join(work, 'mine', 'w.bin'));
    } finally {
      spy.mockRestore();
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
    const out = writes.join('');
    expect(out).toContain('downloading w.bin');
    expect(out).toContain('100.00%');
    expect(out).toMatch(/\[(\d+(\.\d)? kB)\/\1 /); // bytes done / total, in kB
  });

  it('a hash mismatch throws DownloadError naming the URL and the cache file, and leaves no file', async () => {
    routes.set('/f.bin', { body: weights });
    const url = `${base}/f.bin`;
    const err = await downloadUrl(url, { sha256: 'deadbeef', progress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    const e = err as DownloadError;
    const cacheFile = join(work, 'home', 'downloads', 'f.bin');
    expect(e.url).toBe(url);
    expect(e.cacheFile).toBe(cacheFile);
    expect(e.message).toContain(`sha256 is ${sha(weights)}, expected a digest starting with deadbeef`);
    expect(e.message).toContain(url);
    expect(e.message).toContain(`copy it to ${cacheFile}`);
    expect(tree(join(work, 'home', 'downloads'))).toEqual([]);
  });

  it('a cached file with the wrong hash is fetched again and replaced', async () => {
    routes.set('/g.bin', { body: weights });
    const dir = join(work, 'home', 'downloads');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'g.bin'), 'stale');
    const file = await downloadUrl(`${base}/g.bin`, { sha256: sha(weights), progress: false });
    expect(hits.get('/g.bin')).toBe(1);
    expect(sha(readFileSync(file))).toBe(sha(weights));
  });

  it('a transfer cut short throws DownloadError and leaves no partial file', async () => {
    routes.set('/cut.bin', { body: weights, mode: 'truncate' });
    const err = await downloadUrl(`${base}/cut.bin`, { progress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).message).toMatch(/interrupted after \d+ of 300000 bytes|truncated: \d+ of 300000 bytes/);
    expect((err as DownloadError).cacheFile).toBe(join(work, 'home', 'downloads', 'cut.bin'));
    expect(tree(join(work, 'home', 'downloads'))).toEqual([]);
  });

  it('HTTP errors and an unreachable host throw DownloadError saying how to install the file by hand', async () => {
    const missing = await downloadUrl(`${base}/nope.bin`, { progress: false }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DownloadError);
    expect((missing as Error).message).toContain('HTTP 404');
    // A port nobody listens on: open one, note it, close it.
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const url = `http://127.0.0.1:${port}/data/x.tgz`;
    const err = await downloadUrl(url, { progress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    const cacheFile = join(work, 'home', 'downloads', 'x.tgz');
    expect((err as Error).message).toContain('cannot reach the server');
    expect((err as Error).message).toContain(url);
    expect((err as Error).message).toContain(`download ${url} elsewhere and copy it to ${cacheFile}`);
    expect(existsSync(cacheFile)).toBe(false);
  });

  it('a server that trickles or never answers: DownloadError naming the URL after the idle timeout or the deadline', async () => {
    const body = Buffer.alloc(200, 7);
    routes.set('/slow.bin', { body, mode: 'trickle', everyMs: 400 });
    routes.set('/steady.bin', { body, mode: 'trickle', everyMs: 20 });
    routes.set('/silent.bin', { body, mode: 'silent' });
    const dir = join(work, 'dl');
    const slow = await downloadUrl(`${base}/slow.bin`, { dir, progress: false, idleTimeoutMs: 150 }).catch(
      (e: unknown) => e,
    );
    expect(slow).toBeInstanceOf(DownloadError);
    expect((slow as DownloadError).url).toBe(`${base}/slow.bin`);
    expect((slow as Error).message).toMatch(/^the download was given up after \d+ of 200 bytes \(no data for 150 ms\)/);
    const steady = await downloadUrl(`${base}/steady.bin`, {
      dir,
      progress: false,
      idleTimeoutMs: 1000,
      timeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(steady).toBeInstanceOf(DownloadError);
    expect((steady as Error).message).toMatch(/given up after \d+ of 200 bytes \(not finished within 300 ms\)/);
    const silent = await downloadUrl(`${base}/silent.bin`, { dir, progress: false, idleTimeoutMs: 150 }).catch(
      (e: unknown) => e,
    );
    expect(silent).toBeInstanceOf(DownloadError);
    expect((silent as Error).message).toMatch(/^gave up: no data for 150 ms \(url .*\/silent\.bin/);
    expect(tree(dir)).toEqual([]); // no partial file left
  });

  it('refuses a file name that is not a plain file in the folder', async () => {
    await expect(downloadUrl(`${base}/dir/`, { progress: false })).rejects.toThrow(/file name ''/);
    await expect(downloadUrl(`${base}/a`, { fileName: '../a', progress: false })).rejects.toBeInstanceOf(DownloadError);
    await expect(downloadUrl(`${base}/a`, { sha256: 'xyz', progress: false })).rejects.toThrow(/not a hex digest/);
  });
});

// --- untarData --------------------------------------------------------------------------------------------------

describe('untarData', () => {
  /** A real `.tgz` of a folder `mnist_tiny/` (train/3, train/7, labels.csv), written by node-tar. */
  async function realTgz(): Promise<Buffer> {
    const src = join(work, 'src');
    mkdirSync(join(src, 'mnist_tiny', 'train', '3'), { recursive: true });
    mkdirSync(join(src, 'mnist_tiny', 'train', '7'), { recursive: true });
    writeFileSync(join(src, 'mnist_tiny', 'train', '3', 'a.png'), 'three');
    writeFileSync(join(src, 'mnist_tiny', 'train', '7', 'b.png'), 'seven');
    writeFileSync(join(src, 'mnist_tiny', 'labels.csv'), 'name,label\ntrain/3/a.png,3\n');
    const out = join(work, 'mnist_tiny.tgz');
    await tarCreate({ gzip: true, file: out, cwd: src, portable: true }, ['mnist_tiny']);
    return readFileSync(out);
  }

  it('downloads, checks, extracts a .tgz into $TFAI_HOME/data/<name>; a second call is a cache hit', async () => {
    const archive = await realTgz();
    routes.set('/fast-ai-sample/mnist_tiny.tgz', { body: archive });
    const url = `${base}/fast-ai-sample/mnist_tiny.tgz`;
    const path = await untarData(url, { sha256: sha(archive), progress: false });
    expect(path).toBe(join(work, 'home', 'data', 'mnist_tiny'));
    expect(tree(path)).toEqual(['labels.csv', 'train', 'train/3', 'train/3/a.png', 'train/7', 'train/7/b.png']);
    expect(readFileSync(join(path, 'train', '7', 'b.png'), 'utf8')).toBe('seven');
    expect(tree(join(work, 'home', 'data'))[0]).toBe('mnist_tiny'); // no temporary folder left beside it
    expect(tree(join(work, 'home', 'archive'))).toEqual(['mnist_tiny.tgz']);
    expect(await untarData(url, { sha256: sha(archive), progress: false })).toBe(path);
    expect(hits.get('/fast-ai-sample/mnist_tiny.tgz')).toBe(1);
  });

  it('extracts into dest; an archive of several top-level entries becomes the folder itself (.tar.gz)', async () => {
    routes.set('/adult_sample.tar.gz', {
      body: tgz(
        tarEntry('adult.csv', 'age,salary\n39,<50k\n'),
        tarEntry('models/', '', '5'),
        tarEntry('models/m.txt', 'm'),
      ),
    });
    const path = await untarData(`${base}/adult_sample.tar.gz`, { dest: join(work, 'elsewhere'), progress: false });
    expect(path).toBe(join(work, 'elsewhere', 'adult_sample'));
    expect(tree(path)).toEqual(['adult.csv', 'models', 'models/m.txt']);
    expect(tree(join(work, 'elsewhere'))).toEqual([
      'adult_sample',
      'adult_sample/adult.csv',
      'adult_sample/models',
      'adult_sample/models/m.txt',
    ]);
  });

  it('extracts a .zip', async () => {
    routes.set('/ml-100k.zip', {
      body: zip([
        { name: 'ml-100k/', body: '' },
        { name: 'ml-100k/u.data', body: '196\t242\t3\t881250949\n' },
        { name: 'ml-100k/README', body: 'MovieLens' },
      ]),
    });
    const path = await untarData(`${base}/ml-100k.zip`, { progress: false });
    expect(path).toBe(join(work, 'home', 'data', 'ml-100k'));
    expect(tree(path)).toEqual(['README', 'u.data']);
    expect(readFileSync(join(path, 'u.data'), 'utf8')).toBe('196\t242\t3\t881250949\n');
  });

  it('a truncated archive throws ArchiveError, leaves nothing extracted and drops the cached archive', async () => {
    const full = await realTgz();
    routes.set('/mnist_tiny.tgz', { body: full.subarray(0, full.length >> 1) });
    const url = `${base}/mnist_tiny.tgz`;
    const err = await untarData(url, { progress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect(err).toBeInstanceOf(DownloadError);
    const e = err as ArchiveError;
    expect(e.url).toBe(url);
    expect(e.cacheFile).toBe(join(work, 'home', 'archive', 'mnist_tiny.tgz'));
    expect(e.message).toContain(url);
    expect(e.message).toContain(e.cacheFile);
    expect(tree(join(work, 'home', 'data'))).toEqual([]);
    expect(tree(join(work, 'home', 'archive'))).toEqual([]);
    // With the right archive served now, the next call downloads again and succeeds.
    routes.set('/mnist_tiny.tgz', { body: full });
    expect(tree(await untarData(url, { progress: false }))).toContain('labels.csv');
    expect(hits.get('/mnist_tiny.tgz')).toBe(2);
  });

  it('a truncated .zip throws ArchiveError and leaves nothing extracted', async () => {
    const full = zip([
      { name: 'a/x.txt', body: 'x'.repeat(5000) },
      { name: 'a/y.txt', body: 'y' },
    ]);
    routes.set('/a.zip', { body: full.subarray(0, full.length - 40) });
    const err = await untarData(`${base}/a.zip`, { progress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as Error).message).toContain(join(work, 'home', 'archive', 'a.zip'));
    expect(tree(join(work, 'home', 'data'))).toEqual([]);
  });

  it('a hash mismatch throws DownloadError before extracting anything', async () => {
    routes.set('/mnist_tiny.tgz', { body: await realTgz() });
    const err = await untarData(`${base}/mnist_tiny.tgz`, { sha256: '0'.repeat(64), progress: false }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).message).toContain('hash mismatch');
    expect((err as DownloadError).cacheFile).toBe(join(work, 'home', 'archive', 'mnist_tiny.tgz'));
    expect(tree(join(work, 'home', 'data'))).toEqual([]);
    expect(tree(join(work, 'home', 'archive'))).toEqual([]);
  });

  const evil: [string, Buffer, string, RegExp][] = [
    [
      'a ../ entry (.tgz)',
      tgz(tarEntry('ok.txt', 'fine'), tarEntry('../evil.txt', 'escaped')),
      '../evil.txt',
      /'\.\.' path/,
    ],
    ['an absolute path (.tgz)', tgz(tarEntry('/tmp/tfai-evil.txt', 'escaped')), '/tmp/tfai-evil.txt', /absolute path/],
    [
      'a symlink out (.tgz)',
      tgz(tarEntry('d/', '', '5'), tarEntry('d/link', '', '2', '../../outside')),
      'd/link',
      /symbolic link pointing outside/,
    ],
    [
      'a symlink to an absolute path (.tgz)',
      tgz(tarEntry('link', '', '2', '/etc')),
      'link',
      /symbolic link to an absolute path/,
    ],
    [
      'a ../ entry (.zip)',
      zip([
        { name: 'ok.txt', body: 'fine' },
        { name: '../evil.txt', body: 'escaped' },
      ]),
      '../evil.txt',
      /'\.\.' path/,
    ],
    [
      'an absolute path (.zip)',
      zip([{ name: '/tmp/tfai-evil.txt', body: 'escaped' }]),
      '/tmp/tfai-evil.txt',
      /absolute path/,
    ],
    ['a symlink (.zip)', zip([{ name: 'link', body: '../../outside', symlink: true }]), 'link', /symbolic link/],
  ];
  it.each(evil)(
    'refuses an archive holding %s with ArchiveError naming the entry; nothing is written',
    async (_what, body, entry, reason) => {
      const name = entry.includes('zip') || body[0] === 0x50 ? 'evil.zip' : 'evil.tgz';
      routes.set(`/${name}`, { body });
      const dest = join(work, 'a', 'b', 'data');
      const err = await untarData(`${base}/${name}`, { dest, progress: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ArchiveError);
      expect((err as ArchiveError).entry).toBe(entry);
      expect((err as Error).message).toMatch(reason);
      expect((err as Error).message).toContain(`${base}/${name}`);
      expect(tree(join(work, 'a'))).toEqual(['b', 'b/data']); // nothing extracted, not even ok.txt, nothing beside
      expect(existsSync(join(work, 'a', 'b', 'evil.txt'))).toBe(false);
      expect(existsSync('/tmp/tfai-evil.txt')).toBe(false);
    },
  );

  it("a link 'up -> ..' in the archive's single top folder (inside the temporary folder, outside the result) is refused", async () => {
    const cases: [string, Buffer, string][] = [
      ['up.tgz', tgz(tarEntry('top/', '', '5'), tarEntry('top/a.txt', 'a'), tarEntry('top/up', '', '2', '..')), 'up'],
      // Through a chain: l -> .. (inside), x -> l/../.. (inside by its text, outside once l is followed).
      [
        'chain.tgz',
        tgz(
          tarEntry('top/', '', '5'),
          tarEntry('top/d/', '', '5'),
          tarEntry('top/d/l', '', '2', '..'),
          tarEntry('top/d/x', '', '2', 'l/../..'),
        ),
        'd/x',
      ],
    ];
    for (const [name, body, entry] of cases) {
      routes.set(`/${name}`, { body });
      const dest = join(work, name, 'data');
      const err = await untarData(`${base}/${name}`, { dest, progress: false }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(ArchiveError);
      expect((err as ArchiveError).entry).toBe(entry);
      expect((err as Error).message).toMatch(/refused: the archive holds a symbolic link pointing outside the folder/);
      expect(tree(dest), name).toEqual([]); // nothing returned, nothing left
    }
    // A link that stays inside the returned folder is kept.
    routes.set('/fine.tgz', {
      body: tgz(tarEntry('top/', '', '5'), tarEntry('top/a.txt', 'a'), tarEntry('top/b', '', '2', 'a.txt')),
    });
    const folder = await untarData(`${base}/fine.tgz`, { dest: join(work, 'fine'), progress: false });
    expect(readFileSync(join(folder, 'b'), 'utf8')).toBe('a');
  });

  it('a gzip bomb is refused while streaming, at the cap or the ratio; nothing is left extracted', async () => {
    // 80 MiB of zeros in one entry: a ~80 KB .tgz, beyond the 64 MiB floor of the ratio check.
    const zeros = Buffer.alloc(80 << 20);
    const bomb = tgz(tarEntry('zeros.bin', zeros));
    expect(bomb.length).toBeLessThan(200_000);
    routes.set('/bomb.tgz', { body: bomb });
    const dest = join(work, 'bomb');
    const err = await untarData(`${base}/bomb.tgz`, { dest, progress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as Error).message).toMatch(
      new RegExp(`refused: the archive of ${bomb.length} bytes extracts to more than ${64 << 20} bytes`),
    );
    expect(tree(dest)).toEqual([]);
    // The caller's own cap, for an honest archive.
    routes.set('/mnist_tiny.tgz', { body: tgz(tarEntry('a.bin', Buffer.alloc(4096, 1))) });
    await expect(
      untarData(`${base}/mnist_tiny.tgz`, { dest, progress: false, maxExtractedBytes: 2048 }),
    ).rejects.toThrow(/extracts to more than 2048 bytes/);
    const ok = await untarData(`${base}/mnist_tiny.tgz`, { dest, progress: false });
    expect(readFileSync(join(ok, 'a.bin')).length).toBe(4096);
  });

  it('refuses a URL that is not an archive', async () => {
    await expect(untarData(`${base}/weights.pth`, { progress: false })).rejects.toThrow(
      /not an archive untarData extracts/,
    );
    expect(hits.size).toBe(0);
  });
});

describe('URLs', () => {
  it("holds fastai's addresses", () => {
    expect(URLs.PETS).toBe('https://s3.amazonaws.com/fast-ai-imageclas/oxford-iiit-pet.tgz');
    expect(URLs.MNIST_SAMPLE).toBe('https://s3.amazonaws.com/fast-ai-sample/mnist_sample.tgz');
    expect(URLs.IMDB).toBe('https://s3.amazonaws.com/fast-ai-nlp/imdb.tgz');
    expect(URLs.CAMVID_TINY).toBe('https://s3.amazonaws.com/fast-ai-sample/camvid_tiny.tgz');
    expect(URLs.WT103_FWD).toBe('https://s3.amazonaws.com/fast-ai-modelzoo/wt103-fwd.tgz');
    expect(Object.isFrozen(URLs)).toBe(true);
  });
});
