/**
 * One journaled intent: `{id, kind, args, occurred_at}` (API.md "Sync push").
 * `occurred_at` is the device's clock as ISO-8601 with `Z` or an offset; the
 * server corrects it (DESIGN §3) and never trusts it as is.
 */
import { z } from 'zod';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { DeviceTimeSchema, IdSchema } from './arg-schemas.ts';
import { INTENTS, INTENT_KINDS } from './intent-definitions.ts';
import type { IntentKind } from './intent-definitions.ts';

type IntentObjectSchema = {
  [K in IntentKind]: z.ZodObject<
    { id: typeof IdSchema; kind: z.ZodLiteral<K>; args: (typeof INTENTS)[K]['args']; occurred_at: typeof DeviceTimeSchema },
    z.core.$strict
  >;
}[IntentKind];

/**
 * A discriminated union on `kind`, one strict object per kind. (Mapping over
 * the kinds loses the tuple type zod wants; each element is its kind's object.)
 */
export const IntentSchema = z.discriminatedUnion('kind', INTENT_KINDS.map(intentObjectOf) as [IntentObjectSchema, ...IntentObjectSchema[]]);
export type Intent = z.infer<typeof IntentSchema>;
/** The intent of one kind, e.g. `IntentOf<'task.set_status'>`. */
export type IntentOf<K extends IntentKind> = Extract<Intent, { readonly kind: K }>;

/** How many schema issues an INVALID_INTENT error lists, so a hostile intent cannot make a huge reply. */
export const MAX_REPORTED_ISSUES = 5;

/**
 * Parses one intent and never throws: a malformed intent is an
 * INVALID_INTENT error naming what is wrong, which the push route records
 * as that intent's rejected outcome while the rest of the batch goes on.
 */
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

function intentObjectOf<K extends IntentKind>(kind: K) {
  return z.strictObject({ id: IdSchema, kind: z.literal(kind), args: INTENTS[kind].args, occurred_at: DeviceTimeSchema });
}
