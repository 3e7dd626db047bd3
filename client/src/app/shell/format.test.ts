import { describe, expect, test } from 'vitest';
import { createI18n } from '../i18n.ts';
import { formatAge, formatDuration, formatMoment } from './format.ts';

describe('formatDuration', () => {
  test.each([
    [0, '0:00'],
    [59_999, '0:59'],
    [125_000, '2:05'],
    [3_725_000, '1:02:05'],
    [-5_000, '0:00'],
    [36_000_000, '10:00:00'],
  ])('%i ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('formatAge', () => {
  test('picks the largest whole unit, in the chosen language', async () => {
    const en = await createI18n({ lng: 'en' });
    const es = await createI18n({ lng: 'es' });
    const now = 10_000_000;
    expect(formatAge(en.t, now - 12_000, now)).toBe('12 s ago');
    expect(formatAge(en.t, now - 185_000, now)).toBe('3 min ago');
    expect(formatAge(es.t, now - 2 * 3_600_000, now)).toBe('hace 2 h');
    expect(formatAge(en.t, now - 3 * 86_400_000, now)).toBe('3 d ago');
    expect(formatAge(en.t, now + 5_000, now)).toBe('0 s ago');
  });
});

describe('formatMoment', () => {
  const at = Date.parse('2025-03-10T09:02:00Z');
  test('the time of day for a moment of the same local day', () => {
    expect(formatMoment(at, at + 3 * 3_600_000, 'en-GB', 'Europe/Madrid')).toBe('10:02');
    expect(formatMoment(at, at + 3 * 3_600_000, 'es', 'Europe/Madrid')).toBe('10:02');
  });

  test('the date too when it was another local day', () => {
    expect(formatMoment(at, at + 24 * 3_600_000, 'en-GB', 'Europe/Madrid')).toBe('10 Mar 2025, 10:02');
    // 23:30 in New York on the 9th is not "today" on the 10th there.
    expect(formatMoment(Date.parse('2025-03-10T03:30:00Z'), at, 'en-US', 'America/New_York')).toMatch(/^Mar 9, 2025/);
  });
});
