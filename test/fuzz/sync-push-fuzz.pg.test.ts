/**
 * The intent endpoint (POST /api/v1/sync/push, API.md "Sync push"): a
 * malformed batch is a 400 that applies and records nothing; a malformed
 * intent of any kind is rejected INVALID_INTENT on its own while the valid
 * intents around it in the same batch are accepted.
 *
 * Invariants checked:
 * 1. Envelope corruptions (drawn from the document's batch schema, starting
 *    from a batch of real intents) and batches over MAX_BATCH_SIZE are 400
 *    INVALID_INPUT: no outcome stored, no business row changed.
 * 2. For every intent kind, each corruption (intent-corruptions.ts) sent in
 *    the middle of a valid chain (create, edit, confirm a fresh SOP) is
 *    rejected INVALID_INTENT, the chain is accepted, and apart from the
 *    chain's own rows nothing changed.
 */
import fc from 'fast-check';
import { INTENT_KINDS, MAX_BATCH_SIZE } from '@stint/shared';
import type { IntentKind } from '@stint/shared';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import { createTestApp } from '../../server/src/testing/test-app.ts';
import { corruptedRequest, requestConforms } from './corrupted-requests.ts';
import { serialise } from './json-text.ts';
import { bearer, expectErrorBody, loadOperations, send } from './fuzz-http.ts';
import type { RawResponse } from './fuzz-http.ts';
import { seedFixtures } from './fuzz-fixtures.ts';
import { corruptedIntents, exampleArgsFor, loneSurrogateIntents } from './intent-corruptions.ts';
import { expectNothingChanged, probeState } from './state-probe.ts';

const PUSH = '/api/v1/sync/push';
/** Every id a valid chain creates holds this, so the probe can leave those rows out. */
const MARKER = 'push-fresh-';

const db = await createTestDatabase();
afterAll(() => db.drop());
const t = createTestApp(db);
const fixtures = await seedFixtures(t);
const pusher = await t.signIn('supervisor', 'fx-pusher');
const pushOp = (await loadOperations(t)).find((op) => op.key === `POST ${PUSH}`);
if (pushOp === undefined) throw new Error(`the document has no POST ${PUSH}`);

/** shared's example ids → entities of the fixture world. */
const EXAMPLE_IDS = {
  t1: fixtures.task.claimed,
  c1: fixtures.items[0] ?? '',
  r1: fixtures.run.active,
  s1: fixtures.sop.confirmed,
  p1: fixtures.sop.stepIds[1] ?? '',
  b1: fixtures.booking.scheduled,
  w1: fixtures.people.worker.user.id,
  w2: fixtures.people.worker2.user.id,
};

let counter = 0;
const fresh = (what: string) => `${MARKER}${what}-${(counter += 1)}`;
const now = () => new Date(t.clock()).toISOString();

/** Create, edit and confirm a fresh SOP: three intents the supervisor's push must accept. */
function validChain(): Record<string, unknown>[] {
  const sopId = fresh('sop');
  return [
    { id: fresh('intent'), kind: 'sop.create', args: { sop_id: sopId, title: 'Fresh SOP', tasks: [{ title: 'T', steps: [{ title: 'S' }] }] }, occurred_at: now() },
    { id: fresh('intent'), kind: 'sop.edit', args: { sop_id: sopId, title: 'Fresh SOP v2' }, occurred_at: now() },
    { id: fresh('intent'), kind: 'sop.confirm', args: { sop_id: sopId }, occurred_at: now() },
  ];
}

const batch = (intents: readonly unknown[], extra: Record<string, unknown> = {}) => ({ device_id: 'fuzz-device', sent_at: now(), intents, ...extra });
const push = (body: unknown): Promise<RawResponse> => send(t, 'POST', PUSH, { authorization: bearer(pusher.token), body: serialise(body) });

describe('sync push: malformed batches', () => {
  const envelopes = corruptedRequest(pushOp, fixtures.ids, { validBody: fc.constant(null).map(() => batch(validChain())) });
  if (envelopes === null) throw new Error('the push operation declares no input');

  test('a corrupted envelope is a 400 and nothing is applied or recorded', async () => {
    await fc.assert(
      fc.asyncProperty(envelopes, async (request) => {
        expect(requestConforms(pushOp, request), `generator slip: ${request.corruption}`).toBe(false);
        const before = await probeState(db.sql);
        const res = await send(t, 'POST', PUSH, {
          authorization: bearer(pusher.token),
          ...(request.body === undefined ? {} : { body: request.body.text, contentType: request.body.contentType }),
        });
        expectBatchRefused(res, request.corruption);
        const after = await probeState(db.sql);
        expectNothingChanged(before, after, request.corruption);
        expect(after.appliedTotal, `${request.corruption}: an outcome was recorded`).toBe(before.appliedTotal);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  test.each([
    ['more than MAX_BATCH_SIZE intents', () => batch(Array.from({ length: MAX_BATCH_SIZE + 1 }, () => validChain()[0]))],
    ['a sent_at in year 0', () => batch(validChain(), { sent_at: '0000-01-01T00:00:00Z' })],
    ['a NUL in device_id', () => batch(validChain(), { device_id: 'dev\u0000ice' })],
    ['a NUL in an intent id', () => batch([...validChain(), { ...validChain()[0], id: 'in\u0000tent' }])],
    ['an unknown zone shape', () => batch(validChain(), { zone: '../etc/passwd' })],
    ['two envelopes in an array', () => [batch(validChain()), batch(validChain())]],
  ])('%s is a 400 and nothing is applied or recorded', async (what, body) => {
    const before = await probeState(db.sql);
    expectBatchRefused(await push(body()), what);
    const after = await probeState(db.sql);
    expectNothingChanged(before, after, what);
    expect(after.appliedTotal).toBe(before.appliedTotal);
  });

  test('exactly MAX_BATCH_SIZE malformed intents is a 200 with one rejection each', async () => {
    const intents = Array.from({ length: MAX_BATCH_SIZE }, () => ({ id: fresh('bad'), kind: 'task.nope', args: {}, occurred_at: now() }));
    const res = await push(batch(intents));
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const outcomes = outcomesOf(res);
    expect(outcomes.size).toBe(MAX_BATCH_SIZE);
    expect([...outcomes.values()].every((o) => o.status === 'rejected' && o.code === 'INVALID_INTENT')).toBe(true);
  });
});

describe('sync push: one malformed intent among valid ones', () => {
  test.each(INTENT_KINDS.map((kind) => [kind] as const))('a corrupted %s is rejected INVALID_INTENT; the valid intents beside it are accepted', async (kind) => {
    const corruptions = corruptedIntents(kind, exampleArgsFor(kind, EXAMPLE_IDS), 'placeholder', now());
    expect(corruptions.length).toBeGreaterThan(10);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...corruptions), fc.integer({ min: 0, max: 3 }), async ({ intent, corruption }, position) => {
        await expectRejectedAmongValid([{ ...intent, id: fresh('bad') }], position, `${kind}: ${corruption}`);
      }),
      { numRuns: 12 },
    );
  }, 60_000);

  test('a lone surrogate in any string arg of any kind is that intent\'s INVALID_INTENT, not a 400 for the whole batch', async () => {
    const failures: string[] = [];
    for (const kind of INTENT_KINDS) {
      for (const { intent, corruption } of loneSurrogateIntents(kind, exampleArgsFor(kind, EXAMPLE_IDS), 'placeholder', now())) {
        const bad = { ...intent, id: fresh('bad') };
        const chain = validChain();
        const before = await probeState(db.sql, { ignoreRowsMentioning: MARKER });
        const res = await push(batch([chain[0], bad, ...chain.slice(1)]));
        const outcomes = res.status === 200 ? outcomesOf(res) : new Map<string, OutcomeJson>();
        const rejected = outcomes.get(bad.id)?.code === 'INVALID_INTENT';
        const chainAccepted = chain.every((c) => /^accepted/.test(outcomes.get(String(c['id']))?.status ?? ''));
        const changed = JSON.stringify(await probeState(db.sql, { ignoreRowsMentioning: MARKER })) !== JSON.stringify(before);
        if (!rejected || !chainAccepted || changed) {
          failures.push(`${kind} ${corruption} → ${res.status} ${res.text.slice(0, 140)}${changed ? ' (state changed)' : ''}`);
        }
      }
    }
    expect(failures, 'one unstorable intent must not sink its batch (API.md "Sync push"; execute.ts invariant 6)').toEqual([]);
  }, 60_000);

  test('several corrupted intents of different kinds in one batch are each rejected on their own', async () => {
    const all = INTENT_KINDS.flatMap((kind: IntentKind) => corruptedIntents(kind, exampleArgsFor(kind, EXAMPLE_IDS), 'placeholder', now()));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...all), { minLength: 2, maxLength: 6 }), fc.integer({ min: 0, max: 3 }), async (picked, position) => {
        const bad = picked.map(({ intent }) => ({ ...intent, id: fresh('bad') }));
        await expectRejectedAmongValid(bad, position, picked.map((p) => p.corruption).join(' | '));
      }),
      { numRuns: 15 },
    );
  }, 60_000);
});

/** Sends the valid chain with `bad` spliced in at `position`, and checks invariant 2. */
async function expectRejectedAmongValid(bad: readonly Record<string, unknown>[], position: number, what: string): Promise<void> {
  const chain = validChain();
  const intents = [...chain.slice(0, position), ...bad, ...chain.slice(position)];
  const before = await probeState(db.sql, { ignoreRowsMentioning: MARKER });
  const res = await push(batch(intents));
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBe(200);
  const outcomes = outcomesOf(res);
  for (const intent of bad) {
    const outcome = outcomes.get(String(intent['id']));
    expect(outcome, `${what}: outcome of the malformed intent`).toMatchObject({ status: 'rejected', code: 'INVALID_INTENT' });
  }
  for (const intent of chain) {
    expect(outcomes.get(String(intent['id']))?.status, `${what}: valid ${String(intent['kind'])} beside it`).toMatch(/^accepted/);
  }
  expectNothingChanged(before, await probeState(db.sql, { ignoreRowsMentioning: MARKER }), what);
  const stored = await db.sql<{ id: string; status: string; code: string | null }[]>`
    SELECT id, status, code FROM applied_intents WHERE id IN ${db.sql(bad.map((intent) => String(intent['id'])))}`;
  expect(stored.length, `${what}: every rejection is stored`).toBe(bad.length);
  expect(stored.every((row) => row.status === 'rejected' && row.code === 'INVALID_INTENT'), `${what}: stored outcomes ${JSON.stringify(stored)}`).toBe(true);
}

interface OutcomeJson {
  readonly id: string;
  readonly status: string;
  readonly code?: string;
}

function outcomesOf(res: RawResponse): Map<string, OutcomeJson> {
  const outcomes = (res.json as { data: { outcomes: OutcomeJson[] } }).data.outcomes;
  return new Map(outcomes.map((o) => [o.id, o]));
}

function expectBatchRefused(res: RawResponse, what: string): void {
  expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBe(400);
  expectErrorBody(res, what);
  expect((res.json as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
}
