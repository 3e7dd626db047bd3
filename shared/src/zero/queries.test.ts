import { isQuery } from '@rocicorp/zero';
import { handleQueryRequest } from '@rocicorp/zero/server';
import type { QueryResponse } from '@rocicorp/zero/server';
import { describe, expect, test } from 'vitest';
import type { Role } from '../rows.ts';
import { zeroQueries } from './queries.ts';
import type { ZeroContext, ZeroQueryName } from './queries.ts';
import { zeroSchema } from './schema.ts';

// Visibility itself is proven against real Postgres and a real zero-cache
// (server/src/zero/queries.pg.test.ts, test/zero/read-path.pg.test.ts). These
// tests pin the contract the query endpoint relies on, through Zero's own
// request handler: names, argument validation, the context requirement, and
// which queries a role gets filtered at all.

const NAMES: readonly ZeroQueryName[] = [
  'users',
  'tasks',
  'checklistItems',
  'workSessions',
  'userTaskTotals',
  'sops',
  'sopVersions',
  'procedureRuns',
  'safetyChecks',
  'bookings',
  'appliedIntents',
];

async function transform(ctx: ZeroContext | undefined, requests: readonly { name: string; args?: unknown }[]): Promise<QueryResponse> {
  return handleQueryRequest({
    handler: (name, args) => {
      const query = (zeroQueries as unknown as Record<string, unknown>)[name];
      if (!isQuery(query)) throw new Error(`Query not found: ${name}`);
      return query.fn({ args, ctx });
    },
    schema: zeroSchema,
    query: {},
    body: ['transform', requests.map((r, i) => ({ id: `q${i}`, name: r.name, args: r.args === undefined ? [] : [r.args] }))] as never,
    userID: ctx?.user_id ?? null,
    logLevel: 'error',
  });
}

function results(response: QueryResponse): Record<string, unknown>[] {
  expect(response).toMatchObject({ kind: 'QueryResponse' });
  return (response as unknown as { queries: Record<string, unknown>[] }).queries;
}

const worker: ZeroContext = { user_id: 'w-1', role: 'worker' };

describe('synced queries', () => {
  test('the registry has one query per synced table, under these names', () => {
    expect(Object.keys(zeroQueries).filter((k) => k !== '~').sort()).toEqual([...NAMES].sort());
  });

  test.each(['worker', 'supervisor', 'admin'] satisfies Role[])('every query builds for a %s', async (role) => {
    const out = results(await transform({ user_id: 'u-1', role }, NAMES.map((name) => ({ name }))));
    expect(out.map((q) => q['error'])).toEqual(NAMES.map(() => undefined));
    expect(out.map((q) => q['name'])).toEqual(NAMES);
  });

  test('every query refuses to build without an auth context', async () => {
    const out = results(await transform(undefined, NAMES.map((name) => ({ name }))));
    for (const q of out) expect(q).toMatchObject({ error: 'app', message: expect.stringContaining('auth context') });
  });

  test('a worker gets every query filtered by their own id', async () => {
    const out = results(await transform(worker, NAMES.map((name) => ({ name }))));
    for (const q of out) expect({ name: q['name'], mentionsWorker: JSON.stringify(q['ast']).includes('"w-1"') }).toEqual({ name: q['name'], mentionsWorker: true });
  });

  test.each(['supervisor', 'admin'] satisfies Role[])('a %s gets every table unfiltered except their own outcomes', async (role) => {
    const out = results(await transform({ user_id: 's-1', role }, NAMES.map((name) => ({ name }))));
    for (const q of out) {
      const ast = q['ast'] as { where?: unknown };
      expect({ name: q['name'], filtered: ast.where !== undefined }).toEqual({ name: q['name'], filtered: q['name'] === 'appliedIntents' });
    }
    expect(JSON.stringify(out.find((q) => q['name'] === 'appliedIntents')?.['ast'])).toContain('"s-1"');
  });

  test('table queries refuse arguments', async () => {
    const out = results(await transform(worker, [{ name: 'tasks', args: { user_id: 'someone-else' } }]));
    expect(out[0]).toMatchObject({ error: expect.any(String) });
  });

  test('appliedIntents takes an optional `since` and refuses anything else', async () => {
    const out = results(
      await transform(worker, [
        { name: 'appliedIntents', args: { since: 1_700_000_000_000 } },
        { name: 'appliedIntents', args: { since: 'yesterday' } },
        { name: 'appliedIntents', args: { user_id: 'someone-else' } },
      ]),
    );
    expect(out[0]?.['error']).toBeUndefined();
    expect(JSON.stringify(out[0]?.['ast'])).toContain('1700000000000');
    expect(out[1]).toMatchObject({ error: expect.any(String) });
    expect(out[2]).toMatchObject({ error: expect.any(String) });
  });

  test('an unknown name fails that query alone', async () => {
    const out = results(await transform(worker, [{ name: 'auditLog' }, { name: 'tasks' }]));
    expect(out[0]).toMatchObject({ error: 'app' });
    expect(out[1]?.['error']).toBeUndefined();
  });
});
