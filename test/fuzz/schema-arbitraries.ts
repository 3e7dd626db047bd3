/**
 * fast-check arbitraries read off a document schema: valid values (the
 * requests a fuzz run starts from), and for one spot of a value, values the
 * schema refuses (what it corrupts that spot with).
 *
 * Invariants:
 * 1. `validValue(schema)` only yields values `conforms` accepts (checked in
 *    schema-arbitraries.test.ts), and draws ids from the pool of existing
 *    entities most of the time, so corrupted requests also hit real rows.
 * 2. `invalidValues(schema, current)` only yields values `conforms` refuses:
 *    every candidate is filtered through the oracle, never assumed invalid.
 * 3. Values JSON.stringify cannot build (1e999, 10,000-deep nesting) are
 *    `Raw` JSON text (json-text.ts); the oracle parses them once and caches
 *    its verdict.
 */
import fc from 'fast-check';
import { conforms } from './json-schema-check.ts';
import { DEEP_ARRAY, DEEP_OBJECT, Raw } from './json-text.ts';
import { typesOf } from './openapi-model.ts';
import type { JsonSchema } from './openapi-model.ts';

/** A valid value of the schema (invariant 1). Memoised: building a regex arbitrary costs far more than drawing from it. */
export function validValue(schema: JsonSchema, pool: readonly string[]): fc.Arbitrary<unknown> {
  let byPool = memo.get(schema);
  if (byPool === undefined) memo.set(schema, (byPool = new WeakMap()));
  let arbitrary = byPool.get(pool);
  if (arbitrary === undefined) byPool.set(pool, (arbitrary = buildValid(schema, pool)));
  return arbitrary;
}

const memo = new WeakMap<JsonSchema, WeakMap<readonly string[], fc.Arbitrary<unknown>>>();

function buildValid(schema: JsonSchema, pool: readonly string[]): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const types = typesOf(schema);
  if (types === 'any') return fc.jsonValue({ maxDepth: 2 });
  const concrete = types.filter((type) => type !== 'null');
  return fc.oneof(...(concrete.length === 0 ? ['null' as const] : concrete).map((type) => valueOfType(type, schema, pool)));
}

/** Values the schema refuses, for a spot that now holds `current` (invariant 2). */
export function invalidValues(schema: JsonSchema, current: unknown): unknown[] {
  const candidates: unknown[] = [
    ...WRONG_TYPES,
    ...stringCorruptions(schema),
    ...numberCorruptions(schema),
    ...containerCorruptions(schema, current),
  ];
  return candidates.filter((value) => !conformsWithRaw(schema, value));
}

/** Strings the schema refuses: the corruptions of a path or query parameter. */
export function invalidStrings(schema: JsonSchema): string[] {
  return [...new Set([...GENERIC_BAD_STRINGS, ...stringCorruptions(schema)])].filter(
    (value): value is string => typeof value === 'string' && !conforms(schema, value),
  );
}

export function conformsWithRaw(schema: JsonSchema, value: unknown): boolean {
  if (!(value instanceof Raw)) return conforms(schema, value);
  // Parsing 10,000-deep text for every spot of every sample would dominate the run: cache the verdict.
  let verdicts = rawVerdicts.get(value);
  if (verdicts === undefined) rawVerdicts.set(value, (verdicts = new Map()));
  let verdict = verdicts.get(schema);
  if (verdict === undefined) {
    try {
      verdict = conforms(schema, JSON.parse(value.text));
    } catch {
      verdict = false;
    }
    verdicts.set(schema, verdict);
  }
  return verdict;
}

const rawVerdicts = new WeakMap<Raw, Map<JsonSchema, boolean>>();

/**
 * Text Postgres cannot hold as sent: NUL, and lone surrogates (jsonb refuses
 * them, text columns turn them into U+FFFD). Swept field by field by the
 * route and push fuzzers rather than drawn at random: a finding here must
 * fail every run, not one in three.
 */
export const UNREPRESENTABLE_STRINGS: readonly string[] = ['a\u0000b', 'a\uDC00b', '\uD800'];

const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  42,
  1.5,
  'text',
  '',
  [],
  ['a', 1],
  {},
  { unexpected: 'value' },
  new Raw('1e999'),
  new Raw('-1e999'),
  1e308,
  -1e308,
  2 ** 64,
  DEEP_ARRAY,
  DEEP_OBJECT,
];

/** Strings no id, enum or bounded text accepts: empty, blank, huge, NUL, unicode, path and SQL tricks. */
const GENERIC_BAD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n',
  'x'.repeat(10_240),
  'a\u0000b',
  '\u0000',
  '☃',
  'é',
  '😀',
  '\u202Eabc',
  'a b',
  'a/b',
  'a?b=c',
  'a#b',
  'a%b',
  "x'; DROP TABLE tasks; --",
  '<script>alert(1)</script>',
];

function stringCorruptions(schema: JsonSchema): unknown[] {
  const out: unknown[] = [...GENERIC_BAD_STRINGS];
  if (schema.maxLength !== undefined) out.push('x'.repeat(schema.maxLength + 1), 'y'.repeat(schema.maxLength * 2 + 7));
  if (schema.format === 'date-time') {
    out.push('not-a-date', '2026-13-01T00:00:00Z', '2026-02-30T10:00:00Z', '2026-01-16 12:00:00', '2026-01-16T12:00:00', '2026-01-16', '12:00:00Z', '2026-01-16T25:00:00Z');
  }
  if (schema.enum !== undefined) {
    for (const option of schema.enum) {
      if (typeof option === 'string') out.push(option.toUpperCase(), `${option} `, `${option}x`);
      if (typeof option === 'number') out.push(String(option), option + 0.5, -option, option * 1000);
    }
    out.push('bogus', 0, 5, -1, 2.5);
  }
  return out;
}

function numberCorruptions(schema: JsonSchema): unknown[] {
  const types = typesOf(schema);
  if (types === 'any' || !types.some((type) => type === 'integer' || type === 'number')) return [];
  const out: unknown[] = ['1', '1.5', 0.5, Number.MAX_SAFE_INTEGER + 2];
  if (schema.minimum !== undefined) out.push(schema.minimum - 1, schema.minimum - 0.5, -1e12);
  if (schema.maximum !== undefined) out.push(schema.maximum + 1, schema.maximum + 0.5, 1e12);
  return out;
}

function containerCorruptions(schema: JsonSchema, current: unknown): unknown[] {
  const out: unknown[] = [[current], [null]];
  if (schema.maxItems !== undefined) {
    const first = Array.isArray(current) && current.length > 0 ? current[0] : null;
    out.push(Array.from({ length: schema.maxItems + 1 }, () => first));
  }
  if (schema.minItems !== undefined && schema.minItems > 0) out.push([]);
  return out;
}

function valueOfType(type: string, schema: JsonSchema, pool: readonly string[]): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return validString(schema, pool);
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, -1000), max: Math.min(schema.maximum ?? 1000, 1000) });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items ?? {};
      return fc.array(validValue(items, pool), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const arbs = Object.fromEntries(Object.entries(properties).map(([name, field]) => [name, validValue(field, pool)]));
      return fc.record(arbs, { requiredKeys: (schema.required ?? []).filter((name) => name in arbs) });
    }
    default:
      throw new Error(`no valid values for type ${type}`);
  }
}

function validString(schema: JsonSchema, pool: readonly string[]): fc.Arbitrary<string> {
  const accepts = (value: string) => conforms(schema, value);
  if (schema.format === 'date-time') {
    return fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms).toISOString());
  }
  const min = Math.max(schema.minLength ?? 0, 0);
  const max = Math.max(min, Math.min(schema.maxLength ?? 24, 24));
  const fresh =
    schema.pattern === undefined
      ? fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: Math.max(min, 1), maxLength: Math.max(max, 1) })
      : // xsmall: unbounded quantifiers (`+`) otherwise draw long strings the length filter keeps refusing.
        fc.stringMatching(new RegExp(schema.pattern, 'u'), { size: 'xsmall' }).filter((value) => value.length <= max);
  // "." and ".." are ids by the pattern, but a URL normalises them away as path segments.
  const known = pool.filter(accepts);
  const fromPool = known.length === 0 ? [] : [{ weight: 3, arbitrary: fc.constantFrom(...known) }];
  return fc.oneof(...fromPool, { weight: 1, arbitrary: fresh.filter((value) => accepts(value) && !/^\.+$/.test(value)) });
}
