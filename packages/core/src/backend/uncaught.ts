// emscripten's wasm module (tfjs-backend-wasm) adds process handlers that rethrow every uncaught exception and
// unhandled rejection from inside its one 60 kB minified line, so Node prints that whole line before the error.
// tfai removes them when it starts the wasm backend and installs its own: the error (name, message, stack,
// properties) on stderr, exit code 1 — what Node prints, without the source dump.
import { inspect } from 'node:util';

type Event = 'uncaughtException' | 'unhandledRejection';
const EVENTS: Event[] = ['uncaughtException', 'unhandledRejection'];

/** What the uncaught-error handler prints: `Name: message` first, then the stack and the error's own fields. */
export function formatUncaught(err: unknown): string {
  return err instanceof Error ? inspect(err, { depth: 2 }) : `Uncaught ${inspect(err, { depth: 2 })}`;
}

function tfaiUncaught(err: unknown): void {
  // Another handler is installed (the script's own): it decides, as it would without tfai.
  if (process.listenerCount('uncaughtException') > 1) return;
  process.stderr.write(formatUncaught(err) + '\n');
  process.exit(1);
}

/**
 * Runs `start` (which loads the wasm module), then removes the process handlers it added and, if there were any,
 * installs tfai's uncaught-error handler (once).
 */
export async function withoutEmscriptenHandlers<T>(start: () => Promise<T>): Promise<T> {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
  try {
    return await start();
  } finally {
    let removed = false;
    for (const e of EVENTS)
      for (const l of emitter.listeners(e))
        if (!before.get(e)!.has(l) && l !== tfaiUncaught) {
          emitter.removeListener(e, l as (...args: unknown[]) => void);
          removed = true;
        }
    if (removed && !process.listeners('uncaughtException').includes(tfaiUncaught))
      process.on('uncaughtException', tfaiUncaught);
  }
}
