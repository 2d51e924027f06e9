import { vitestConfig } from '../../vitest.shared.js';

// Training in Node and a browser start per file: generous timeouts.
export default vitestConfig({ testTimeout: 300_000, hookTimeout: 300_000 });
