// The running "process" in a page: no environment, one page.

/** An environment variable: a page has none (a bundler may define `process.env`; it is read when present). */
export const envVar = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];

/** A page has no process id: 0. */
export const pid = (): number => 0;

/** No other processes are visible from a page. */
export const processAlive = (_id: number): boolean => false;

/** Where the library runs. */
export const RUNTIME: 'node' | 'browser' = 'browser';
