import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeCursor, encodeCursor } from './work-session-cursor.ts';

describe('work-session cursor', () => {
  test('every key it writes reads back as the same key, in URL-safe text', () => {
    const id = fc.string({ minLength: 1, maxLength: 128, unit: 'grapheme' }).filter((s) => !s.includes('\u0000'));
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), id, (started_at, sessionId) => {
        const text = encodeCursor({ started_at, id: sessionId });
        expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(text)).toEqual({ started_at, id: sessionId });
      }),
    );
  });

  const of = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  test.each([
    ['empty text', ''],
    ['text its encoder never writes', 'abc'],
    ['padding', `${of([1, 'x'])}=`],
    ['not JSON', Buffer.from('[1,').toString('base64url')],
    ['an object', of({ started_at: 1, id: 'x' })],
    ['one element', of([1])],
    ['three elements', of([1, 'x', 2])],
    ['a fractional time', of([1.5, 'x'])],
    ['a time out of range', of([8.64e15 + 1, 'x'])],
    ['a time as text', of(['1', 'x'])],
    ['an empty id', of([1, ''])],
    ['a numeric id', of([1, 2])],
    ['NUL in the id', of([1, 'a\u0000'])],
    ['over the length limit', of([1, 'x'.repeat(2_000)])],
  ])('%s does not decode', (_what, text) => {
    expect(decodeCursor(text)).toBeNull();
  });
});
