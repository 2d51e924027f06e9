/**
 * A class's name that survives minification: its own static `key` (`errorName`, `typeName`) where it declares one as
 * a string, since bundlers rename classes; else the constructor's name (a user's subclass that declares none).
 * @example
 * ```ts
 * declaredName(Conv2d, 'typeName'); // 'Conv2d', even in a minified bundle
 * ```
 */
export function declaredName(cls: { readonly name: string }, key: 'errorName' | 'typeName'): string {
  const own = Object.hasOwn(cls, key) ? (cls as unknown as Record<string, unknown>)[key] : undefined;
  return typeof own === 'string' ? own : cls.name;
}

/**
 * Base class of every error tfai throws on purpose, so callers can catch ours and not tfjs internals. `name` is the
 * class's own name (`this.name = new.target.name`), so subclasses need not set it.
 * @example
 * ```ts
 * try { await learn.load('missing'); } catch (e) { if (e instanceof TfaiError) console.error(e.name, e.message); }
 * ```
 */
export class TfaiError extends Error {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static readonly errorName: string = 'TfaiError';
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = declaredName(new.target, 'errorName');
  }
}

/**
 * A file that cannot be used, and why: the message is `<file>: <reason>`. The base of the file-reading errors
 * (safetensors, pickles, PyTorch checkpoints, CSV files; images and texts in their packages).
 * @example
 * ```ts
 * try { await readCsv('x.csv'); } catch (e) { if (e instanceof FileError) console.error(e.file); }
 * ```
 */
export class FileError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'FileError';
  constructor(
    /** The file (path, URL or a label such as `model.pth (archive/data.pkl)`) that could not be used. */
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** A state dict that does not fit a module: lists every missing, unexpected and wrongly-shaped key. */
export class StateDictMismatchError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'StateDictMismatchError';
  constructor(
    /** The module's parameter and buffer names (PyTorch names, e.g. `'0.weight'`) absent from the state dict. */
    readonly missing: string[],
    /** The state dict's keys that name no parameter or buffer of the module. */
    readonly unexpected: string[],
    /** The keys present on both sides whose shapes differ, with both shapes. */
    readonly wrongShape: {
      /** The parameter's or buffer's PyTorch name, e.g. `'fc.weight'`. */
      key: string;
      /** The shape the module needs, in PyTorch layout (`[out, in, kh, kw]` for a conv weight). */
      expected: number[];
      /** The shape the state dict holds under that key. */
      got: number[];
    }[],
  ) {
    const parts: string[] = [];
    if (missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
    if (unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
    if (wrongShape.length)
      parts.push(
        `wrong shapes: ${wrongShape.map((w) => `${w.key} (expected [${w.expected}], got [${w.got}])`).join(', ')}`,
      );
    super(`state dict does not match the module: ${parts.join('; ')}`);
  }
}

/**
 * A file that is not a valid safetensors file (truncated, bad header, unknown dtype…): names the file and,
 * where one is to blame, the tensor.
 */
export class SafetensorsError extends FileError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'SafetensorsError';
  constructor(
    file: string,
    /** What is wrong, without the file's and tensor's names (e.g. `'header is not valid UTF-8'`). */
    readonly reason: string,
    /** The name of the tensor to blame, as in the header; absent when the problem is the file's (its header). */
    readonly tensor?: string,
  ) {
    super(file, `${tensor === undefined ? '' : `tensor ${JSON.stringify(tensor)}: `}${reason}`);
  }
}

/** Bad optimizer input: a hyper-parameter list of the wrong length, a state dict for other parameters… */
export class OptimizerError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'OptimizerError';
}

/** A loss that is NaN or infinite: training stops with this error, naming the epoch and batch. */
export class NonFiniteLossError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'NonFiniteLossError';
  constructor(
    /** The epoch (0-based, as `learn.epoch`) whose training loss was not finite. */
    readonly epoch: number,
    /** The batch's index within that epoch (0-based, as `learn.iter`). */
    readonly batch: number,
    /** The loss read: `NaN`, `Infinity` or `-Infinity`. */
    readonly value: number,
  ) {
    super(
      `training loss is ${value} at epoch ${epoch}, batch ${batch}: stopping (lower the learning rate or check the data)`,
    );
  }
}

/**
 * A pickle that cannot be read: truncated, an unknown or unsupported opcode, a malformed stack. `file` names the
 * source (for a checkpoint, `model.pth (archive/data.pkl)`), `position` the byte offset of the opcode.
 * @example
 * ```ts
 * try { await loadPickle('itos.pkl'); } catch (e) { if (e instanceof PickleError) console.error(e.file, e.position); }
 * ```
 */
export class PickleError extends FileError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'PickleError';
  constructor(
    file: string,
    reason: string,
    /** The byte offset, in the pickle stream, of the opcode that failed; absent when no one opcode is to blame. */
    readonly position?: number,
  ) {
    super(file, `${reason}${position === undefined ? '' : ` (at byte ${position})`}`);
  }
}

/** An export (`exportLearner`'s JSON + weights) that cannot be loaded: names the file and the problem. */
export class ExportError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'ExportError';
}

/** What is wrong with a CSV file (see {@link CsvError}). */
export type CsvProblem = 'unreadable' | 'encoding' | 'empty' | 'header' | 'duplicate-header' | 'ragged' | 'syntax';

/**
 * A CSV file that cannot be read as a table: missing or unreadable, empty, a duplicate or empty header name,
 * a row whose number of fields differs from the header's, a syntax error. Names the file, and the row
 * (1-based data row: the header is not counted) or the column where one is to blame.
 */
export class CsvError extends FileError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'CsvError';
  constructor(
    file: string,
    /** The kind of problem ({@link CsvProblem}: `'ragged'`, `'duplicate-header'`…), to branch on without parsing the message. */
    readonly problem: CsvProblem,
    /** What is wrong, without the file, row and column (those are in the message). */
    readonly reason: string,
    /** Where in the file the problem is; empty when the whole file is to blame (unreadable, empty). */
    readonly where: {
      /** The 1-based data row (the header is not counted); absent when no one row is to blame. */
      row?: number;
      /** The header name of the column to blame; absent when no one column is. */
      column?: string;
    } = {},
  ) {
    super(
      file,
      `${where.row !== undefined ? `row ${where.row}: ` : ''}${where.column !== undefined ? `column ${JSON.stringify(where.column)}: ` : ''}${reason}`,
    );
  }
  /** The row of the problem, as the message names it, when known. */
  get row(): number | undefined {
    return this.where.row;
  }
  /** The column of the problem, when known. */
  get column(): string | undefined {
    return this.where.column;
  }
}

/**
 * A pickle that names a global outside the allow-list (`os.system`, `builtins.eval`…): refused at the GLOBAL or
 * STACK_GLOBAL opcode, before anything is called, read or written.
 * @example
 * ```ts
 * await loadTorch('evil.pth'); // UnsafePickleError: evil.pth (archive/data.pkl): refusing to load global 'posix.system'…
 * ```
 */
export class UnsafePickleError extends PickleError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'UnsafePickleError';
  constructor(
    file: string,
    /** The Python module the refused global comes from, as the pickle names it (e.g. `'posix'`, `'builtins'`). */
    readonly module: string,
    /** The refused global's name within `module` (e.g. `'system'`, `'eval'`). */
    readonly global: string,
    position?: number,
  ) {
    super(
      file,
      `refusing to load global '${module}.${global}': only PyTorch's tensor rebuilders, storage classes, dtypes and collections.OrderedDict are allowed`,
      position,
    );
  }
}

/**
 * A PyTorch checkpoint that is not valid: truncated archive, a storage key outside the archive's `data/` folder,
 * a storage shorter than its tensor needs, an unsupported dtype… `key` names the storage or state-dict key.
 * @example
 * ```ts
 * try { await loadTorch('cut.pth'); } catch (e) { if (e instanceof TorchCheckpointError) console.error(e.file, e.key); }
 * ```
 */
export class TorchCheckpointError extends FileError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'TorchCheckpointError';
  constructor(
    file: string,
    reason: string,
    /** The storage key (`'0'`, the archive's `data/0`) or state-dict key (`'fc.weight'`) to blame; absent when the archive itself is. */
    readonly key?: string,
  ) {
    super(file, reason);
  }
}

/** An architecture that cannot be built, cut or adapted as asked (bad `cut`, an unsupported `normType`, a first layer that is not a 3-channel Conv2d…). */
export class ArchitectureError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'ArchitectureError';
}

/**
 * An option a function does not take (a misspelt key, or a head option passed where only Learner options go):
 * names the function and the key.
 */
export class UnknownOptionError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'UnknownOptionError';
  constructor(
    /** The function (or class) that was given the option, e.g. `'visionLearner'`. */
    readonly fn: string,
    /** The unknown key, dotted when nested (`'head.linFtr'`). */
    readonly key: string,
    hint = '',
  ) {
    super(`${fn}: unknown option '${key}'${hint ? ` (${hint})` : ''}`);
  }
}

/**
 * An argument out of its domain (a batch size that is not a positive integer, a learning rate that is not a
 * finite positive number, a negative number of epochs…): names the argument and the value.
 */
export class InvalidArgumentError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'InvalidArgumentError';
  constructor(
    /** The argument's name as the caller wrote it (`'nEpoch'`, `'freezeEpochs'`, `'lr'`). */
    readonly argument: string,
    /** The value given, as is (any type: a string, `NaN`, `undefined`…). */
    readonly value: unknown,
    expected: string,
  ) {
    super(`${argument} must be ${expected}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  }
}

/** Throws {@link InvalidArgumentError} unless `v` is an integer ≥ `min`. */
export function checkInteger(argument: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    throw new InvalidArgumentError(
      argument,
      v,
      min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`,
    );
  return v;
}

/** Throws {@link InvalidArgumentError} unless every learning rate is a finite positive number. */
export function checkLearningRates(argument: string, lrs: readonly number[]): void {
  for (const lr of lrs)
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0)
      throw new InvalidArgumentError(argument, lr, 'a finite positive learning rate');
}

/**
 * A model that cannot be written as ONNX: names the layer's path in the model and its type (a custom `Module`
 * with no `static onnx` converter, an unsupported configuration). `exportOnnx` then writes nothing.
 * @example
 * ```ts
 * try { await exportOnnx(model, 'm.onnx'); } catch (e) { if (e instanceof OnnxExportError) console.error(e.path, e.layerType); }
 * ```
 */
export class OnnxExportError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'OnnxExportError';
  constructor(
    /** The layer's dotted path in the model, PyTorch-style (`'0.4.1.conv1'`), or `'(root)'` for the model itself. */
    readonly path: string,
    /** The layer's type name (its `typeName`, e.g. `'Conv2d'`, or a custom class's name). */
    readonly layerType: string,
    reason: string,
  ) {
    super(`ONNX export: layer ${path} (${layerType}) ${reason}`);
  }
}

/**
 * Thrown in a browser page by what needs a file system (a path to read or write, a cache folder); load exports from a
 * URL or from bytes there instead.
 * @example
 * ```ts
 * try { await loadSafetensors('w.safetensors'); } catch (e) { if (e instanceof NoFileSystemError) console.log('in a page'); }
 * ```
 */
export class NoFileSystemError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'NoFileSystemError';
}

/**
 * A feature needs packages that tfai lists as optional peers (installed only by those who use it: plotting's
 * `vega`, `vega-lite` and `sharp`; the WebGPU backend), and one is not installed: names the feature, the
 * packages, and the command that adds them.
 * @example
 * ```ts
 * try { await learn.recorder.plotLoss({ file: 'loss.png' }); }
 * catch (e) { if (e instanceof MissingDependencyError) console.error(e.install); } // npm install vega@^6.4.0 …
 * ```
 */
export class MissingDependencyError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'MissingDependencyError';
  /** The command that installs what is missing, with the versions tfai declares (`npm install vega@^6.4.0 …`). */
  readonly install: string;
  constructor(
    /** What needs the packages, e.g. `'plotting'` or `'writing PNG plots'`. */
    readonly feature: string,
    /** The npm packages the feature needs that are not installed, e.g. `['vega', 'vega-lite']`. */
    readonly packages: readonly string[],
    specs: readonly string[] = packages,
    options?: ErrorOptions,
  ) {
    const install = `npm install ${specs.join(' ')}`;
    super(`${feature} needs ${packages.join(', ')}, not installed: run \`${install}\``, options);
    this.install = install;
  }
}
