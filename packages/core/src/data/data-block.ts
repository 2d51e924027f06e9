// fastai's `DataBlock` (fastai/data/block.py): blocks (one per part of a sample), how to get the items, split them and
// get each part from an item, item and batch transforms, and `nInp`. `datasets` and `dataloaders` build from a
// source; `summary` prints what happens to one item step by step, as fastai's does.
import * as tf from '@tensorflow/tfjs-core';
import { ready } from '../backend/backend.js';
import type { Loss } from '../learner/loss.js';
import { DataLoader, DataLoaders, type Batch } from './dataloader.js';
import { collateValues, type BlockLoadersContext, type DataBlockLoadersOptions, type TransformBlock } from './block.js';
import { DataBlockError } from './categorize.js';
import { randomSplitter, type Split } from './splitters.js';
import { Datasets, show } from './tfmd-lists.js';
import { Pipeline, Transform } from './transform.js';

/** A getter: an item → one part of the sample (fastai's `get_x`/`get_y`). */
export type Getter = (item: never) => unknown;

/** Options of a {@link DataBlock} (fastai's arguments). */
export interface DataBlockOptions {
  /** One block per part of a sample, inputs first (e.g. `[new ImageBlock(), new CategoryBlock()]`). */
  blocks: readonly TransformBlock[];
  /** The items of a source (default: the source itself, which must be an array). */
  getItems?: (source: never) => readonly unknown[] | Promise<readonly unknown[]>;
  /** The input part(s) of an item: one getter per input (default: the item). */
  getX?: Getter | readonly Getter[];
  /** The target part(s) of an item: one getter per target (default: the item). */
  getY?: Getter | readonly Getter[];
  /** The items → the split (default: a random 20 % validates, from core's global RNG). */
  splitter?: (items: never[]) => Split;
  /** Transforms on each item (the domain's kind: vision's `ItemTransform`s; core's path takes `Transform`s of the tuple). */
  itemTfms?: readonly unknown[];
  /** Transforms on each batch (vision's `BatchTransform`s; core's path takes `Transform<Batch, Batch>`s). */
  batchTfms?: readonly unknown[];
  /** How many blocks are inputs (default: all but the last). */
  nInp?: number;
}

/** The name of a getter for `summary` (a function's name, else `get`). */
const fnName = (f: Getter): string => f.name || 'get';

/**
 * fastai's `DataBlock`: a recipe for DataLoaders. `blocks` say what each part of a sample is, `getItems` lists the
 * items of a source, `splitter` splits them, `getX`/`getY` take each part from an item; `dataloaders(source)` returns
 * the DataLoaders the domain's factories return (a block with loaders of its own, as vision's ImageBlock, builds them).
 * @example
 * ```ts
 * const dblock = new DataBlock({
 *   blocks: [new ImageBlock(), new CategoryBlock()],
 *   getItems: getImageFiles,
 *   splitter: (items) => randomSplitter(items.length, 0.2, 42),
 *   getY: parentLabel,
 *   itemTfms: [new Resize(64)],
 * });
 * const dls = await dblock.dataloaders(path, { bs: 16 });
 * ```
 */
export class DataBlock {
  /** The blocks, inputs first. */
  readonly blocks: readonly TransformBlock[];
  /** How many blocks are inputs. */
  readonly nInp: number;
  /** The item transforms. */
  readonly itemTfms: readonly unknown[];
  /** The batch transforms: the blocks' own, then the DataBlock's. */
  readonly batchTfms: readonly unknown[];
  private readonly opts: DataBlockOptions;
  constructor(opts: DataBlockOptions) {
    if (!opts.blocks?.length) throw new DataBlockError('DataBlock needs at least one block');
    this.opts = opts;
    this.blocks = opts.blocks;
    this.nInp = opts.nInp ?? Math.max(1, this.blocks.length - 1);
    if (!(Number.isInteger(this.nInp) && this.nInp >= 1 && this.nInp <= this.blocks.length))
      throw new DataBlockError(`nInp must be an integer in [1, ${this.blocks.length}], got ${this.nInp}`);
    this.itemTfms = opts.itemTfms ?? [];
    this.batchTfms = [...this.blocks.flatMap((b) => b.batchTfms ?? []), ...(opts.batchTfms ?? [])];
    this.getters(); // checks the getters' counts now
  }

  /** One getter per block (undefined: the item itself), as fastai's `getters`. */
  private getters(): (Getter | undefined)[] {
    const nY = this.blocks.length - this.nInp;
    const list = (g: Getter | readonly Getter[] | undefined, n: number, what: string): (Getter | undefined)[] => {
      if (g === undefined) return Array<undefined>(n).fill(undefined);
      const gs = typeof g === 'function' ? [g] : [...g];
      if (gs.length !== n) throw new DataBlockError(`${what} has ${gs.length} getters for ${n} blocks`);
      return gs;
    };
    return [...list(this.opts.getX, this.nInp, 'getX'), ...list(this.opts.getY, nY, 'getY')];
  }

  /** Each block's pipeline: its getter, then its type transforms. */
  private pipelines(): Pipeline[] {
    const getters = this.getters();
    return this.blocks.map((b, k) => {
      const g = getters[k];
      const get = g && new Transform<unknown, unknown>({ name: fnName(g), encodes: g as (x: unknown) => unknown });
      return new Pipeline(get ? [get, ...b.typeTfms] : [...b.typeTfms]);
    });
  }

  /** The items of a source (`getItems`, or the source itself). */
  async getItems(source: unknown): Promise<unknown[]> {
    const items = this.opts.getItems ? await this.opts.getItems(source as never) : source;
    if (!Array.isArray(items))
      throw new DataBlockError(`DataBlock has no getItems and its source is not an array (got ${typeof items})`);
    return items as unknown[];
  }

  /** The split of the items (the splitter, or a random 20 %). */
  split(items: readonly unknown[]): Split {
    return this.opts.splitter ? this.opts.splitter(items as never[]) : randomSplitter(items.length, 0.2);
  }

  /**
   * fastai's `DataBlock.datasets`: the items of `source`, split, each part through its getter and type transforms
   * (set up on the training items).
   * @example
   * ```ts
   * const dsets = await dblock.datasets(rows);
   * dsets.train.get(0); // [x, y]
   * ```
   */
  async datasets(source: unknown): Promise<Datasets> {
    const items = await this.getItems(source);
    return new Datasets(items, this.pipelines(), { splits: this.split(items), nInp: this.nInp });
  }

  /**
   * fastai's `DataBlock.dataloaders`: the DataLoaders of `source`. The first input block with loaders of its own
   * builds them (vision's ImageBlock: an `ImageDataLoaders`); otherwise core's {@link DataLoaders} of
   * {@link DataLoader}s that collate each part with its block.
   * @example
   * ```ts
   * const dls = await dblock.dataloaders(path, { bs: 32, seed: 0 });
   * ```
   */
  async dataloaders(source: unknown, opts: DataBlockLoadersOptions = {}): Promise<DataLoaders> {
    await ready(); // the best backend before any tensor (not tfjs's pure-JS default)
    const items = await this.getItems(source);
    const split = this.split(items);
    const dsets = new Datasets(items, this.pipelines(), { splits: split, nInp: this.nInp });
    const ctx: BlockLoadersContext = {
      dsets,
      items,
      split,
      blocks: this.blocks,
      itemTfms: this.itemTfms,
      batchTfms: this.batchTfms,
      opts,
      source,
    };
    const builder = this.blocks.slice(0, this.nInp).find((b) => b.dataloaders);
    if (builder) return builder.dataloaders!(ctx);
    return this.coreLoaders(ctx);
  }

  /** The loss the (first) target block implies (fastai's `dls.loss_func`), if any. */
  lossFunc(): Loss | undefined {
    return this.blocks[this.nInp]?.lossFunc?.();
  }

  /** Core's loaders: item transforms on the tuple, each part collated by its block, batch transforms after. */
  private coreLoaders(ctx: BlockLoadersContext): DataLoaders {
    const nY = this.blocks.length - this.nInp;
    if (nY > 1) throw new DataBlockError(`core's DataLoaders take one target, the DataBlock has ${nY}`);
    const itemTfms = this.itemTfms.map((t, i) => {
      if (!(t instanceof Transform)) throw new DataBlockError(`itemTfms[${i}] is not a Transform of the sample`);
      return t;
    });
    const batchTfms = this.batchTfms.map((t, i) => {
      if (!(t instanceof Transform)) throw new DataBlockError(`batchTfms[${i}] is not a Transform of the batch`);
      return t as Transform<Batch, Batch>;
    });
    const itemPipe = new Pipeline<unknown[], unknown[]>(itemTfms);
    const collate = (samples: unknown[][]): Batch =>
      tf.tidy(() => {
        const parts = this.blocks.map((b, k) => {
          const vals = samples.map((s) => s[k]);
          return b.collate ? b.collate(vals) : collateValues(vals);
        });
        const x = parts.slice(0, this.nInp);
        return { x, y: parts[this.nInp] ?? tf.zeros([samples.length]) };
      });
    const afterBatch = batchTfms.length ? (b: Batch) => batchTfms.reduce((acc, t) => t.encodes(acc), b) : undefined;
    const loader = (ds: Datasets, train: boolean, bs: number, seed: number | undefined) =>
      new DataLoader<unknown[]>(
        { length: ds.length, get: (i) => itemPipe.encode(ds.get(i)) },
        { bs, shuffle: train, seed, prefetch: ctx.opts.prefetch, collate, afterBatch },
      );
    const { bs = 64, seed } = ctx.opts;
    const valBs = ctx.opts.valBs ?? bs;
    const target = this.blocks[this.nInp];
    const dls = new DataLoaders(
      loader(ctx.dsets.train, true, bs, seed),
      loader(ctx.dsets.valid, false, valBs, seed === undefined ? undefined : seed + 1),
      { vocab: target?.vocab?.(), c: target?.c?.(), lossFunc: this.lossFunc() },
    );
    return dls;
  }

  /**
   * fastai's `DataBlock.summary`: what happens to one item step by step — the items found, the split, each part's
   * pipeline set up and applied to the first training item — then one batch built from the first items (its
   * shapes). Returns the text; prints it unless `print: false`.
   * @example
   * ```ts
   * await dblock.summary(path, { bs: 4 });
   * ```
   */
  async summary(source: unknown, opts: DataBlockLoadersOptions & { print?: boolean } = {}): Promise<string> {
    const out: string[] = [];
    const log = (s = '') => out.push(s);
    log('Setting-up type transforms pipelines');
    log(`Collecting items from ${show(source).slice(0, 200)}`);
    const items = await this.getItems(source);
    log(`Found ${items.length} items`);
    const split = this.split(items);
    const pipes = this.pipelines();
    const dsets = new Datasets(items, pipes, { splits: split, nInp: this.nInp }); // sets the pipelines up
    log(`2 datasets of sizes ${dsets.splits.train.length},${dsets.splits.valid.length}`);
    for (const p of pipes) log(`Setting up ${String(p)}`);
    log();
    log('Building one sample');
    const first = split.train[0];
    if (first === undefined) throw new DataBlockError('summary: the training split is empty');
    const sample: unknown[] = [];
    for (const [k, p] of pipes.entries()) {
      log(`  ${String(p)}`);
      log('    starting from');
      log(`      ${show(items[first])}`);
      const trace = p.trace(items[first]);
      p.fs.forEach((f, j) => {
        log(`    applying ${String(f)} gives`);
        log(`      ${show(trace[j + 1])}`);
      });
      sample[k] = trace[trace.length - 1];
    }
    log();
    log(`Final sample: (${sample.map(show).join(', ')})`);
    log();
    const bs = opts.bs ?? 4;
    const dls = await this.dataloaders(source, { ...opts, bs, valBs: bs });
    log(`Setting up after_item: Pipeline: ${this.itemTfms.map(tfmName).join(' -> ')}`);
    log('Setting up before_batch: Pipeline: ');
    log(`Setting up after_batch: Pipeline: ${this.batchTfms.map(tfmName).join(' -> ')}`);
    log();
    log('Building one batch');
    if (this.itemTfms.length) {
      log('Applying item_tfms to the first sample:');
      log(`  Pipeline: ${this.itemTfms.map(tfmName).join(' -> ')}`);
      log('    starting from');
      log(`      (${sample.map(show).join(', ')})`);
      log();
      log(`Adding the next ${Math.min(bs, split.train.length) - 1} samples`);
    } else log(`No item_tfms to apply: the first ${Math.min(bs, split.train.length)} samples as they are`);
    log();
    log('No before_batch transform to apply');
    log();
    log('Collating items in a batch');
    log();
    const b = await dls.train.oneBatch();
    const shape = (t: tf.Tensor) => `${t.dtype} [${t.shape.join(', ')}]`;
    if (this.batchTfms.length) {
      log('Applying batch_tfms to the batch built');
      log(`  Pipeline: ${this.batchTfms.map(tfmName).join(' -> ')}`);
      log('    gives');
      log(`      (${[...b.x, b.y].map(shape).join(', ')})`);
    } else log('No batch_tfms to apply');
    log();
    log(`Final batch: x = (${b.x.map(shape).join(', ')}), y = ${shape(b.y)}`);
    tf.dispose([...b.x, b.y]);
    const text = out.join('\n');
    if (opts.print !== false) console.log(text);
    return text;
  }
}

/** A transform's name for `summary`. */
function tfmName(t: unknown): string {
  if (t instanceof Transform) return String(t);
  if (t && typeof t === 'object' && 'name' in t && typeof t.name === 'string') return t.name;
  return t && typeof t === 'object' ? t.constructor.name : String(t);
}
