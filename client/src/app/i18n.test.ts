import { describe, expect, test } from 'vitest';
import { createI18n, resources } from './i18n.ts';

function leavesOf(value: unknown, prefix = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, inner]) => leavesOf(inner, prefix === '' ? key : `${prefix}/${key}`));
}

function keysOf(value: unknown): string[] {
  return leavesOf(value).map(([key]) => key);
}

describe('translations', () => {
  for (const ns of Object.keys(resources.en) as (keyof typeof resources.en)[]) {
    test(`Spanish has exactly the English keys of namespace ${ns}`, () => {
      expect(keysOf(resources.es[ns]).sort()).toEqual(keysOf(resources.en[ns]).sort());
    });
  }

  test('no string is empty in either language', () => {
    for (const lng of ['en', 'es'] as const) {
      const empty = Object.entries(resources[lng]).flatMap(([ns, strings]) =>
        leavesOf(strings)
          .filter(([, text]) => typeof text !== 'string' || text.trim() === '')
          .map(([key]) => `${ns}:${key}`),
      );
      expect(empty).toEqual([]);
    }
  });

  test('plurals and interpolation work in both languages', async () => {
    const en = await createI18n({ lng: 'en' });
    const es = await createI18n({ lng: 'es' });
    expect(en.t('sync.pending', { count: 1 })).toBe('1 change waiting');
    expect(en.t('sync.pending', { count: 3 })).toBe('3 changes waiting');
    expect(es.t('sync.pending', { count: 3 })).toBe('3 cambios en espera');
    expect(es.t('hint.CONFLICT_CLAIMED')).toMatch(/^Otra persona tiene esta tarea/);
  });
});
