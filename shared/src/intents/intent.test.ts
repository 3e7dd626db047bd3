import { describe, expect, expectTypeOf, test } from 'vitest';
import { MAX_ID_LENGTH, MAX_NOTES_LENGTH, MAX_TITLE_LENGTH } from './arg-schemas.ts';
import { INTENT_ARGS, INTENT_KINDS } from './intent-definitions.ts';
import type { IntentKind } from './intent-definitions.ts';
import { IntentSchema, parseIntent } from './intent.ts';
import type { Intent, IntentOf } from './intent.ts';
import { EXAMPLE_ARGS, exampleIntent } from './testing.ts';

const accepts = (raw: unknown) => IntentSchema.safeParse(raw).success;
const withArgs = (kind: IntentKind, args: unknown) => ({ ...exampleIntent(kind), args });

/** Every key of a kind's args with whether it is required (an optional one accepts undefined). */
function argKeys(kind: IntentKind): { key: string; required: boolean }[] {
  const shape = INTENT_ARGS[kind].shape as Record<string, { safeParse: (v: unknown) => { success: boolean } }>;
  return Object.entries(shape).map(([key, schema]) => ({ key, required: !schema.safeParse(undefined).success }));
}
const wrongTypeFor = (value: unknown): unknown => (typeof value === 'string' ? 42 : typeof value === 'number' ? String(value) : 'x');

describe.each(INTENT_KINDS)('intent %s', (kind) => {
  const example = EXAMPLE_ARGS[kind] as Record<string, unknown>;

  test('accepts a valid example', () => {
    expect(IntentSchema.parse(exampleIntent(kind))).toEqual(exampleIntent(kind));
  });

  test('rejects each required field missing, and accepts each optional one missing', () => {
    for (const { key, required } of argKeys(kind)) {
      const { [key]: _dropped, ...rest } = example;
      expect(accepts(withArgs(kind, rest)), key).toBe(!required);
    }
  });

  test('rejects each field with a wrong type', () => {
    for (const { key } of argKeys(kind)) {
      const value = key in example ? example[key] : 'reason';
      expect(accepts(withArgs(kind, { ...example, [key]: wrongTypeFor(value) })), key).toBe(false);
      expect(accepts(withArgs(kind, { ...example, [key]: null })), key).toBe(false);
    }
  });

  test('rejects an extra key in args and in the intent', () => {
    expect(accepts(withArgs(kind, { ...example, extra: 1 }))).toBe(false);
    expect(accepts({ ...exampleIntent(kind), extra: 1 })).toBe(false);
  });

  test('rejects oversized strings', () => {
    for (const { key } of argKeys(kind)) {
      const value = key in example ? example[key] : 'reason';
      if (typeof value !== 'string' || key === 'result') continue;
      expect(accepts(withArgs(kind, { ...example, [key]: 'x'.repeat(MAX_NOTES_LENGTH + 1) })), key).toBe(false);
    }
    expect(accepts({ ...exampleIntent(kind), id: 'x'.repeat(MAX_ID_LENGTH + 1) })).toBe(false);
  });

  test('rejects args that are not an object, and args of another kind', () => {
    expect(accepts(withArgs(kind, 'x'))).toBe(false);
    expect(accepts(withArgs(kind, undefined))).toBe(false);
    const other = INTENT_KINDS.find((k) => Object.keys(EXAMPLE_ARGS[k])[0] !== Object.keys(example)[0]) as IntentKind;
    expect(accepts(withArgs(kind, EXAMPLE_ARGS[other]))).toBe(false);
  });
});

describe('intent envelope', () => {
  test('every kind is a member of the union', () => {
    expectTypeOf<Intent['kind']>().toEqualTypeOf<IntentKind>();
    expect(new Set(IntentSchema.options.map((o) => o.shape.kind.value))).toEqual(new Set(INTENT_KINDS));
  });

  test('IntentOf narrows to the args of its kind', () => {
    expectTypeOf<IntentOf<'run.check'>['args']['result']>().toEqualTypeOf<'passed' | 'failed'>();
    expectTypeOf<IntentOf<'checklist.set_status'>['args']['status']>().toEqualTypeOf<1 | 2 | 3 | 4>();
  });

  test('an unknown kind is rejected', () => {
    expect(accepts({ ...exampleIntent('task.claim'), kind: 'task.delete' })).toBe(false);
  });

  test.each(['2026-11-02T09:00:00Z', '2026-11-02T09:00:00.123Z', '2026-11-02T11:00:00+02:00'])('occurred_at %s is accepted', (at) => {
    expect(accepts(exampleIntent('task.claim', 'i1', at))).toBe(true);
  });

  test.each(['2026-11-02T09:00:00', '2026-11-02', 'yesterday', '', 1_700_000_000_000, null])('occurred_at %s is rejected', (at) => {
    expect(accepts({ ...exampleIntent('task.claim'), occurred_at: at })).toBe(false);
  });

  test('ids and titles are bounded and titles are trimmed', () => {
    expect(accepts({ ...exampleIntent('task.claim'), id: 'x'.repeat(MAX_ID_LENGTH) })).toBe(true);
    expect(accepts({ ...exampleIntent('task.claim'), id: '' })).toBe(false);
    expect(accepts(withArgs('task.create', { task_id: 't1', title: 'x'.repeat(MAX_TITLE_LENGTH) }))).toBe(true);
    expect(accepts(withArgs('task.create', { task_id: 't1', title: 'x'.repeat(MAX_TITLE_LENGTH + 1) }))).toBe(false);
    expect(accepts(withArgs('task.create', { task_id: 't1', title: '   ' }))).toBe(false);
    const parsed = IntentSchema.parse(withArgs('checklist.rename', { checklist_item_id: 'c1', title: '  Vent  ' }));
    expect(parsed.args).toEqual({ checklist_item_id: 'c1', title: 'Vent' });
  });

  test.each([0, 5, 2.5, '2'])('checklist status %s is rejected (numeric 1–4 only)', (status) => {
    expect(accepts(withArgs('checklist.set_status', { checklist_item_id: 'c1', status }))).toBe(false);
  });

  test.each(['started', 'IN_PROGRESS', 2])('task status %s is rejected', (status) => {
    expect(accepts(withArgs('task.set_status', { task_id: 't1', status }))).toBe(false);
  });

  test('run.check takes a supervisor override reason, but not an empty one', () => {
    expect(accepts(withArgs('run.check', { ...EXAMPLE_ARGS['run.check'], override_reason: 'fixing a typo' }))).toBe(true);
    expect(accepts(withArgs('run.complete', { session_id: 'r1', override_reason: ' ' }))).toBe(false);
  });
});

describe('parseIntent', () => {
  test('a valid intent parses', () => {
    expect(parseIntent(exampleIntent('booking.start'))).toEqual({ ok: true, value: exampleIntent('booking.start') });
  });

  test('a malformed intent is an INVALID_INTENT error naming the field', () => {
    const result = parseIntent(withArgs('task.set_status', { task_id: 't1', status: 'started' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INTENT');
    expect(result.error.message).toMatch(/^Malformed intent: args\.status: /);
    expect(result.error.details['issues']).toEqual([{ path: 'args.status', message: expect.any(String) }]);
  });

  test('garbage never throws', () => {
    for (const raw of [null, undefined, 42, 'x', [], {}, { id: 'i1' }, { kind: 'task.claim' }]) {
      const result = parseIntent(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('INVALID_INTENT');
    }
  });
});
