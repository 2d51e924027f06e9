// @tfai/vision/internal: helpers the sibling tfai packages (siamese) share, not part of the public API (no
// stability promise).
// The loader settings and the per-sample seed a new image task's data loaders are built from.
export { drawSeed } from './data/sample.js';
export { visionLoaderOptions } from './data/vision-data-loaders.js';
// The set-up the body-based learners share (defaults, normalisation, what an export records) and their last step.
export { setUpBodyLearner, splitBodyLearnerOptions, freezeIfPretrained } from './models/load-body.js';
export type { BodyLearnerOptions, BodyLearnerSetUp, BodyOptions } from './models/load-body.js';
// The keys of `head: {...}`, checked by every learner that takes head options.
export { HEAD_OPTION_KEYS } from './learner/vision-learner.js';
