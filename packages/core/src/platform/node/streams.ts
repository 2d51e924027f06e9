// Streams in Node, for the CSV reader.
export { createReadStream } from 'node:fs';
export { Transform } from 'node:stream';
export { StringDecoder } from 'node:string_decoder';
