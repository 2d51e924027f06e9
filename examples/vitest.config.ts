import { vitestConfig } from '../vitest.shared.js';

// The chapter's exercises, each run in its short mode (TFAI_EXAMPLES_SHORT=1: small subsets, one or two epochs) and
// checked on what it prints. Each stays well under a minute on an idle 2-core machine; the timeout allows for load.
export default vitestConfig({ env: { TFAI_EXAMPLES_SHORT: '1' }, testTimeout: 300_000 });
