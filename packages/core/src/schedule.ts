// @tfai/core/schedule — fastai's `callback/schedule.py`: annealing functions and one-cycle schedules, the
// ParamScheduler callback that applies them, and the learning-rate finder. Node-only: `lrFind` (its plot).
export {
  schedLin,
  schedCos,
  schedNo,
  schedExp,
  schedPoly,
  combineScheds,
  combinedCos,
  oneCycleSchedules,
  oneCyclePositions,
} from './optim/schedule.js';
export type { Schedule, OneCycleOptions } from './optim/schedule.js';
export { ParamScheduler } from './learner/callbacks/param-scheduler.js';
export type { HyperSchedule } from './learner/callbacks/param-scheduler.js';
export { lrFind, valley, slide, minimum, steep, SuggestionMethod, suggestionFunc } from './learner/lr-find.js';
export type { LrFindOptions, LrFindResult, LrSuggestion, SlideOptions, SuggestionFunc } from './learner/lr-find.js';
