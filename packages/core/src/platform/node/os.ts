// Machine facts in Node.
import os from 'node:os';

/** The number of cores this process may use. */
export const cpuCount = (): number => os.availableParallelism();
