// Machine facts in a page.

/** The number of cores the page may use (`navigator.hardwareConcurrency`, 1 when unknown). */
export const cpuCount = (): number =>
  (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
