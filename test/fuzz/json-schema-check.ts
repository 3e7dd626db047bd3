/**
 * Whether a JSON value conforms to a (resolved) schema of the OpenAPI
 * document: the fuzzers' oracle for "this input is invalid". A corrupted
 * request is only sent when the document itself says it is invalid, so a
 * 2xx answer is the server's fault, never a generator slip.
 *
 * Invariants:
 * 1. JSON Schema semantics: lengths count code points, patterns are
 *    ECMAScript regexes, an object without `additionalProperties: false`
 *    admits unknown keys, `integer` is a number with no fraction.
 * 2. Non-finite numbers (a `1e999` literal parses to Infinity) conform to
 *    no numeric type: JSON has no such number.
 * 3. `format: date-time` is RFC 3339 with a zone (`Z` or ±hh:mm), as the
 *    server's zod `iso.datetime` schemas require.
 * 4. A string holding U+0000 or a lone surrogate conforms to nothing:
 *    Postgres cannot store the first, and the second is not Unicode text
 *    (RFC 8259 §8.2; jsonb refuses it, text columns silently turn it into
 *    U+FFFD). The document cannot express either rule.
 */
import { jsonTypeOf, typesOf } from './openapi-model.ts';
import type { JsonSchema, JsonType } from './openapi-model.ts';

export function conforms(schema: JsonSchema, value: unknown): boolean {
  if (schema.enum !== undefined && !schema.enum.some((option) => sameJson(option, value))) return false;
  const types = typesOf(schema);
  // Unconstrained content (Zero's protocol bodies) is the handler's business, NUL included.
  if (types === 'any') return true;
  if (!types.some((type) => hasType(type, value))) return false;
  if (typeof value === 'string') return stringConforms(schema, value);
  if (typeof value === 'number') return numberConforms(schema, value);
  if (Array.isArray(value)) return arrayConforms(schema, value);
  if (value !== null && typeof value === 'object') return objectConforms(schema, value as Record<string, unknown>);
  return true;
}

/** RFC 3339 date-time with a zone (invariant 3), calendar-checked. */
export function isDateTime(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (match === null) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const zoneOk = match[8] === 'Z' || (Number(match[9]) <= 23 && Number(match[10]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && zoneOk;
}

/** Not well-formed UTF-16 (String.prototype.isWellFormed is ES2024, past this tsconfig's lib). */
export function hasLoneSurrogate(value: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

function hasType(type: JsonType, value: unknown): boolean {
  const actual = jsonTypeOf(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return false;
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

function stringConforms(schema: JsonSchema, value: string): boolean {
  if (value.includes('\u0000') || hasLoneSurrogate(value)) return false;
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) return false;
  if (schema.maxLength !== undefined && length > schema.maxLength) return false;
  if (schema.pattern !== undefined && !patternOf(schema.pattern).test(value)) return false;
  if (schema.format === 'date-time' && !isDateTime(value)) return false;
  return true;
}

function numberConforms(schema: JsonSchema, value: number): boolean {
  if (schema.minimum !== undefined && value < schema.minimum) return false;
  if (schema.maximum !== undefined && value > schema.maximum) return false;
  return true;
}

function arrayConforms(schema: JsonSchema, value: readonly unknown[]): boolean {
  if (schema.minItems !== undefined && value.length < schema.minItems) return false;
  if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
  const items = schema.items;
  return items === undefined || value.every((item) => conforms(items, item));
}

function objectConforms(schema: JsonSchema, value: Readonly<Record<string, unknown>>): boolean {
  const properties = schema.properties ?? {};
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name) || value[name] === undefined) return false;
  }
  for (const [name, field] of Object.entries(value)) {
    const declared = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (declared !== undefined) {
      if (!conforms(declared, field)) return false;
    } else if (schema.additionalProperties === false) {
      return false;
    } else if (typeof schema.additionalProperties === 'object' && !conforms(schema.additionalProperties, field)) {
      return false;
    }
  }
  return true;
}

const patterns = new Map<string, RegExp>();

function patternOf(source: string): RegExp {
  let regex = patterns.get(source);
  if (regex === undefined) {
    regex = new RegExp(source, 'u');
    patterns.set(source, regex);
  }
  return regex;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}
