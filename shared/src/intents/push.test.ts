import { describe, expect, expectTypeOf, test } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { parseIntent } from './intent.ts';
import { MAX_BATCH_SIZE, OutcomeSchema, PushRequestSchema, PushResponseSchema, ReceivedOutcomeSchema, isKnownErrorCode } from './push.ts';
import type { Outcome, PushResponse, ReceivedOutcome, RejectionCode, UnknownErrorCode } from './push.ts';
import { exampleIntent } from './testing.ts';

const batch = (intents: unknown[], patch: Record<string, unknown> = {}) => ({
  device_id: 'd1',
  sent_at: '2026-11-02T09:20:00.000Z',
  intents,
  ...patch,
});
const batchAccepts = (raw: unknown) => PushRequestSchema.safeParse(raw).success;

describe('push batch', () => {
  test('a valid batch parses, and an empty one too (it still returns server time)', () => {
    const parsed = PushRequestSchema.parse(batch([exampleIntent('work.start'), exampleIntent('work.pause', 'i2')]));
    expect(parsed.intents.map((i) => i.id)).toEqual(['i-work.start', 'i2']);
    expect(batchAccepts(batch([]))).toBe(true);
  });

  test(`a batch of ${MAX_BATCH_SIZE} intents parses; one more is a malformed batch`, () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => exampleIntent('work.heartbeat', `i${i}`));
    expect(batchAccepts(batch(many(MAX_BATCH_SIZE)))).toBe(true);
    expect(batchAccepts(batch(many(MAX_BATCH_SIZE + 1)))).toBe(false);
  });

  test.each([
    ['no device_id', batch([], { device_id: undefined })],
    ['a numeric device_id', batch([], { device_id: 7 })],
    ['sent_at that is not ISO-8601', batch([], { sent_at: 'now' })],
    ['sent_at without zone', batch([], { sent_at: '2026-11-02T09:20:00' })],
    ['intents that are not an array', batch([], { intents: {} })],
    ['an unknown top-level key', batch([], { extra: true })],
    ['an intent without an id', batch([{ kind: 'task.claim', args: { task_id: 't1' } }])],
    ['an intent with an empty id', batch([{ ...exampleIntent('task.claim'), id: '' }])],
    ['an intent that is not an object', batch(['task.claim'])],
    ['not an object at all', []],
  ])('a batch with %s is malformed (400, nothing applies)', (_name, raw) => {
    expect(batchAccepts(raw)).toBe(false);
  });

  test('a malformed single intent passes the batch check and is rejected alone with INVALID_INTENT', () => {
    const bad = { id: 'i2', kind: 'task.set_status', args: { task_id: 't1', status: 'nope' }, occurred_at: '2026-11-02T09:00:00Z', extra: 1 };
    const parsed = PushRequestSchema.parse(batch([exampleIntent('task.claim', 'i1'), bad, exampleIntent('work.start', 'i3')]));
    expect(parsed.intents[1]).toEqual(bad); // kept whole for the per-intent check
    const results = parsed.intents.map((raw) => parseIntent(raw));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const rejected = results[1];
    if (rejected !== undefined && !rejected.ok) expect(rejected.error.code).toBe('INVALID_INTENT');
  });
});

describe('push outcomes and response', () => {
  test.each([
    { id: 'i1', status: 'accepted', effective_at: '2026-11-02T09:00:00.000Z' },
    { id: 'i1', status: 'accepted_with_adjustment', effective_at: '2026-11-02T09:00:00.000Z' },
    { id: 'i1', status: 'accepted_with_adjustment', effective_at: '2026-11-02T09:00:00.000Z', message: 'moved after the previous change' },
    { id: 'i1', status: 'rejected', code: 'INVALID_INTENT', message: 'Malformed intent' },
    { id: 'i1', status: 'rejected', code: 'ACTIVE_SESSION_EXISTS', message: 'Run r0 is active', details: { existing_session_id: 'r0' } },
  ])('outcome %o is valid', (outcome) => {
    expect(OutcomeSchema.parse(outcome)).toEqual(outcome);
  });

  test.each([
    ['accepted without effective_at', { id: 'i1', status: 'accepted' }],
    ['rejected without a code', { id: 'i1', status: 'rejected', message: 'no' }],
    ['rejected without a message', { id: 'i1', status: 'rejected', code: 'FORBIDDEN' }],
    ['a code outside the closed set', { id: 'i1', status: 'rejected', code: 'NOPE', message: 'no' }],
    ['an unknown status', { id: 'i1', status: 'queued', effective_at: '2026-11-02T09:00:00.000Z' }],
    ['effective_at with an offset instead of Z', { id: 'i1', status: 'accepted', effective_at: '2026-11-02T11:00:00+02:00' }],
  ])('an outcome with %s is invalid', (_name, outcome) => {
    expect(OutcomeSchema.safeParse(outcome).success).toBe(false);
  });

  test('a response parses leniently: keys a newer server adds are dropped, not fatal', () => {
    const response = {
      server_time: '2026-11-02T09:20:00.000Z',
      outcomes: [{ id: 'i1', status: 'accepted', effective_at: '2026-11-02T09:00:00.000Z', time_source: 'server' }],
      cursor: 7,
    };
    expect(PushResponseSchema.parse(response)).toEqual({
      server_time: '2026-11-02T09:20:00.000Z',
      outcomes: [{ id: 'i1', status: 'accepted', effective_at: '2026-11-02T09:00:00.000Z' }],
    });
    expect(PushResponseSchema.safeParse({ outcomes: [] }).success).toBe(false);
  });
});

describe('rejection codes a newer server may send', () => {
  const answer = (code: unknown) => ({
    server_time: '2026-11-02T09:20:00.000Z',
    outcomes: [
      { id: 'i1', status: 'accepted', effective_at: '2026-11-02T09:00:00.000Z' },
      { id: 'i2', status: 'rejected', code, message: 'Refused for a new reason', details: { quota: 3 } },
    ],
  });

  test('an answer with a code this version does not know still parses, keeping the code, the message and every other outcome', () => {
    const parsed = PushResponseSchema.parse(answer('QUOTA_EXCEEDED'));
    expect(parsed.outcomes).toEqual([
      { id: 'i1', status: 'accepted', effective_at: '2026-11-02T09:00:00.000Z' },
      { id: 'i2', status: 'rejected', code: 'QUOTA_EXCEEDED', message: 'Refused for a new reason', details: { quota: 3 } },
    ]);
    const rejected = parsed.outcomes[1];
    expect(rejected?.status === 'rejected' && isKnownErrorCode(rejected.code)).toBe(false);
  });

  test('the server-side outcome stays closed: the same unknown code is not an Outcome this server may send', () => {
    expect(OutcomeSchema.safeParse(answer('QUOTA_EXCEEDED').outcomes[1]).success).toBe(false);
    expect(ReceivedOutcomeSchema.safeParse(answer('QUOTA_EXCEEDED').outcomes[1]).success).toBe(true);
  });

  test.each(ERROR_CODES)('known code %s parses in an answer and is recognised as known', (code) => {
    const rejected = PushResponseSchema.parse(answer(code)).outcomes[1];
    expect(rejected).toMatchObject({ status: 'rejected', code });
    expect(isKnownErrorCode(code)).toBe(true);
  });

  test.each([
    ['lower case', 'quota_exceeded'],
    ['mixed case', 'Quota_Exceeded'],
    ['empty', ''],
    ['a space', 'QUOTA EXCEEDED'],
    ['a leading digit', '9_LIVES'],
    ['a leading underscore', '_QUOTA'],
    ['a trailing underscore', 'QUOTA_'],
    ['a double underscore', 'QUOTA__EXCEEDED'],
    ['a hyphen', 'QUOTA-EXCEEDED'],
    ['more than 64 characters', `A${'_B'.repeat(40)}`],
    ['a number', 409],
    ['null', null],
  ])('a code with %s is not a code: the answer is not a sync response', (_name, code) => {
    expect(PushResponseSchema.safeParse(answer(code)).success).toBe(false);
  });

  test('isKnownErrorCode does not take inherited property names for codes', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(isKnownErrorCode(name)).toBe(false);
  });

  test('types: a server Outcome carries only known codes; a received one is a known code or a branded unknown one, never a bare string', () => {
    expectTypeOf<Extract<Outcome, { status: 'rejected' }>['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<Extract<ReceivedOutcome, { status: 'rejected' }>['code']>().toEqualTypeOf<RejectionCode>();
    expectTypeOf<Extract<PushResponse['outcomes'][number], { status: 'rejected' }>['code']>().toEqualTypeOf<RejectionCode>();
    expectTypeOf<ErrorCode>().toMatchTypeOf<RejectionCode>();
    expectTypeOf<string>().not.toMatchTypeOf<RejectionCode>();
    expectTypeOf<UnknownErrorCode>().not.toMatchTypeOf<ErrorCode>();
    // What a server of this version sends is what an older or equal client reads.
    expectTypeOf<Outcome>().toMatchTypeOf<ReceivedOutcome>();
  });
});
