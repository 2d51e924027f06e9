// Hand-written image files for the tests of hostile inputs.
import { crc32, deflateSync } from 'node:zlib';

/**
 * A PNG that declares `w × h` pixels (8-bit RGB) in its header and holds one tiny (invalid) data chunk: a
 * decompression bomb's header, a few dozen bytes on disk.
 * @example
 * ```ts
 * writeFileSync('bomb.png', bombPng(14000, 14000));
 * ```
 */
export function bombPng(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
