/**
 * Corrupted single intents for the sync push fuzzer: a valid intent of one
 * kind (shared's example, its ids pointed at entities that exist) with one
 * thing broken — an arg missing, mistyped, oversized, NUL-bearing or
 * unknown; the args, kind or occurred_at wrong; an unknown key on the intent.
 *
 * Invariants:
 * 1. Every intent yielded is malformed by shared's own `parseIntent`, or
 *    carries a NUL character or a lone surrogate (valid to the schema,
 *    unstorable by Postgres; the server must still reject it as
 *    INVALID_INTENT). Checked by filtering, never assumed. Lone surrogates
 *    are swept one by one (`loneSurrogateIntents`), not drawn at random.
 * 2. The intent id is never corrupted: a bad id makes the whole batch
 *    malformed (a 400), which is the envelope fuzzer's business.
 */
import { parseIntent } from '@stint/shared';
import { EXAMPLE_ARGS } from '@stint/shared/testing';
import type { IntentKind } from '@stint/shared';
import { DEEP_ARRAY, Raw, preview, serialise } from './json-text.ts';

export interface CorruptedIntent {
  readonly intent: Readonly<Record<string, unknown>>;
  readonly corruption: string;
}

/** Example args of `kind` with their ids replaced through `ids` (example id → fixture id). */
export function exampleArgsFor(kind: IntentKind, ids: Readonly<Record<string, string>>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(EXAMPLE_ARGS[kind]), (_key, value: unknown) =>
    typeof value === 'string' && Object.hasOwn(ids, value) ? ids[value] : value,
  ) as Record<string, unknown>;
}

/** Corruptions of one intent (invariant 1), all with `id`; the caller gives each send its own id. */
export function corruptedIntents(kind: IntentKind, args: Readonly<Record<string, unknown>>, id: string, occurredAt: string): CorruptedIntent[] {
  const base = { id, kind, args, occurred_at: occurredAt };
  const out: CorruptedIntent[] = [];
  const add = (corruption: string, intent: Record<string, unknown>) => out.push({ corruption, intent });
  for (const [key, value] of Object.entries(args)) {
    add(`args without ${key}`, { ...base, args: omit(args, key) });
    for (const bad of BAD_VALUES) add(`args.${key} := ${preview(bad)}`, { ...base, args: { ...args, [key]: bad } });
    if (typeof value === 'string') add(`args.${key} with NUL`, { ...base, args: { ...args, [key]: `${value}\u0000` } });
  }
  add('args + unknown key', { ...base, args: { ...args, unexpected: 'surprise' } });
  for (const bad of [null, [], 'text', 42, DEEP_ARRAY, [args]]) add(`args := ${preview(bad)}`, { ...base, args: bad });
  for (const bad of ['task.nope', '', 42, null, kind.toUpperCase(), `${kind} `]) add(`kind := ${preview(bad)}`, { ...base, kind: bad });
  for (const bad of ['yesterday', '', 42, null, '2026-13-01T00:00:00Z', '2026-01-16T12:00:00', 'x'.repeat(100), new Raw('1e999')]) {
    add(`occurred_at := ${preview(bad)}`, { ...base, occurred_at: bad });
  }
  for (const key of ['kind', 'args', 'occurred_at']) add(`intent without ${key}`, omit(base, key));
  add('intent + unknown key', { ...base, unexpected: 'surprise' });
  return out.filter(({ intent }) => isMalformed(intent));
}

/**
 * The intent with a lone surrogate appended to one string of its args, one
 * variant per string (nested ones included): valid to shared's schema,
 * unstorable as jsonb, so the server must reject it as INVALID_INTENT like a
 * NUL (server/src/intents/execute.ts, invariant 6).
 */
export function loneSurrogateIntents(kind: IntentKind, args: Readonly<Record<string, unknown>>, id: string, occurredAt: string): CorruptedIntent[] {
  return stringPaths(args).map((path) => ({
    corruption: `args.${path.join('.')} with a lone surrogate`,
    intent: { id, kind, args: updateAt(args, path, (value) => `${String(value)}\uDC00`), occurred_at: occurredAt },
  }));
}

/** Invariant 1: what the server must reject as INVALID_INTENT. */
export function isMalformed(intent: unknown): boolean {
  // The JSON text, not a re-stringified value: JSON.stringify recurses, and DEEP_ARRAY is 10,000 levels deep.
  const text = serialise(intent);
  return !parseIntent(JSON.parse(text)).ok || text.includes('\\u0000') || /\\ud[89a-f]/i.test(text);
}

const BAD_VALUES: readonly unknown[] = [null, true, 42, -1, 1.5, '', '   ', 'x'.repeat(10_240), [], {}, ['a'], { a: 1 }, new Raw('1e999'), DEEP_ARRAY];

function stringPaths(value: unknown, path: readonly (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [[...path]];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringPaths(item, [...path, index]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...path, key]));
  return [];
}

function updateAt(value: unknown, path: readonly (string | number)[], update: (old: unknown) => unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return update(value);
  if (Array.isArray(value)) return value.map((item, index) => (index === head ? updateAt(item, rest, update) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [head]: updateAt(record[head], rest, update) };
}

function omit(record: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}
