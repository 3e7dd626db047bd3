/**
 * The sync push contract: `POST /api/v1/sync/push` (API.md "Sync push").
 *
 * Invariants:
 * 1. Two levels of malformation (I9): the batch is checked first and only
 *    loosely per intent (`{id, …}`), so a batch that parses has an id for
 *    every intent; a bad batch is a 400 and nothing applies. Each intent is
 *    then parsed on its own (`parseIntent`), and a bad one becomes its own
 *    rejected outcome with code INVALID_INTENT.
 * 2. A batch holds at most `MAX_BATCH_SIZE` intents.
 * 3. Outcomes: accepted and accepted_with_adjustment carry `effective_at`;
 *    rejected carries `code` and `message`. Exactly one per intent id.
 * 4. What a device sends is parsed strictly (unknown keys rejected); what the
 *    server answers is parsed leniently (unknown keys stripped, and a
 *    rejection code this client does not know accepted as any SCREAMING_SNAKE
 *    string), so a newer server never makes an older client fail a whole
 *    push and retry forever.
 * 5. A server of this version sends only codes of the closed `ErrorCode` set
 *    (`OutcomeSchema`, `Outcome`); only the client's reading of an answer
 *    (`PushResponseSchema`, `ReceivedOutcome`) admits unknown ones, typed
 *    apart (`UnknownErrorCode`) so the compiler makes every reader handle them.
 */
import { z } from 'zod';
import { ErrorCode } from '../errors.ts';
import { DeviceTimeSchema, IdSchema } from './arg-schemas.ts';

export const MAX_BATCH_SIZE = 500;

/** An intent as the batch sees it: an id and anything else, checked later on its own. */
export const LooseIntentSchema = z.looseObject({ id: IdSchema });
export type LooseIntent = z.infer<typeof LooseIntentSchema>;

export const PushRequestSchema = z.strictObject({
  device_id: IdSchema,
  /** The device's clock when it sent the batch; with the receive time it gives the clock offset. */
  sent_at: DeviceTimeSchema,
  intents: z.array(LooseIntentSchema).max(MAX_BATCH_SIZE),
  /** The device's IANA time zone (e.g. "Europe/Madrid"), stored with the sessions it opens; default UTC. */
  zone: z.string().regex(/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/).optional(),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const OutcomeStatus = {
  accepted: 'accepted',
  acceptedWithAdjustment: 'accepted_with_adjustment',
  rejected: 'rejected',
} as const;
export type OutcomeStatus = (typeof OutcomeStatus)[keyof typeof OutcomeStatus];

/** Server UTC time on the wire: ISO-8601 with `Z`. */
export const ServerTimeSchema = z.iso.datetime();

/** A code a newer server may send that this version does not know: SCREAMING_SNAKE, bounded. */
export const UnknownErrorCodeSchema = z
  .string()
  .max(64)
  .regex(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/)
  .brand<'UnknownErrorCode'>();
export type UnknownErrorCode = z.infer<typeof UnknownErrorCodeSchema>;

/** A rejection code as a client reads it (invariant 4): a known one first, else an unknown one. */
export const RejectionCodeSchema = z.union([z.enum(ErrorCode), UnknownErrorCodeSchema]);
export type RejectionCode = ErrorCode | UnknownErrorCode;

/** Whether a received code is one of this version's closed set. */
export function isKnownErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ErrorCode, code);
}

/** What a server of this version sends (invariant 5): rejected codes from the closed set. */
export const OutcomeSchema = outcomeSchema(z.enum(ErrorCode));
export type Outcome = z.infer<typeof OutcomeSchema>;

/** An outcome as a client reads it (invariant 4): the same, with any SCREAMING_SNAKE rejection code. */
export const ReceivedOutcomeSchema = outcomeSchema(RejectionCodeSchema);
export type ReceivedOutcome = z.infer<typeof ReceivedOutcomeSchema>;

export const PushResponseSchema = z.object({
  server_time: ServerTimeSchema,
  outcomes: z.array(ReceivedOutcomeSchema),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

function outcomeSchema<C extends z.ZodType<string>>(code: C) {
  return z.discriminatedUnion('status', [
    z.object({ id: IdSchema, status: z.literal(OutcomeStatus.accepted), effective_at: ServerTimeSchema }),
    z.object({
      id: IdSchema,
      status: z.literal(OutcomeStatus.acceptedWithAdjustment),
      effective_at: ServerTimeSchema,
      /** What was adjusted, for the person who made the change (e.g. "time moved to after the previous change"). */
      message: z.string().optional(),
    }),
    z.object({
      id: IdSchema,
      status: z.literal(OutcomeStatus.rejected),
      code,
      message: z.string(),
      /** The DomainError's details, e.g. `existing_session_id`. */
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ]);
}
