// Machine facts in Node.
import os from 'node:os';

/** The number of cores this process may use. */
export const cpuCount = (): number => os.availableParallelism();

/** The machine's name (TensorBoard's run folders carry it, as PyTorch's `SummaryWriter`'s do). */
export const hostname = (): string => os.hostname();
