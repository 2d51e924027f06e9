// Test helper for the native (oneDNN) kernels: where @tfai/native is not built, a describe block is skipped by name
// with the reason; under CI=true (CI installs libdnnl-dev and builds it) it runs, and fails.
import { describe, it } from 'vitest';
import { nativeKernelStatus } from '../backend/wasm/native.js';

/** Why native kernels cannot run here (the addon is missing or failed to build), or undefined where they can. */
export function nativeUnavailable(): string | undefined {
  const s = nativeKernelStatus();
  return s.available ? undefined : s.reason;
}

/**
 * `describe` for native-kernel tests: skipped by name with the reason where the addon is not built, except under
 * `CI=true`, where the block runs (and fails without the addon).
 */
export function describeNative(name: string, body: () => void): void {
  const why = nativeUnavailable();
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (!why) describe(name, body);
  else if (!ci) describe.skip(`${name} — skipped: @tfai/native unavailable (${why})`, body);
  else
    describe(name, () => {
      it('has @tfai/native built (CI installs libdnnl-dev; node packages/native/scripts/build.cjs --strict)', () => {
        throw new Error(`@tfai/native unavailable under CI: ${why}`);
      });
    });
}
