// Hashes and random names in a page: SHA-256 in plain JS (synchronous, as Node's, so checks read the same).
import { sha256 } from '../sha256.js';

/** SHA-256 of bytes or a UTF-8 string, as lowercase hex. */
export const sha256Hex = (data: Uint8Array | string): string => sha256(data);

/** `n` random bytes as hex (temporary file names). */
export function randomHex(n: number): string {
  const b = new Uint8Array(n);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 of consecutive chunks, as lowercase hex. */
export function sha256HexOfChunks(chunks: readonly Uint8Array[]): string {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const c of chunks) {
    all.set(c, pos);
    pos += c.length;
  }
  return sha256(all);
}
