/**
 * Times on the wire: every timestamp a route answers is ISO-8601 UTC with Z
 * (API.md "Conventions"), while shared's rows hold epoch ms.
 *
 * `wireTimes` converts rows stored inside JSON (audit old/new values) by
 * name: only a finite number under a key ending in `_at` (or named
 * `start_time` / `end_time`) becomes a time; every other value is kept, nested
 * objects and arrays are walked, and the input is never mutated.
 */
import { z } from '@hono/zod-openapi';
import { toIso } from '@stint/shared';
import type { Millis } from '@stint/shared';

/** ISO-8601 UTC with Z, as every timestamp leaves the server. */
export const IsoTimeSchema = z.iso.datetime().openapi({ example: '2026-01-16T12:00:00.000Z' });

export function isoOrNull(ms: Millis | null): string | null {
  return ms === null ? null : toIso(ms);
}

export function wireTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wireTimes);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = isTimeKey(key) && typeof field === 'number' && Number.isFinite(field) ? toIso(field) : wireTimes(field);
  }
  return out;
}

function isTimeKey(key: string): boolean {
  return key.endsWith('_at') || key === 'start_time' || key === 'end_time';
}
