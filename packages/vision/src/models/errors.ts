import { ArchitectureError, TfaiError } from '@tfai/core';

/** Re-exported from `@tfai/core` (the same class; fastai's shared layers throw it too). */
export { ArchitectureError };
/** Pretrained weights that cannot be found, downloaded, verified or loaded; `source` names the path or URL. */
export class PretrainedWeightsError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'PretrainedWeightsError';
  constructor(
    /** The weights' path or URL that failed. */
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: ${reason}`);
  }
}
