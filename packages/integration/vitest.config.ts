import { vitestConfig } from '../../vitest.shared.js';

// Cross-package flows on the sources (aliases), and the pack-and-install test on the built packages.
// Each flow trains for 1–3 minutes on an idle 2-core machine; CI may run other packages' tests beside it (one
// run measured 399 s for the ULMFiT flow under that load), so the timeout is generous.
export default vitestConfig({ testTimeout: 900_000 });
