/** Intent kinds, their definitions, the sync push contract and intent targets (API.md "Sync push"). */
export { MAX_ID_LENGTH, MAX_TITLE_LENGTH, MAX_NOTES_LENGTH, MAX_REASON_LENGTH, DeviceTimeSchema, IdSchema, TitleSchema } from './arg-schemas.ts';
export { Aggregate } from './define-intent.ts';
export type { AggregateRef } from './define-intent.ts';
export { INTENTS, INTENT_KINDS, INTENT_ARGS } from './intent-definitions.ts';
export type { IntentArgs, IntentKind } from './intent-definitions.ts';
export { MAX_SOP_TASKS, MAX_SOP_STEPS } from './sop-intents.ts';
export { IntentSchema, MAX_REPORTED_ISSUES, parseIntent } from './intent.ts';
export type { Intent, IntentOf } from './intent.ts';
export { intentTarget, intentRefs, aggregateKey, sharesAggregate } from './intent-target.ts';
export {
  MAX_BATCH_SIZE,
  LooseIntentSchema,
  PushRequestSchema,
  OutcomeStatus,
  ServerTimeSchema,
  OutcomeSchema,
  PushResponseSchema,
  ReceivedOutcomeSchema,
  RejectionCodeSchema,
  UnknownErrorCodeSchema,
  isKnownErrorCode,
} from './push.ts';
export type { LooseIntent, PushRequest, Outcome, PushResponse, ReceivedOutcome, RejectionCode, UnknownErrorCode } from './push.ts';
export { applyIntent } from './apply-intent.ts';
