/**
 * The keyset cursor of the work-session history: where a page ended, as the
 * opaque text a client hands back for the next page (`next_cursor`).
 *
 * Invariants:
 *  1. The cursor is the last row's sort key (started_at, id), so a page
 *     never repeats or skips a row, however many sessions start meanwhile.
 *  2. Only text this module wrote decodes: base64url of `[started_at_ms, id]`
 *     in its canonical form. Anything else is null (the route answers 400),
 *     never a value Postgres would refuse (a time out of range, NUL in text).
 */
import type { Millis } from '@stint/shared';
import { isStorableText } from '../db/sql.ts';

export interface WorkSessionKey {
  readonly started_at: Millis;
  readonly id: string;
}

/** Longest cursor text accepted: an id of the longest kind plus a timestamp, base64url-encoded, with room to spare. */
export const MAX_CURSOR_LENGTH = 1_024;
/** The range of a JavaScript Date (and inside Postgres timestamptz's). */
const MAX_TIME_MS = 8.64e15;

export function encodeCursor(key: WorkSessionKey): string {
  return Buffer.from(JSON.stringify([key.started_at, key.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): WorkSessionKey | null {
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH) return null;
  const bytes = Buffer.from(text, 'base64url');
  // Node's decoder skips characters it does not know; only our own encoding round-trips.
  if (bytes.toString('base64url') !== text) return null;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [startedAt, id] = value as unknown[];
  if (typeof startedAt !== 'number' || !Number.isSafeInteger(startedAt) || Math.abs(startedAt) > MAX_TIME_MS) return null;
  if (typeof id !== 'string' || id.length === 0 || !isStorableText(id)) return null;
  return { started_at: startedAt, id };
}
