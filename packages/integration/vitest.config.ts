import { vitestConfig } from '../../vitest.shared.js';

// Cross-package flows on the sources (aliases), and the pack-and-install test on the built packages.
export default vitestConfig({ testTimeout: 300_000 });
