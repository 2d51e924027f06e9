// The running process in Node.

/** An environment variable. */
export const envVar = (name: string): string | undefined => process.env[name];

/** This process's id. */
export const pid = (): number => process.pid;

/** Whether process `id` still runs (signal 0; EPERM means it runs as another user). */
export function processAlive(id: number): boolean {
  try {
    process.kill(id, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where the library runs. */
export const RUNTIME: 'node' | 'browser' = 'node';
