#!/usr/bin/env node
// Peak memory of the worst cases of issue 33, each read in a child process of its own (its maxRSS): a stride-0
// `.pth` bomb, a deflate-bomb zip `.pth`, a gzip/tar bomb through untarData, a batch of eight large images.
//
//   node scripts/reliability-peaks.mjs [--root <checkout>] [--only stride0,zip,tgz,images] [--json out.json]
//
// `--root` runs the cases against another checkout's sources (e.g. the code before the fix), through tsx with the
// `@tfai/source` condition; the fixtures are written once into a temporary folder and removed at the end.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, createDeflateRaw, createGzip, crc32 } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const root = resolve(arg('root', join(here, '..')));
const only = arg('only', 'stride0,zip,tgz,images').split(',');
const out = arg('json');

// ---- fixtures ----------------------------------------------------------------------------------------------

const i32 = (n) => [...new Uint8Array(new Int32Array([n]).buffer)];
const int = (n) => [0x4a, ...i32(n)];
const str = (s) => {
  const b = [...Buffer.from(s)];
  return [0x58, ...i32(b.length), ...b];
};
const tup = (...items) => [0x28, ...items.flat(), 0x74];
const glob = (m, n) => [0x63, ...Buffer.from(`${m}\n${n}\n`)];
const pickle = (body) => [0x80, 0x02, ...body, 0x2e];
const rebuild = (pid, offset, size, stride) => [
  ...glob('torch._utils', '_rebuild_tensor_v2'),
  ...tup([...pid, 0x51], int(offset), tup(...size.map(int)), tup(...stride.map(int)), [0x89], [0x4e]),
  0x52,
];
/** A dict pickle body {key: value}, built with SETITEM one entry at a time. */
const dict = (entries) => [0x7d, ...entries.flatMap(([k, v]) => [...str(k), ...v, 0x73])];

/** Legacy torch.save: 400 stride-0 views of ~1 M float32 each (4 MiB) over one 1-element storage. */
function stride0(file) {
  const pid = tup(str('storage'), glob('torch', 'FloatStorage'), str('s'), str('cpu'), int(1), [0x4e]);
  const views = Array.from({ length: 400 }, (_, i) => [`t${i}`, rebuild(pid, 0, [(1 << 20) - i], [0])]);
  const magic = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  const parts = [
    pickle(magic),
    pickle([0x4d, 0xe9, 0x03]),
    pickle(dict([['little_endian', [0x88]]])),
    pickle(dict(views)),
    pickle([0x5d, 0x28, ...str('s'), 0x65]),
    [...new Uint8Array(new BigInt64Array([1n]).buffer)],
    [...new Uint8Array(new Float32Array([7]).buffer)],
  ];
  writeFileSync(file, Uint8Array.from(parts.flat()));
}

/** Streams `total` bytes (zeros, one 0x01 every 2 KiB so deflate stays under 1000:1) through `stream`. */
async function pump(stream, total, sink) {
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i += 2048) chunk[i] = 1;
  let crc = 0;
  const done = new Promise((ok, fail) => {
    stream.on('data', (d) => sink.push(d));
    stream.on('end', ok);
    stream.on('error', fail);
  });
  for (let sent = 0; sent < total; sent += chunk.length) {
    const c = chunk.subarray(0, Math.min(chunk.length, total - sent));
    crc = crc32(c, crc);
    if (!stream.write(c)) await new Promise((r) => stream.once('drain', r));
  }
  stream.end();
  await done;
  return crc;
}

/** Zip torch.save of one 1 GiB float32 tensor whose storage record is deflated (~1 MB). */
async function zipBomb(file) {
  const numel = 1 << 28;
  const pkl = Buffer.from(
    pickle(
      dict([
        [
          'w',
          rebuild(
            tup(str('storage'), glob('torch', 'FloatStorage'), str('0'), str('cpu'), int(numel)),
            0,
            [numel],
            [1],
          ),
        ],
      ]),
    ),
  );
  const parts = [];
  const deflated = [];
  const crc = await pump(createDeflateRaw({ level: constants.Z_BEST_COMPRESSION }), numel * 4, deflated);
  const data = Buffer.concat(deflated);
  const records = [
    { name: 'archive/data.pkl', body: pkl, method: 0, crc: crc32(pkl), size: pkl.length },
    { name: 'archive/version', body: Buffer.from('3\n'), method: 0, crc: crc32('3\n'), size: 2 },
    { name: 'archive/data/0', body: data, method: 8, crc, size: numel * 4 },
  ];
  const central = [];
  let offset = 0;
  for (const r of records) {
    const name = Buffer.from(r.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(r.method, 8);
    local.writeUInt32LE(r.crc >>> 0, 14);
    local.writeUInt32LE(r.body.length, 18);
    local.writeUInt32LE(r.size, 22);
    local.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(r.method, 10);
    c.writeUInt32LE(r.crc >>> 0, 16);
    c.writeUInt32LE(r.body.length, 20);
    c.writeUInt32LE(r.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    parts.push(local, name, r.body);
    central.push(c, name);
    offset += 30 + name.length + r.body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(file, Buffer.concat([...parts, cd, end]));
}

/** A .tgz of one 1 GiB file (~1 MB compressed). */
async function tgzBomb(file) {
  const size = 1 << 30;
  const h = Buffer.alloc(512);
  const put = (s, off, len) => h.write(s, off, len, 'utf8');
  const oct = (n, off, len) => put(n.toString(8).padStart(len - 1, '0') + '\0', off, len);
  put('bomb/zeros.bin', 0, 100);
  oct(0o644, 100, 8);
  oct(0, 108, 8);
  oct(0, 116, 8);
  oct(size, 124, 12);
  oct(1_700_000_000, 136, 12);
  h.fill(' ', 148, 156);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  const gz = createGzip({ level: 9 });
  const ws = createWriteStream(file);
  const written = new Promise((r) => ws.on('finish', r));
  gz.pipe(ws);
  gz.write(h);
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i += 2048) chunk[i] = 1;
  for (let sent = 0; sent < size; sent += chunk.length) if (!gz.write(chunk)) await once(gz, 'drain');
  gz.end(Buffer.alloc(1024));
  await written;
}

/** Eight 8000×8000 PNGs (64 M pixels each, 192 MB of RGB decoded) in train/{a,b}, two in valid. */
async function images(dir) {
  const { default: sharp } = await import('sharp');
  const png = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: { r: 9, g: 99, b: 199 } } })
    .png()
    .toBuffer();
  for (const [split, n] of [
    ['train', 8],
    ['valid', 2],
  ])
    for (const cls of ['a', 'b']) {
      mkdirSync(join(dir, split, cls), { recursive: true });
      for (let i = 0; i < n / 2; i++) writeFileSync(join(dir, split, cls, `${i}.png`), png);
    }
}

// ---- run ---------------------------------------------------------------------------------------------------

const fx = mkdtempSync(join(tmpdir(), 'tfai-peaks-'));
const results = [];
try {
  if (only.includes('stride0')) stride0(join(fx, 'stride0.pth'));
  if (only.includes('zip')) await zipBomb(join(fx, 'zipbomb.pth'));
  if (only.includes('tgz')) await tgzBomb(join(fx, 'bomb.tgz'));
  if (only.includes('images')) await images(join(fx, 'images'));
  for (const c of only) {
    const r = spawnSync(
      process.execPath,
      ['--conditions=@tfai/source', '--import', 'tsx', join(here, 'reliability-peaks-case.ts'), c, root, fx],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, TFAI_HOME: join(fx, `home-${c}`) } },
    );
    const line = r.stdout.trim().split('\n').filter(Boolean).pop() ?? '';
    let res;
    try {
      res = JSON.parse(line);
    } catch {
      res = {
        case: c,
        outcome: `child exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      };
    }
    results.push(res);
    console.log(`${res.case}\tpeak RSS ${res.maxRssMB ?? '?'} MB\t${res.seconds ?? '?'} s\t${res.outcome}`);
  }
} finally {
  rmSync(fx, { recursive: true, force: true });
}
if (out) writeFileSync(out, JSON.stringify({ root, results }, null, 2) + '\n');
