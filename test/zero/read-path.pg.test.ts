/**
 * The read path end to end (DESIGN §4), with a REAL zero-cache on REAL
 * Postgres: the app served on loopback, zero-cache replicating the file's
 * own database (its own app id), and Zero clients in Node for two workers and
 * a supervisor, each seen through a ZeroReplica. Changes go in through the
 * REST routes, the sync push endpoint and the Zero `intent` mutator.
 */
import { randomUUID } from 'node:crypto';
import { toIso } from '@stint/shared';
import type { Role, State } from '@stint/shared';
import { zeroMutators } from '@stint/shared/zero';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useNodeWebSocket } from '../../client/src/replica/node-websocket.ts';
import { createStintZero } from '../../client/src/replica/stint-zero.ts';
import type { StintZero } from '../../client/src/replica/stint-zero.ts';
import { ZeroReplica } from '../../client/src/replica/zero-replica.ts';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import { createTestApp } from '../../server/src/testing/test-app.ts';
import type { TestResponse } from '../../server/src/testing/test-app.ts';
import { descendantsOf, isAlive } from '../../server/src/zero/process-tree.ts';
import type { ProcessId } from '../../server/src/zero/process-tree.ts';
import { serveApp, startTestZeroCache } from '../../server/src/zero/testing.ts';
import type { ServedApp, TestZeroCache } from '../../server/src/zero/testing.ts';

useNodeWebSocket();

const db = await createTestDatabase();
const t = createTestApp(db, { env: { LOG_LEVEL: 'warn' } });

interface Client {
  readonly id: string;
  readonly token: string;
  readonly zero: StintZero;
  readonly replica: ZeroReplica;
}

let served: ServedApp;
let cache: TestZeroCache;
let zeroProcesses: ProcessId[] = [];
let workerA: Client;
let workerB: Client;
let supervisor: Client;

async function connect(role: Role): Promise<Client> {
  const { user, token } = await t.signIn(role);
  const zero = createStintZero({
    cacheURL: cache.url,
    token,
    user: { user_id: user.id, role: user.role },
    kvStore: 'mem',
    zero: { onUpdateNeeded: () => undefined, onClientStateNotFound: () => undefined },
  });
  const replica = new ZeroReplica(zero);
  await replica.whenComplete();
  return { id: user.id, token, zero, replica };
}

beforeAll(async () => {
  served = await serveApp(t.app);
  cache = await startTestZeroCache(db, served.url);
  zeroProcesses = descendantsOf(cache.pid);
  [workerA, workerB, supervisor] = await Promise.all([connect('worker'), connect('worker'), connect('supervisor')]);
}, 180_000);

afterAll(async () => {
  for (const client of [workerA, workerB, supervisor]) {
    client?.replica.close();
    await client?.zero.close();
  }
  await cache?.stop();
  await served?.close();
  await db.drop();
}, 60_000);

/** Resolves with the first snapshot of the replica for which `ready` holds (checked now and on every change). */
function until<T>(replica: ZeroReplica, ready: (state: State) => T | undefined, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const found = ready(replica.getState());
      if (found === undefined) return false;
      unsubscribe();
      clearTimeout(timer);
      resolve(found);
      return true;
    };
    const unsubscribe = replica.subscribe(() => void check());
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`replica did not reach the expected state within ${timeoutMs} ms`));
    }, timeoutMs);
    check();
  });
}

async function ok(res: Promise<TestResponse>, status = 200): Promise<TestResponse> {
  const response = await res;
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response;
}

async function createTask(title: string): Promise<string> {
  const id = `task-${randomUUID()}`;
  await ok(t.request('POST', '/api/v1/tasks', { token: supervisor.token, body: { id, title } }), 201);
  return id;
}

describe('zero read path', () => {
  test('zero-cache runs as processes below its guard', () => {
    expect(zeroProcesses.length).toBeGreaterThanOrEqual(3);
  });

  test('a task a supervisor creates reaches the supervisor and every worker (the open pool)', async () => {
    const id = await createTask('Inspect pump 7');
    const seen = await Promise.all([workerA, workerB, supervisor].map((c) => until(c.replica, (s) => s.tasks.get(id))));
    for (const task of seen) expect(task).toMatchObject({ id, title: 'Inspect pump 7', status: 'todo', claimed_by: null });
    // Rows are plain: exactly the row type's columns, no Zero bookkeeping.
    expect(Object.getOwnPropertySymbols(seen[0])).toEqual([]);
    expect(Object.keys(seen[0] ?? {}).sort()).toEqual(
      ['assigned_at', 'claimed_by', 'created_at', 'id', 'status', 'time_spent_ms', 'title', 'updated_at'].sort(),
    );
  });

  test("a task claimed by one worker leaves the other worker's replica and stays with the claimer and the supervisor", async () => {
    const id = await createTask('Replace filter');
    await until(workerB.replica, (s) => s.tasks.get(id));
    await ok(t.request('POST', `/api/v1/tasks/${id}/claim`, { token: workerA.token }));

    await until(workerA.replica, (s) => (s.tasks.get(id)?.claimed_by === workerA.id ? true : undefined));
    await until(supervisor.replica, (s) => (s.tasks.get(id)?.claimed_by === workerA.id ? true : undefined));
    await until(workerB.replica, (s) => (s.tasks.has(id) ? undefined : true));
    expect(workerB.replica.getState().tasks.has(id)).toBe(false);
  });

  test('an intent pushed through /api/v1/sync/push shows its outcome and its effects in one snapshot', async () => {
    const taskId = await createTask('Grease bearings');
    await ok(t.request('POST', `/api/v1/tasks/${taskId}/claim`, { token: workerA.token }));
    await until(workerA.replica, (s) => (s.tasks.get(taskId)?.claimed_by === workerA.id ? true : undefined));

    const intentId = `intent-${randomUUID()}`;
    // Every snapshot the worker is shown: the outcome never arrives without its effects.
    const torn: string[] = [];
    const off = workerA.replica.subscribe(() => {
      const state = workerA.replica.getState();
      if (!workerA.replica.appliedIntentIds().has(intentId)) return;
      const open = [...state.work_sessions.values()].some((s) => s.task_id === taskId && s.ended_at === null);
      if (!open || state.tasks.get(taskId)?.status !== 'in-progress') torn.push('outcome without effects');
    });
    const now = toIso(t.clock());
    const res = await ok(
      t.request('POST', '/api/v1/sync/push', {
        token: workerA.token,
        body: { device_id: 'device-a', sent_at: now, intents: [{ id: intentId, kind: 'work.start', args: { task_id: taskId }, occurred_at: now }] },
      }),
    );
    expect(res.body).toMatchObject({ data: { outcomes: [{ id: intentId, status: 'accepted' }] } });

    const outcome = await until(workerA.replica, () => workerA.replica.appliedIntents().get(intentId));
    off();
    expect(torn).toEqual([]);
    expect(outcome).toMatchObject({ id: intentId, user_id: workerA.id, device_id: 'device-a', kind: 'work.start', status: 'accepted', code: null });
    const session = [...workerA.replica.getState().work_sessions.values()].find((s) => s.task_id === taskId);
    expect(session).toMatchObject({ user_id: workerA.id, ended_at: null });
    // The other worker sees neither the session nor the outcome.
    expect([...workerB.replica.getState().work_sessions.values()].some((s) => s.task_id === taskId)).toBe(false);
    expect(workerB.replica.appliedIntentIds().has(intentId)).toBe(false);
    // The supervisor sees the session, but outcomes only of their own intents.
    await until(supervisor.replica, (s) => [...s.work_sessions.values()].find((w) => w.task_id === taskId && w.ended_at === null));
    expect(supervisor.replica.appliedIntentIds().has(intentId)).toBe(false);
  });

  test('a rejected intent reaches its maker with code and message', async () => {
    const taskId = await createTask('Check valves');
    const intentId = `intent-${randomUUID()}`;
    const now = toIso(t.clock());
    // work.start on a task the worker has not claimed is refused.
    await ok(
      t.request('POST', '/api/v1/sync/push', {
        token: workerB.token,
        body: { device_id: 'device-b', sent_at: now, intents: [{ id: intentId, kind: 'work.start', args: { task_id: taskId }, occurred_at: now }] },
      }),
    );
    const outcome = await until(workerB.replica, () => workerB.replica.appliedIntents().get(intentId));
    expect(outcome.status).toBe('rejected');
    expect(outcome.code).toMatch(/^[A-Z_]+$/);
    expect(outcome.message).not.toBe('');
  });

  test('an intent sent through the Zero mutator is applied once, also when the push endpoint gets it again', async () => {
    const taskId = await createTask('Calibrate gauge');
    const intentId = `intent-${randomUUID()}`;
    const now = toIso(t.clock());
    const intent = { id: intentId, kind: 'task.claim', args: { task_id: taskId }, occurred_at: now };
    const result = workerA.zero.mutate(zeroMutators.intent({ device_id: 'device-a-zero', sent_at: now, intent }));
    const server = await result.server;
    expect(server.type).toBe('success');

    const claimed = await until(workerA.replica, (s) => (s.tasks.get(taskId)?.claimed_by === workerA.id && workerA.replica.appliedIntentIds().has(intentId) ? true : undefined));
    expect(claimed).toBe(true);
    const again = await ok(
      t.request('POST', '/api/v1/sync/push', { token: workerA.token, body: { device_id: 'device-a-2', sent_at: now, intents: [intent] } }),
    );
    expect(again.body).toMatchObject({ data: { outcomes: [{ id: intentId, status: 'accepted' }] } });
    const stored = await db.sql`SELECT device_id FROM applied_intents WHERE id = ${intentId}`;
    expect(stored).toEqual([{ device_id: 'device-a-zero' }]);
  });

  test('through the Zero mutator, a refused intent and a malformed one become stored outcomes their maker sees', async () => {
    const taskId = await createTask('Claimed by B');
    await ok(t.request('POST', `/api/v1/tasks/${taskId}/claim`, { token: workerB.token }));
    const now = toIso(t.clock());
    const refusedId = `intent-${randomUUID()}`;
    const malformedId = `intent-${randomUUID()}`;
    const sent = [
      { id: refusedId, kind: 'work.start', args: { task_id: taskId }, occurred_at: now },
      { id: malformedId, kind: 'work.start', occurred_at: now },
    ].map((intent) => workerA.zero.mutate(zeroMutators.intent({ device_id: 'device-a-zero', sent_at: now, intent })));
    // Zero commits both: a refusal is an outcome, not a failed mutation.
    for (const result of sent) expect((await result.server).type).toBe('success');

    const refused = await until(workerA.replica, () => workerA.replica.appliedIntents().get(refusedId));
    const malformed = await until(workerA.replica, () => workerA.replica.appliedIntents().get(malformedId));
    expect(refused).toMatchObject({ status: 'rejected', code: 'CONFLICT_CLAIMED' });
    expect(malformed).toMatchObject({ status: 'rejected', code: 'INVALID_INTENT' });
    expect(workerA.replica.getState().tasks.has(taskId)).toBe(false);
  });

  test("bookings reach their mentor and student, with each other's user rows, and nobody else", async () => {
    const id = `booking-${randomUUID()}`;
    const start = t.clock() + 3_600_000;
    await ok(
      t.request('POST', '/api/v1/bookings', {
        token: supervisor.token,
        body: { id, mentor_id: supervisor.id, student_id: workerA.id, start_time: toIso(start), end_time: toIso(start + 3_600_000) },
      }),
      201,
    );
    await until(workerA.replica, (s) => s.bookings.get(id));
    await until(workerA.replica, () => workerA.replica.users().get(supervisor.id));
    await until(supervisor.replica, (s) => s.bookings.get(id));
    expect(workerB.replica.getState().bookings.has(id)).toBe(false);
    expect(workerB.replica.users().has(supervisor.id)).toBe(false);
    expect([...workerB.replica.users().keys()]).toEqual([workerB.id]);
  });

  test('the supervisor replica holds every task; the audit log is never synced', async () => {
    const rows = await db.sql<{ id: string }[]>`SELECT id FROM tasks`;
    await until(supervisor.replica, (s) => (s.tasks.size === rows.length ? true : undefined));
    expect([...supervisor.replica.getState().tasks.keys()].sort()).toEqual(rows.map((r) => r.id).sort());
    expect(supervisor.replica.getState().audit_log.size).toBe(0);
  });

  test('propagation latency: a REST change reaches the worker and supervisor replicas (median over 20 changes)', async () => {
    const id = await createTask('Latency probe');
    await until(workerB.replica, (s) => s.tasks.get(id));
    const toWorker: number[] = [];
    const toSupervisor: number[] = [];
    const afterCommit: number[] = [];
    for (let i = 1; i <= 20; i += 1) {
      const title = `Latency probe ${i}`;
      const arrived = (replica: ZeroReplica) => until(replica, (s) => (s.tasks.get(id)?.title === title ? performance.now() : undefined));
      const start = performance.now();
      const responded = ok(t.request('PATCH', `/api/v1/tasks/${id}`, { token: supervisor.token, body: { title } })).then(() => performance.now());
      const [respondedAt, atWorker, atSupervisor] = await Promise.all([responded, arrived(workerB.replica), arrived(supervisor.replica)]);
      toWorker.push(atWorker - start);
      toSupervisor.push(atSupervisor - start);
      // The transaction committed before the response was sent: from then on it is replication alone.
      afterCommit.push(Math.max(atWorker, atSupervisor) - respondedAt);
    }
    const summary = { worker: stats(toWorker), supervisor: stats(toSupervisor), after_response: stats(afterCommit) };
    console.log(`zero propagation latency (ms, n=20; request start → replica listener, and REST response → both replicas): ${JSON.stringify(summary)}`);
    expect(summary.worker.median).toBeLessThan(2_000);
    expect(summary.supervisor.median).toBeLessThan(2_000);
  });
});

describe('zero-cache shutdown', () => {
  test('stopping zero-cache leaves no process behind', async () => {
    for (const client of [workerA, workerB, supervisor]) {
      client.replica.close();
      await client.zero.close();
    }
    expect(zeroProcesses.every(isAlive)).toBe(true);
    await cache.stop();
    expect(zeroProcesses.filter(isAlive)).toEqual([]);
    expect(isAlive({ pid: cache.pid, start: '' })).toBe(false);
  }, 60_000);
});

function stats(samples: readonly number[]): { median: number; p90: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN) * 10) / 10;
  return { median: at(0.5), p90: at(0.9), max: at(1) };
}
