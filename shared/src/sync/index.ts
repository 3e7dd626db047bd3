/** DESIGN §3: correcting device times of intents. */
export {
  DEFAULT_TOLERANCE_MS,
  DEFAULT_LOOK_BACK_MS,
  TimeSource,
  ClampedBy,
  estimateOffset,
  correctTime,
} from './time-correction.ts';
export type { CorrectTimeInput, CorrectedTime } from './time-correction.ts';
