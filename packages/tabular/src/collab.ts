// @tfai/tabular/collab — fastai.collab for tfjs: collaborative filtering on a ratings table.

// ---- Collaborative filtering (fastai.collab) ----
// CollabDataLoaders, EmbeddingDotBias/EmbeddingNN, collabLearner, and the chapter's analyses (biases, PCA, similar).
export { CollabDataLoaders } from './collab/collab-dataloaders.js';
export type { CollabDataLoadersOptions } from './collab/collab-dataloaders.js';
export { EmbeddingDotBias } from './collab/embedding-dot-bias.js';
export type { EmbeddingDotBiasConfig } from './collab/embedding-dot-bias.js';
export { EmbeddingNN } from './collab/embedding-nn.js';
export { collabLearner } from './learner/collab-learner.js';
export type { CollabLearnerOptions } from './learner/collab-learner.js';
export { pca, eigSymmetric } from './learner/pca.js';
export type { SymmetricEigen } from './learner/pca.js';
export { topBiases, mostSimilar } from './learner/collab-analysis.js';
export type { Scored } from './learner/collab-analysis.js';
