import { describe, expect, test } from 'vitest';
import { DomainError, ERROR_CODES, HTTP_STATUS, domainError, isDomainError } from './errors.ts';

describe('domain errors', () => {
  test.each(ERROR_CODES)('%s maps to a 4xx or 5xx status', (code) => {
    expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(HTTP_STATUS[code]).toBeLessThan(600);
  });

  test('codes are SCREAMING_SNAKE and unique', () => {
    for (const code of ERROR_CODES) expect(code).toMatch(/^[A-Z][A-Z_]*[A-Z]$/);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  test('a domain error serialises to the wire shape', () => {
    const error = domainError('CONFLICT_CLAIMED', 'Task is claimed by someone else', { claimed_by: 'u2' });
    expect(isDomainError(error)).toBe(true);
    expect(error).toBeInstanceOf(DomainError);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'CONFLICT_CLAIMED',
      message: 'Task is claimed by someone else',
      details: { claimed_by: 'u2' },
    });
  });
});
