/**
 * Input schemas every route shares. Strings that reach Postgres refuse NUL
 * (Postgres text cannot hold it), so bad input is a 400 and never a 5xx.
 */
import { z } from '@hono/zod-openapi';
import { toIso } from '@stint/shared';
import type { Millis } from '@stint/shared';
import { isStorableText } from '../db/sql.ts';


/** Free text of at most `max` characters, trimmed, not empty. */
export function textSchema(max: number) {
  return z.string().trim().min(1).max(max).refine(isStorableText, 'must not contain NUL characters or lone surrogates');
}

/** A client-supplied id (clients create ids offline): letters, digits and . _ : @ -. */
export const IdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain only letters, digits and . _ : @ -')
  .openapi({ example: '0195f3a2-7c1e-7b8a-9f00-1a2b3c4d5e6f' });

/** `:id` path parameter. */
export const IdParamSchema = z.object({
  id: IdSchema.openapi({ param: { name: 'id', in: 'path' } }),
});

/** ISO-8601 UTC with Z, as every timestamp leaves the server. */
export const IsoTimeSchema = z.iso.datetime().openapi({ example: '2026-01-16T12:00:00.000Z' });

export function isoOrNull(ms: Millis | null): string | null {
  return ms === null ? null : toIso(ms);
}
