/**
 * The audit log (`GET /api/v1/audit?entity_id=`, API.md), read
 * over REST because audit_log is not synced through Zero. The body is
 * decoded with a zod schema before anything renders it.
 *
 * Invariants:
 *  1. Every answer becomes exactly one `AuditLoad`: entries, offline (no
 *     network: "needs a connection", never an error), failed (the server's
 *     error body, with its HTTP status), or malformed (a body the schema
 *     refuses; nothing of it is shown).
 *  2. An empty filter asks for everything (the route refuses `entity_id=`);
 *     a filter is trimmed and sent URL-encoded.
 *  3. Entries keep the server's order (newest first).
 */
import { AuditSource } from '@stint/shared';
import type { Millis, UserRow } from '@stint/shared';
import { z } from 'zod';
import { PayloadError, describe } from '../payload.ts';

/** The route's page limit; the view asks for a full page. */
export const AUDIT_LIMIT = 100;

export const AuditEntrySchema = z.object({
  id: z.string().min(1),
  at: z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
  actor_id: z.string().nullable(),
  device_id: z.string().nullable(),
  source: z.enum(AuditSource),
  entity: z.string(),
  entity_id: z.string().min(1),
  action: z.string().min(1),
  old_value: z.unknown(),
  new_value: z.unknown(),
  reason: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditResponseSchema = z.object({ data: z.array(AuditEntrySchema) });
const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type AuditLoad =
  | { readonly kind: 'entries'; readonly entries: readonly AuditEntry[] }
  | { readonly kind: 'offline' }
  | { readonly kind: 'failed'; readonly status: number; readonly code: string; readonly message: string }
  | { readonly kind: 'malformed'; readonly reason: string };

export function auditUrl(entityId: string): string {
  const filter = entityId.trim();
  const params = new URLSearchParams({ limit: String(AUDIT_LIMIT) });
  if (filter !== '') params.set('entity_id', filter);
  return `/api/v1/audit?${params.toString()}`;
}

/** The entries of a 200 body; a body the schema refuses throws PayloadError. */
export function decodeAuditResponse(raw: unknown): AuditEntry[] {
  const parsed = AuditResponseSchema.safeParse(raw);
  if (!parsed.success) throw new PayloadError(`audit: ${describe(parsed.error)}`);
  return parsed.data.data;
}

/** Turns an HTTP exchange into an AuditLoad (invariant 1). `online` is the browser's navigator.onLine. */
export async function loadAudit(
  fetchFn: (url: string, init: RequestInit) => Promise<Response>,
  token: string,
  entityId: string,
  online: boolean,
): Promise<AuditLoad> {
  if (!online) return { kind: 'offline' };
  let response: Response;
  try {
    response = await fetchFn(auditUrl(entityId), { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  } catch {
    // fetch rejects only when no answer came back: no network, or the server is unreachable.
    return { kind: 'offline' };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return response.ok ? { kind: 'malformed', reason: 'not JSON' } : { kind: 'failed', status: response.status, code: 'HTTP', message: response.statusText };
  }
  if (!response.ok) {
    const error = ErrorBodySchema.safeParse(body);
    return error.success
      ? { kind: 'failed', status: response.status, code: error.data.error.code, message: error.data.error.message }
      : { kind: 'failed', status: response.status, code: 'HTTP', message: response.statusText };
  }
  try {
    return { kind: 'entries', entries: decodeAuditResponse(body) };
  } catch (err) {
    return { kind: 'malformed', reason: err instanceof Error ? err.message : String(err) };
  }
}

/** One row of the table as shown. */
export interface AuditLine {
  readonly id: string;
  readonly at: Millis;
  /** The actor's name, their id when unknown, null for the system (scheduler, cron). */
  readonly actor: string | null;
  readonly source: AuditSource;
  readonly entity: string;
  readonly entityId: string;
  readonly action: string;
  /** `field: old → new` per changed field. */
  readonly changes: readonly string[];
  readonly reason: string | null;
}

export function auditLines(entries: readonly AuditEntry[], users: ReadonlyMap<string, UserRow>): AuditLine[] {
  return entries.map((e) => ({
    id: e.id,
    at: e.at,
    actor: e.actor_id === null ? null : (users.get(e.actor_id)?.name ?? e.actor_id),
    source: e.source,
    entity: e.entity,
    entityId: e.entity_id,
    action: e.action,
    changes: changeLines(e.old_value, e.new_value),
    reason: e.reason,
  }));
}

/** Field-by-field `key: old → new` for two objects; otherwise one `old → new` line (nothing when both are empty). */
export function changeLines(oldValue: unknown, newValue: unknown): string[] {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if ((isRecord(oldValue) || oldValue == null) && (isRecord(newValue) || newValue == null) && (isRecord(oldValue) || isRecord(newValue))) {
    const before = isRecord(oldValue) ? oldValue : {};
    const after = isRecord(newValue) ? newValue : {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.map((key) => `${key}: ${show(before[key])} → ${show(after[key])}`);
  }
  if (oldValue == null && newValue == null) return [];
  return [`${show(oldValue)} → ${show(newValue)}`];
}

function show(value: unknown): string {
  return value === undefined ? '–' : JSON.stringify(value);
}
