import { DeviceTimeSchema } from '@stint/shared';
import { describe, expect, test } from 'vitest';
import { DeviceTimeInputSchema } from './device-time-input.ts';

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
