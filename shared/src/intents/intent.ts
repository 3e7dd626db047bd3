/**
 * One journaled intent: `{id, kind, args, occurred_at}` (API.md "Sync push").
 *
 * Invariants:
 * 1. `IntentSchema` is a discriminated union on `kind` covering every
 *    `IntentKind` (checked in intent.test.ts), with strict objects.
 * 2. `occurred_at` is the device's clock as ISO-8601 with `Z` or an offset;
 *    the server corrects it (DESIGN §3) and never trusts it as is.
 * 3. `parseIntent` never throws: a malformed intent becomes an
 *    `INVALID_INTENT` DomainError, which the push route records as that
 *    intent's rejected outcome while the rest of the batch goes on.
 */
import { z } from 'zod';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { DeviceTimeSchema, INTENT_ARGS, IdSchema, IntentKind } from './intent-args.ts';

export { DeviceTimeSchema };

export const IntentSchema = z.discriminatedUnion('kind', [
  intentOf(IntentKind.taskCreate),
  intentOf(IntentKind.taskSetStatus),
  intentOf(IntentKind.taskClaim),
  intentOf(IntentKind.taskRelease),
  intentOf(IntentKind.taskComplete),
  intentOf(IntentKind.taskRename),
  intentOf(IntentKind.workStart),
  intentOf(IntentKind.workPause),
  intentOf(IntentKind.workHeartbeat),
  intentOf(IntentKind.workExtend),
  intentOf(IntentKind.checklistAdd),
  intentOf(IntentKind.checklistSetStatus),
  intentOf(IntentKind.checklistRename),
  intentOf(IntentKind.checklistDelete),
  intentOf(IntentKind.runStart),
  intentOf(IntentKind.runCheck),
  intentOf(IntentKind.runPause),
  intentOf(IntentKind.runResume),
  intentOf(IntentKind.runComplete),
  intentOf(IntentKind.runApprove),
  intentOf(IntentKind.sopCreate),
  intentOf(IntentKind.sopEdit),
  intentOf(IntentKind.sopConfirm),
  intentOf(IntentKind.sopDelete),
  intentOf(IntentKind.bookingStart),
  intentOf(IntentKind.bookingComplete),
  intentOf(IntentKind.bookingCreate),
  intentOf(IntentKind.bookingCancel),
]);
export type Intent = z.infer<typeof IntentSchema>;
/** The intent of one kind, e.g. `IntentOf<'task.set_status'>`. */
export type IntentOf<K extends IntentKind> = Extract<Intent, { readonly kind: K }>;

/** How many schema issues an INVALID_INTENT error lists, so a hostile intent cannot make a huge reply. */
export const MAX_REPORTED_ISSUES = 5;

/** Parses one intent; a failure is an INVALID_INTENT error naming what is wrong. */
export function parseIntent(raw: unknown): Result<Intent> {
  const parsed = IntentSchema.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  const message = first === undefined ? 'Malformed intent' : `Malformed intent: ${first.path === '' ? '' : `${first.path}: `}${first.message}`;
  return err(domainError('INVALID_INTENT', message, { issues }));
}

function intentOf<K extends IntentKind>(kind: K) {
  return z.strictObject({ id: IdSchema, kind: z.literal(kind), args: INTENT_ARGS[kind], occurred_at: DeviceTimeSchema });
}

