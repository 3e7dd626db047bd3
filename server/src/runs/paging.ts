/**
 * Query-string paging shared by the list routes of seed 001 (sessions,
 * SOPs, audit): `limit` 1..100 (default 20) and `offset` ≥ 0 (default 0).
 *
 * Invariants:
 * 1. Only plain decimal digits are numbers: "1e2", "0x10", " 5", "-1" and
 *    "" are 400 INVALID_INPUT, never silently coerced.
 * 2. Parsed values are safe integers, so Postgres never sees a value it
 *    would refuse (no 5xx from a huge offset).
 */
import { z } from '@hono/zod-openapi';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export const LimitQuerySchema = wholeNumber(1, MAX_LIMIT)
  .default(DEFAULT_LIMIT)
  .openapi({ param: { name: 'limit', in: 'query' }, description: `1..${MAX_LIMIT}, default ${DEFAULT_LIMIT}` });

export const OffsetQuerySchema = wholeNumber(0, Number.MAX_SAFE_INTEGER)
  .default(0)
  .openapi({ param: { name: 'offset', in: 'query' }, description: 'Rows to skip, default 0' });

/** `{limit, offset}` to spread into a route's query schema. */
export const PAGING_QUERY = { limit: LimitQuerySchema, offset: OffsetQuerySchema } as const;

export interface Paging {
  readonly limit: number;
  readonly offset: number;
}

/** A whole number in a query string, min..max (invariant 1). */
export function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}
