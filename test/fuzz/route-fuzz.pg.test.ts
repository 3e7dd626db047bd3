/**
 * Every operation of the app's OpenAPI document is fuzzed from its own
 * declared schemas. A valid request is drawn (ids mostly
 * of entities that exist), one declared input is corrupted, and the answer
 * must be a 4xx with the error body, never a 5xx, with nothing changed.
 *
 * Invariants checked for every corrupted request:
 * 1. The document itself says the request is invalid (so a 2xx is the
 *    server's fault, not the generator's).
 * 2. 400 ≤ status < 500 and the body is `{error: {code: SCREAMING_SNAKE, message}}`.
 * 3. No business table changed; applied_intents and audit_log gained no
 *    row that is not a refusal (state-probe.ts).
 * Operations that declare no input get junk in the undeclared places
 * instead, which must be ignored: same status as a clean call, nothing changed.
 */
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import { createTestApp } from '../../server/src/testing/test-app.ts';
import { accessOf, allowedColumns } from './access-table.ts';
import { setAt, spotsOf } from './body-spots.ts';
import { corruptedRequest, requestConforms, urlOf } from './corrupted-requests.ts';
import { serialise } from './json-text.ts';
import type { FuzzRequest } from './corrupted-requests.ts';
import { bearer, expectErrorBody, loadOperations, send } from './fuzz-http.ts';
import type { RawResponse } from './fuzz-http.ts';
import { seedFixtures } from './fuzz-fixtures.ts';
import type { Fixtures } from './fuzz-fixtures.ts';
import type { Operation } from './openapi-model.ts';
import { UNREPRESENTABLE_STRINGS, validValue } from './schema-arbitraries.ts';
import { typesOf } from './openapi-model.ts';
import { expectNothingChanged, probeState } from './state-probe.ts';

const RUNS_PER_OPERATION = 25;
/**
 * zero-cache's endpoints check the envelope themselves (400) but answer what
 * Zero's own parser refuses inside it with Zero's protocol error, a 200
 * `{kind: 'PushFailed' | 'TransformFailed'}` (server/src/routes/zero.ts):
 * zero-cache expects that shape. It must still change nothing.
 */
const ZERO_PREFIX = '/api/zero/';
const CRON_SECRET = 'fuzz-cron-secret-0123456789abcdef';
/** Over the app's 5 MB body limit (server/src/http/middleware.ts). */
const OVERSIZED_BYTES = 5 * 1024 * 1024 + 1024;

const db = await createTestDatabase();
afterAll(() => db.drop());
const t = createTestApp(db, { env: { CRON_SECRET } });
const fixtures = await seedFixtures(t);
const operations = await loadOperations(t);
/** The state before each test; refused requests must leave it exactly so. */
let baseline = await probeState(db.sql);
beforeEach(async () => {
  baseline = await probeState(db.sql);
});

describe('every operation in the OpenAPI document', () => {
  test('the document is not empty and holds every API.md area', () => {
    const keys = operations.map((op) => op.key);
    expect(keys.length).toBeGreaterThan(40);
    for (const key of ['POST /api/v1/sync/push', 'PUT /tasks/{id}', 'PATCH /api/tasks/{id}', 'POST /api/v1/sessions/{id}/checks', 'POST /api/v1/bookings']) {
      expect(keys).toContain(key);
    }
  });

  describe.each(operations.map((op) => [op.key, op] as const))('%s', (_key, op) => {
    const arbitrary = corruptedRequest(op, fixtures.ids);
    const callers = callersOf(op, fixtures);

    if (arbitrary !== null) {
      test('a corrupted request is a 4xx with an error body and changes nothing', async () => {
        await fc.assert(
          fc.asyncProperty(arbitrary, fc.constantFrom(...callers), async (request, caller) => {
            expect(requestConforms(op, request), `generator slip: "${request.corruption}" is valid per the document`).toBe(false);
            await expectRefused(op, request, caller);
          }),
          { numRuns: RUNS_PER_OPERATION },
        );
      }, 120_000);
    } else {
      test('junk in undeclared places is ignored: same answer as a clean call, nothing changed', async () => {
        const caller = callers[0] ?? { name: 'anonymous' };
        const clean = await send(t, op.method, op.path, withAuth(caller, {}));
        expect(clean.status, `clean ${op.key}: ${clean.text.slice(0, 200)}`).toBeLessThan(500);
        const junk = fc.record({
          query: fc.array(fc.tuple(fc.constantFrom('limit', 'offset', 'id', '__proto__', 'x'.repeat(300)), fc.constantFrom('', '-1', '\u0000', '☃', 'x'.repeat(5_000))), { maxLength: 4 }),
          body: fc.constantFrom('{', '[]', '{"__proto__":{"admin":true}}', 'x'.repeat(10_000)),
          contentType: fc.constantFrom('application/json', 'text/plain', null),
        });
        await fc.assert(
          fc.asyncProperty(junk, async ({ query, body, contentType }) => {
            const url = `${op.path}?${new URLSearchParams(query).toString()}`;
            const withBody = op.method === 'GET' ? {} : { body, contentType };
            const res = await send(t, op.method, url, withAuth(caller, withBody));
            const what = `${op.method} ${short(url)} ${op.method === 'GET' ? '' : short(body)}`;
            expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBe(clean.status);
            expectNothingChanged(baseline, await probeState(db.sql), what);
          }),
          { numRuns: 10 },
        );
      }, 60_000);
    }

    if (op.body !== undefined) {
      test('a body over the 5 MB limit is a 400 and changes nothing', async () => {
        const request: FuzzRequest = {
          method: op.method,
          pathParams: Object.fromEntries(op.pathParams.map((p) => [p.name, fixtures.ids[0] ?? 'x'])),
          query: [],
          body: { text: JSON.stringify({ padding: 'x'.repeat(OVERSIZED_BYTES) }), contentType: 'application/json' },
          corruption: `body of ${OVERSIZED_BYTES} bytes`,
        };
        const res = await expectRefused(op, request, callers[0] ?? { name: 'anonymous' });
        expect(res.status).toBe(400);
      }, 30_000);
    }
  });

  test('text Postgres cannot hold (NUL, lone surrogates) in any string field of any body is refused and changes nothing', async () => {
    const failures: string[] = [];
    for (const op of operations) {
      if (op.body === undefined) continue;
      const caller = callersOf(op, fixtures)[0] ?? { name: 'anonymous' };
      const [base] = fc.sample(validValue(op.body.schema, fixtures.ids), { seed: 7, numRuns: 1 });
      const pathParams = Object.fromEntries(op.pathParams.map((p) => [p.name, String(fc.sample(validValue(p.schema, fixtures.ids), { seed: 7, numRuns: 1 })[0])]));
      const stringSpots = spotsOf(op.body.schema, base).filter((spot) => {
        const types = typesOf(spot.schema);
        return types !== 'any' && types.includes('string') && spot.schema.enum === undefined;
      });
      for (const spot of stringSpots) {
        for (const bad of UNREPRESENTABLE_STRINGS) {
          const request: FuzzRequest = {
            method: op.method,
            pathParams,
            query: [],
            body: { text: serialise(setAt(base, spot.path, bad)), contentType: 'application/json' },
            corruption: `body ${spot.path.join('.')} := ${JSON.stringify(bad)}`,
          };
          const url = urlOf(op.path, request);
          const before = await probeState(db.sql);
          const res = await send(t, op.method, url, withAuth(caller, { body: request.body?.text ?? '' }));
          const what = `${op.method} ${short(url)} [${request.corruption}] as ${caller.name}`;
          const after = await probeState(db.sql);
          const zeroRefusal = op.path.startsWith(ZERO_PREFIX) && res.status === 200 && /Failed$/.test(String((res.json as { kind?: unknown } | undefined)?.kind));
          const refused = zeroRefusal || (res.status >= 400 && res.status < 500);
          const changed = JSON.stringify({ ...after, appliedTotal: 0, auditTotal: 0 }) !== JSON.stringify({ ...before, appliedTotal: 0, auditTotal: 0 });
          if (!refused || changed) failures.push(`${what} → ${res.status} ${res.text.slice(0, 160)}${changed ? ' (state changed)' : ''}`);
        }
      }
    }
    expect(failures, 'unrepresentable text accepted').toEqual([]);
  }, 60_000);

  test('a method the document does not declare on a path is a 4xx with an error body', async () => {
    const declared = new Map<string, Set<string>>();
    for (const op of operations) declared.set(op.path, (declared.get(op.path) ?? new Set()).add(op.method));
    for (const [path, methods] of declared) {
      const url = path.replace(/\{[^}]+\}/g, 'fx-task-pool');
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter((m) => !methods.has(m))) {
        const res = await send(t, method, url, { authorization: bearer(fixtures.people.admin.token) });
        const what = `${method} ${url}`;
        expect(res.status >= 400 && res.status < 500, `${what}: ${res.status}`).toBe(true);
        expectErrorBody(res, what);
      }
    }
    expectNothingChanged(baseline, await probeState(db.sql), 'undeclared methods');
  });
});

interface Caller {
  readonly name: string;
  readonly authorization?: string;
}

/** Callers who get past the operation's guard, so the input is what is judged. */
function callersOf(op: Operation, world: Fixtures): readonly Caller[] {
  const access = accessOf(op.key);
  if (access?.kind === 'public') return [{ name: 'anonymous' }];
  if (access?.kind === 'cron') return [{ name: 'cron', authorization: bearer(CRON_SECRET) }];
  // Unlisted (the auth matrix reports it): the admin gets past every guard but cron's.
  const columns = access === undefined ? (['admin'] as const) : allowedColumns(access);
  return columns.map((column) => ({ name: column, authorization: bearer(world.people[column].token) }));
}

async function expectRefused(op: Operation, request: FuzzRequest, caller: Caller) {
  const url = urlOf(op.path, request);
  const res = await send(t, op.method, url, withAuth(caller, request.body === undefined ? {} : { body: request.body.text, contentType: request.body.contentType }));
  const what = `${op.method} ${short(url)} [${request.corruption}] as ${caller.name}`;
  expectRefusal(op, res, what);
  expectNothingChanged(baseline, await probeState(db.sql), what);
  return res;
}

/** A 4xx with the error body; or, on Zero's endpoints only, Zero's own failure answer (see below). */
function expectRefusal(op: Operation, res: RawResponse, what: string): void {
  if (op.path.startsWith(ZERO_PREFIX) && res.status === 200 && /Failed$/.test(String((res.json as { kind?: unknown } | undefined)?.kind))) return;
  expect(res.status >= 400 && res.status < 500, `${what}: answered ${res.status} ${res.text.slice(0, 300)}`).toBe(true);
  expectErrorBody(res, what);
}

function withAuth(caller: Caller, rest: { body?: string; contentType?: string | null }) {
  return { ...rest, ...(caller.authorization === undefined ? {} : { authorization: caller.authorization }) };
}

function short(text: string): string {
  return text.length > 160 ? `${text.slice(0, 120)}…(${text.length} chars)` : text;
}
