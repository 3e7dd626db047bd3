/**
 * The server goes away for a while (its HTTP listener stops): the device
 * keeps recording, the drain backs off with full jitter, and once the server
 * is back the journal drains completely on the backoff timer alone.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECOND } from '@stint/shared';
import type { Engine, Timers } from '../../client/src/engine/index.ts';
import { checkConsistency } from '../../server/src/db/consistency.ts';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import type { TestDatabase } from '../../server/src/testing/create-test-database.ts';
import { createTestApp } from '../../server/src/testing/test-app.ts';
import type { TestApp } from '../../server/src/testing/test-app.ts';
import { openDevice, serveApp } from './harness.ts';
import type { Device, HttpServer } from './harness.ts';

const BACKOFF = { baseMs: 40, capMs: 320 };
const INTERVAL_MS = 600_000;

let db: TestDatabase;
let t: TestApp;
let http: HttpServer;
let supervisor: Device;
let phone: Device;
/** Every delay the phone's engine asked a timer for, in order. */
const delays: number[] = [];

const recordingTimers: Timers = {
  setTimeout: (callback, ms) => {
    delays.push(ms);
    return setTimeout(callback, ms);
  },
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
  now: () => performance.now(),
};

beforeAll(async () => {
  db = await createTestDatabase();
  t = createTestApp(db);
  http = await serveApp(t.app);
  const sup = await t.signIn('supervisor');
  const worker = await t.signIn('worker');
  const common = { sql: db.sql, baseUrl: () => http.url, clock: t.clock };
  supervisor = await openDevice({ ...common, user: sup.user, token: sup.token, name: 'desk' });
  phone = await openDevice({
    ...common,
    user: worker.user,
    token: worker.token,
    name: 'phone',
    engine: { backoff: BACKOFF, random: () => 0.9, timers: recordingTimers, intervalMs: INTERVAL_MS },
  });
});

afterAll(async () => {
  for (const device of [supervisor, phone]) await device?.engine.close();
  await http?.stop();
  await db?.drop();
});

async function must(engine: Engine, ...[kind, args]: Parameters<Engine['act']>): Promise<void> {
  const result = await engine.act(kind, args);
  if (!result.accepted) throw new Error(`${kind} refused: ${result.error.message}`);
}

describe('server down for a while', () => {
  test('the drain backs off while the server is unreachable and drains everything on its own once it is back', async () => {
    for (const id of ['d1', 'd2']) await must(supervisor.engine, 'task.create', { task_id: id, title: `Task ${id}`, status: 'todo' });
    await supervisor.engine.sync();
    await phone.replica.refresh();
    await must(phone.engine, 'task.claim', { task_id: 'd1' });
    await must(phone.engine, 'work.start', { task_id: 'd1' });
    await phone.engine.sync();
    expect(phone.engine.status.getSnapshot()).toMatchObject({ online: true, pending: 0 });

    await http.stop();
    const fromOutage = delays.length;
    await must(phone.engine, 'task.claim', { task_id: 'd2' });
    // Pauses and starts, not heartbeats: offline beats coalesce into one journal row.
    for (let i = 0; i < 20; i++) {
      t.clock.advance(10 * SECOND);
      await must(phone.engine, i % 2 === 0 ? 'work.pause' : 'work.start', { task_id: 'd1' });
    }
    await must(phone.engine, 'work.pause', { task_id: 'd1' });
    const ceilings = [40, 80, 160, 320, 320];
    await waitFor(() => backoffDelays(fromOutage).length >= ceilings.length, 10_000);
    expect(backoffDelays(fromOutage).slice(0, ceilings.length)).toEqual(ceilings.map((ceiling) => Math.floor(0.9 * ceiling)));
    expect(phone.engine.status.getSnapshot()).toMatchObject({ online: false, pending: 22, lastError: { kind: 'network' } });

    await http.start();
    // No sync() call: the next backoff timer finds the server and drains the journal.
    await waitFor(() => phone.engine.status.getSnapshot().pending === 0, 10_000);
    expect(phone.engine.status.getSnapshot()).toMatchObject({ online: true, lastError: null });
    const stored = await db.sql<{ status: string; n: number }[]>`
      SELECT status, count(*)::int AS n FROM applied_intents WHERE device_id = 'phone-device' GROUP BY status`;
    expect(stored).toEqual([{ status: 'accepted', n: 24 }]);
    expect(phone.engine.inbox.getSnapshot()).toEqual([]);
    expect(await checkConsistency(db.sql)).toEqual([]);
  }, 60_000);
});

/** The backoff timers among the delays asked for since `from` (not the act debounce or the idle interval). */
function backoffDelays(from: number): number[] {
  return delays.slice(from).filter((ms) => ms !== 20 && ms !== INTERVAL_MS);
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
