/** Intent kinds, their zod schemas, the sync push contract and intent targets (API.md "Sync push"). */
export {
  IntentKind,
  INTENT_KINDS,
  INTENT_ARGS,
  MAX_ID_LENGTH,
  MAX_TITLE_LENGTH,
  MAX_NOTES_LENGTH,
  MAX_REASON_LENGTH,
  MAX_SOP_TASKS,
  MAX_SOP_STEPS,
  IdSchema,
  TitleSchema,
  TaskCreateArgsSchema,
  TaskSetStatusArgsSchema,
  TaskRefArgsSchema,
  ChecklistAddArgsSchema,
  ChecklistSetStatusArgsSchema,
  ChecklistRenameArgsSchema,
  ChecklistRefArgsSchema,
  RunStartArgsSchema,
  RunCheckArgsSchema,
  RunRefArgsSchema,
  BookingRefArgsSchema,
} from './intent-args.ts';
export type { IntentArgs } from './intent-args.ts';
export { DeviceTimeSchema, IntentSchema, MAX_REPORTED_ISSUES, parseIntent } from './intent.ts';
export type { Intent, IntentOf } from './intent.ts';
export { Aggregate, intentTarget, intentRefs, aggregateKey, sharesAggregate } from './intent-target.ts';
export type { AggregateRef } from './intent-target.ts';
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
export { EXAMPLE_ARGS, exampleIntent } from './testing.ts';
export { applyIntent, activeRunOf, newestConfirmedVersion, runSnapshotOf } from './apply-intent.ts';
