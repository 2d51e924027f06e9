// Debian's chromium driven by playwright-core: no browser download, ever. The tests skip by name with a reason where
// /usr/bin/chromium is absent, except under CI=true, where they run (and fail without it: `.ci/run` installs it).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

declare module 'vitest' {
  interface TaskMeta {
    /** Why a test was skipped; scripts/test.mjs lists it by name with this reason. */
    skipReason?: string;
  }
}

/** The browser the tests drive: Debian's package (`apt-get install chromium`), or `$TFAI_CHROMIUM`. */
export const CHROMIUM = process.env.TFAI_CHROMIUM ?? '/usr/bin/chromium';

/** The flags every launch uses: headless, no sandbox (containers), no GPU, no network of its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser tests cannot run here, or `undefined` when they can (under CI=true they always run). */
export function browserSkipReason(): string | undefined {
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (ci || existsSync(CHROMIUM)) return undefined;
  return `no chromium at ${CHROMIUM} (apt-get install chromium; CI=true runs these tests regardless)`;
}

export interface Browser {
  context: BrowserContext;
  /** A new page whose console errors and uncaught exceptions are collected in `errors`. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * Launches chromium with a fresh user-data-dir (removed by `close()`).
 * @example
 * ```ts
 * const b = await launchBrowser();
 * const { page } = await b.newPage();
 * await b.close();
 * ```
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const profile = await mkdtemp(join(os.tmpdir(), 'tfai-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1000, height: 760 },
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      return { page, errors };
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Options for `describe(name, needsBrowser(), fn)`: skipped by name with the reason where chromium is absent (listed
 * in `npm test`'s totals); under CI=true never skipped.
 * @example
 * ```ts
 * describe('in the page', needsBrowser(), () => { ... });
 * ```
 */
export function needsBrowser(): { skip?: boolean; meta?: { skipReason: string } } {
  const reason = browserSkipReason();
  return reason ? { skip: true, meta: { skipReason: reason } } : {};
}
