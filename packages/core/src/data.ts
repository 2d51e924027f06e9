// @tfai/core/data — fastai's mid-level data API (fastai/data/{core,block,transforms}.py, fastcore's Transform):
// Transform and Pipeline, TfmdLists and Datasets, DataBlock and core's blocks. Explicit named exports only. Domain
// packages add their blocks (vision: ImageBlock, MaskBlock, PointBlock). DataLoader(s) and the splitters are in the
// root (`@tfai/core`).

// ---- Transforms (fastcore/transform.py) ----
export { Transform, Pipeline } from './data/transform.js';
export type { TransformFunctions } from './data/transform.js';

// ---- Items through pipelines (fastai/data/core.py) ----
export { TfmdLists, Datasets } from './data/tfmd-lists.js';
export type { TfmdListsOptions, DatasetsOptions } from './data/tfmd-lists.js';

// ---- Type transforms (fastai/data/transforms.py) ----
export { Categorize, DataBlockError, categoryMap } from './data/categorize.js';
export type { CategorizeOptions } from './data/categorize.js';
export { MultiCategorize, OneHotEncode } from './data/multi-categorize.js';

// ---- Blocks and the DataBlock (fastai/data/block.py) ----
export { CategoryBlock, MultiCategoryBlock, RegressionBlock, collateValues } from './data/block.js';
export type { TransformBlock, BlockLoadersContext, DataBlockLoadersOptions } from './data/block.js';
export { DataBlock } from './data/data-block.js';
export type { DataBlockOptions, Getter } from './data/data-block.js';
