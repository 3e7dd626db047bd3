import { describe, expect, test } from 'vitest';
import { conforms, hasLoneSurrogate, isDateTime } from './json-schema-check.ts';
import type { JsonSchema } from './openapi-model.ts';

const ID: JsonSchema = { type: 'string', minLength: 1, maxLength: 8, pattern: '^[A-Za-z0-9._:@-]+$' };
const STATUS: JsonSchema = { type: 'integer', enum: [1, 2, 3, 4] };
const STRICT: JsonSchema = { type: 'object', properties: { id: ID, status: STATUS }, required: ['id'], additionalProperties: false };
const LOOSE: JsonSchema = { type: 'object', properties: { id: ID }, required: ['id'] };
const LIST: JsonSchema = { type: ['array', 'null'], items: ID, maxItems: 2 };

describe('conforms, the fuzzers\' oracle of "invalid per the document"', () => {
  test.each([
    ['an id', ID, 'task-1', true],
    ['an empty id', ID, '', false],
    ['an id over maxLength', ID, 'x'.repeat(9), false],
    ['an id outside the pattern', ID, 'a b', false],
    ['an id with NUL', ID, 'a\u0000b', false],
    ['text with NUL, though no pattern forbids it', { type: 'string' }, 'a\u0000b', false],
    ['text with a lone surrogate', { type: 'string' }, 'a\uD800', false],
    ['text with a surrogate pair (an emoji)', { type: 'string', maxLength: 1 }, '😀', true],
    ['a numeric status', STATUS, 2, true],
    ['a numeric status as a string', STATUS, '2', false],
    ['a fractional status', STATUS, 2.5, false],
    ['a whole number for an integer', { type: 'integer' }, 3, true],
    ['a fraction for an integer', { type: 'integer' }, 3.5, false],
    ['Infinity (a 1e999 literal) for a number', { type: 'number' }, Number.POSITIVE_INFINITY, false],
    ['a number below minimum', { type: 'integer', minimum: 1 }, 0, false],
    ['a strict object', STRICT, { id: 'a', status: 1 }, true],
    ['a strict object with an unknown key', STRICT, { id: 'a', extra: 1 }, false],
    ['a strict object missing a required key', STRICT, { status: 1 }, false],
    ['a loose object with an unknown key', LOOSE, { id: 'a', extra: 1 }, true],
    ['an array where an object is expected', STRICT, [{ id: 'a' }], false],
    ['null where the type admits it', LIST, null, true],
    ['an array over maxItems', LIST, ['a', 'b', 'c'], false],
    ['an array with a bad item', LIST, ['a', ''], false],
    ['anything for an unconstrained schema, NUL included', {}, { deep: ['a\u0000'] }, true],
  ] as const)('%s', (_what, schema, value, expected) => {
    expect(conforms(schema, value)).toBe(expected);
  });

  test.each([
    ['2026-01-16T12:00:00Z', true],
    ['2026-01-16T12:00:00.123+05:30', true],
    ['2024-02-29T00:00:00Z', true],
    ['2026-02-29T00:00:00Z', false],
    ['2026-02-30T10:00:00Z', false],
    ['2026-13-01T00:00:00Z', false],
    ['2026-01-16T12:00:00', false],
    ['2026-01-16 12:00:00Z', false],
    ['2026-01-16T25:00:00Z', false],
  ])('date-time %s is %s', (value, expected) => {
    expect(isDateTime(value)).toBe(expected);
  });

  test('a lone surrogate is told apart from a surrogate pair', () => {
    expect(hasLoneSurrogate('\uD83D\uDE00')).toBe(false);
    expect(hasLoneSurrogate('\uDE00\uD83D')).toBe(true);
    expect(hasLoneSurrogate('plain')).toBe(false);
  });
});
