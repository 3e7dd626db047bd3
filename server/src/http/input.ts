/**
 * What routes accept, in one place: ids, text, device times and paging.
 *
 * Each rule is at least as strict as the intent a route turns its input into
 * (shared intent-args.ts: the same length limits), so bad input is a 400
 * INVALID_INPUT at the door and never an INVALID_INTENT from deeper down.
 * Strings refuse what Postgres cannot store (NUL, lone surrogates), so bad
 * input is never a 5xx. Query numbers are plain decimal digits: "1e2",
 * "0x10", " 5", "-1" and "" are refused, never coerced, and parse to safe
 * integers Postgres accepts.
 */
import { z } from '@hono/zod-openapi';
import { MAX_ID_LENGTH, MAX_NOTES_LENGTH, MAX_REASON_LENGTH, MAX_TITLE_LENGTH } from '@stint/shared';
import { isStorableText } from '../db/sql.ts';

const UNSTORABLE = 'must not contain NUL characters or lone surrogates';

/** Free text of at most `max` characters, trimmed, not empty. */
export function textSchema(max: number) {
  return z.string().trim().min(1).max(max).refine(isStorableText, UNSTORABLE);
}

/** A client-made id (clients create ids offline): letters, digits and . _ : @ -, as long as an intent allows. */
export const IdSchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain only letters, digits and . _ : @ -')
  .openapi({ example: '0195f3a2-7c1e-7b8a-9f00-1a2b3c4d5e6f' });

/** `{id}` path parameter. */
export const IdParamSchema = z.object({
  id: IdSchema.openapi({ param: { name: 'id', in: 'path' } }),
});

/** `{userId}` path parameter. */
export const UserIdParamSchema = z.object({
  userId: IdSchema.openapi({ param: { name: 'userId', in: 'path' } }),
});

export const MAX_NAME_LENGTH = 200;
/** A person's name. */
export const NameInputSchema = textSchema(MAX_NAME_LENGTH);
/** A task, checklist item, SOP or step title as people type it. */
export const TitleInputSchema = textSchema(MAX_TITLE_LENGTH);
/** A supervisor's reason (an override, an approval). */
export const ReasonInputSchema = textSchema(MAX_REASON_LENGTH);
/** A worker's notes on a check: kept as written (blank is allowed), bounded like the intent's. */
export const NotesInputSchema = z.string().max(MAX_NOTES_LENGTH).refine(isStorableText, UNSTORABLE);

/**
 * A time a device writes (`until`, `alive_since`, `from`, `to`, a booking's
 * start and end): ISO-8601 with `Z` or a numeric offset, never a bare local
 * time. Shared's DeviceTimeSchema rebuilt with the server's zod, whose
 * schemas take OpenAPI metadata (input.test.ts holds the two together).
 */
export const DeviceTimeInputSchema = z.iso.datetime({ offset: true }).max(64);

/** A PATCH body must name at least one field to change. */
export function atLeastOneField(value: Readonly<Record<string, unknown>>): boolean {
  return Object.values(value).some((field) => field !== undefined);
}

/** A whole number in a query string, min..max: decimal digits only. */
export function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `limit`, 1..MAX_PAGE_SIZE; a list whose rows are small may default to a longer page. */
export function limitQuery(defaultLimit: number = DEFAULT_PAGE_SIZE) {
  return wholeNumber(1, MAX_PAGE_SIZE)
    .default(defaultLimit)
    .openapi({ param: { name: 'limit', in: 'query' }, description: `1..${MAX_PAGE_SIZE}, default ${defaultLimit}` });
}

export const OffsetQuerySchema = wholeNumber(0, Number.MAX_SAFE_INTEGER)
  .default(0)
  .openapi({ param: { name: 'offset', in: 'query' }, description: 'Rows to skip, default 0' });

/** `{limit, offset}` to spread into a list route's query schema. */
export const PAGING_QUERY = { limit: limitQuery(), offset: OffsetQuerySchema } as const;

export interface Paging {
  readonly limit: number;
  readonly offset: number;
}
