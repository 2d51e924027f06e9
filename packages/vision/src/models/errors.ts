import { TfaiError } from '@tfai/core';

/** An architecture that cannot be cut or adapted as asked (bad `cut`, first layer not a 3-channel Conv2d…). */
export class ArchitectureError extends TfaiError {
}

/** Pretrained weights that cannot be found, downloaded, verified or loaded; `source` names the path or URL. */
export class PretrainedWeightsError extends TfaiError {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: ${reason}`);
  }
}
