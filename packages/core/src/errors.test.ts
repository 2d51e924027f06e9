// One error base: TfaiError names every subclass itself; FileError is the base of the `<file>: <reason>` errors.
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from './backend/backend.js';
import {
  CsvError,
  ExportError,
  FileError,
  InvalidArgumentError,
  NonFiniteLossError,
  PickleError,
  SafetensorsError,
  TfaiError,
  TorchCheckpointError,
  UnsafePickleError,
} from './errors.js';
import { ArchiveError, DownloadError } from './io/download.js';
import { CancelException, CancelFitException } from './learner/callback.js';

describe('errors', () => {
  it('each class is named after itself, with no name of its own declared', () => {
    const errors: Error[] = [
      new TfaiError('x'),
      new ExportError('x'),
      new NonFiniteLossError(1, 2, NaN),
      new InvalidArgumentError('bs', 0, 'a positive integer'),
      new SafetensorsError('a.safetensors', 'truncated header', 'w'),
      new PickleError('a.pkl', 'bad opcode', 7),
      new UnsafePickleError('a.pkl', 'posix', 'system', 3),
      new TorchCheckpointError('a.pth', 'bad storage', 'data/0'),
      new CsvError('a.csv', 'ragged', '3 fields, the header has 2', { row: 4 }),
      new DownloadError('http://x/a.tgz', '/c/a.tgz', 'HTTP 404'),
      new ArchiveError('http://x/a.tgz', '/c/a.tgz', 'corrupt', '../etc'),
      new BackendUnavailableError('webgpu', 'no adapter'),
      new CancelFitException(),
    ];
    for (const e of errors) {
      expect(e.name).toBe(e.constructor.name);
      expect(Object.prototype.hasOwnProperty.call(Object.getPrototypeOf(e), 'name')).toBe(false);
      expect(String(e)).toMatch(new RegExp(`^${e.constructor.name}`));
    }
    expect(new BackendUnavailableError('webgpu', 'no adapter')).toBeInstanceOf(TfaiError);
    expect(new CancelFitException()).toBeInstanceOf(CancelException);
    expect(new CancelFitException()).not.toBeInstanceOf(TfaiError);
  });

  it('FileError: `<file>: <reason>`, the file kept; its subclasses keep their messages', () => {
    const f = new FileError('data/x.bin', 'truncated');
    expect([f.message, f.file]).toEqual(['data/x.bin: truncated', 'data/x.bin']);
    for (const e of [
      new SafetensorsError('a.st', 'bad'),
      new PickleError('a.pkl', 'bad'),
      new TorchCheckpointError('a.pth', 'bad'),
      new CsvError('a.csv', 'empty', 'bad'),
    ]) {
      expect(e).toBeInstanceOf(FileError);
      expect(e.file).toBe(e.message.split(':')[0]);
    }
    expect(new SafetensorsError('a.st', 'bad dtype', 'w').message).toBe('a.st: tensor "w": bad dtype');
    expect(new SafetensorsError('a.st', 'bad dtype', 'w').reason).toBe('bad dtype');
    expect(new PickleError('a.pkl', 'bad opcode', 7).message).toBe('a.pkl: bad opcode (at byte 7)');
    expect(new CsvError('a.csv', 'ragged', 'too many fields', { row: 4, column: 'b' }).message).toBe(
      'a.csv: row 4: column "b": too many fields',
    );
  });
});
