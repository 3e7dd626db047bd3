import { DeviceTimeSchema, IdSchema as IntentIdSchema, MAX_ID_LENGTH } from '@stint/shared';
import { describe, expect, test } from 'vitest';
import { DeviceTimeInputSchema, IdSchema, PAGING_QUERY, limitQuery } from './input.ts';

describe('device time input', () => {
  test.each([
    '2026-01-16T12:00:00Z',
    '2026-01-16T12:00:00.123Z',
    '2026-01-16T13:00:00+01:00',
    '2026-01-16T12:00Z',
    '2026-01-16T12:00:00',
    '2026-01-16',
    'yesterday',
    '',
    `2026-01-16T12:00:00.${'1'.repeat(60)}Z`,
  ])('%s: the route and the intent agree', (value) => {
    expect(DeviceTimeInputSchema.safeParse(value).success).toBe(DeviceTimeSchema.safeParse(value).success);
  });
});

describe('id input', () => {
  test.each([1, MAX_ID_LENGTH, MAX_ID_LENGTH + 1, 200])('an id of %i characters: the route and the intent agree', (length) => {
    const id = 'x'.repeat(length);
    expect(IdSchema.safeParse(id).success).toBe(IntentIdSchema.safeParse(id).success);
  });

  test.each(['a b', 'a/b', 'ä', 'a\u0000b'])('%j is refused at the door', (id) => {
    expect(IdSchema.safeParse(id).success).toBe(false);
  });
});

describe('paging', () => {
  test.each(['1e2', '0x10', ' 5', '5 ', '-1', '', '+5', '5.0', '0', '101', '99999999999999999'])('limit %j is refused, never coerced', (value) => {
    expect(PAGING_QUERY.limit.safeParse(value).success).toBe(false);
  });

  test.each(['1e2', '0x10', '-1', '', ' 0'])('offset %j is refused', (value) => {
    expect(PAGING_QUERY.offset.safeParse(value).success).toBe(false);
  });

  test('limits of 1 and 100 and an offset up to the largest safe integer parse to numbers; absent ones take the defaults', () => {
    expect(PAGING_QUERY.limit.parse('1')).toBe(1);
    expect(PAGING_QUERY.limit.parse('100')).toBe(100);
    expect(PAGING_QUERY.offset.parse(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(PAGING_QUERY.limit.parse(undefined)).toBe(20);
    expect(PAGING_QUERY.offset.parse(undefined)).toBe(0);
    expect(limitQuery(50).parse(undefined)).toBe(50);
  });
});
