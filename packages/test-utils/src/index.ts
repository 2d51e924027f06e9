// @tfai/test-utils: the test helpers every package's tests share (reference facts from /work/shared/reference or the
// fixtures in this package's fixtures/, data set paths through @tfai/datasets, the small PyTorch checkpoints).
// Private: never published, imported by tests only. The webgpu suite's helpers are the `@tfai/test-utils/webgpu`
// subpath (importing it probes for an adapter).
export * from './fixtures.js';
export * from './torch.js';
export * from './batches.js';
export * from './images.js';
export * from './fused-step.js';
