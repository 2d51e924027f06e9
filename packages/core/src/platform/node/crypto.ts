// Hashes and random names in Node: node:crypto.
import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 of bytes or a UTF-8 string, as lowercase hex. */
export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** `n` random bytes as hex (temporary file names). */
export const randomHex = (n: number): string => randomBytes(n).toString('hex');

/** SHA-256 of consecutive chunks, as lowercase hex. */
export function sha256HexOfChunks(chunks: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}
