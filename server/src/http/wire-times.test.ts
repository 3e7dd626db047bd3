import { describe, expect, test } from 'vitest';
import { wireTimes } from './wire-times.ts';

const T = Date.UTC(2026, 0, 16, 12, 0, 0);

describe('wire times', () => {
  test('epoch ms under *_at keys become ISO-8601 UTC with Z', () => {
    expect(wireTimes({ locked_at: T, completed_at: null, locked_by: 'sup' })).toEqual({
      locked_at: '2026-01-16T12:00:00.000Z',
      completed_at: null,
      locked_by: 'sup',
    });
  });

  test('nested objects and arrays are converted, other numbers are kept', () => {
    const input = { added: [{ checked_at: T, sop_version: 2 }], start_time: T + 1000, count: T };
    expect(wireTimes(input)).toEqual({
      added: [{ checked_at: '2026-01-16T12:00:00.000Z', sop_version: 2 }],
      start_time: '2026-01-16T12:00:01.000Z',
      count: T,
    });
  });

  test('the input is not mutated and scalars pass through', () => {
    const input = { updated_at: T };
    wireTimes(input);
    expect(input).toEqual({ updated_at: T });
    expect(wireTimes(null)).toBeNull();
    expect(wireTimes('x')).toBe('x');
    expect(wireTimes({ at: 'already text' })).toEqual({ at: 'already text' });
  });
});
