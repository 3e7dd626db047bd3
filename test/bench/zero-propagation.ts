/**
 * Bench rows on the read path (issue 5, "Measure"): a real zero-cache on
 * the bench's own Postgres, and two devices of one worker, each an engine on
 * its own fake-indexeddb with a ZeroReplica behind its own Zero client.
 *
 * Propagation device A → device B through zero-cache, two ways, interleaved
 * so both see the same machine moments, on the same items and status cycle:
 *  - engine: from A's `engine.act('checklist.set_status')` until B's engine
 *    VIEW shows the new status (A's journal, the 20 ms act debounce, the
 *    push over HTTP, the executor's commit, logical replication, zero-cache,
 *    B's Zero client, B's replica and view). Also: act → A's push answered.
 *  - bare Zero mutation: the same change as the `intent` Zero custom mutator,
 *    from `zero.mutate()` until B's REPLICA shows it (Zero's push through
 *    zero-cache to /api/zero/mutate, the same executor, then the same way
 *    back). Also: mutate → Zero's server confirmation.
 *
 * Invariants:
 *  1. Every measured change is accepted by the server (checked in
 *     applied_intents at the end), and each sample starts with both devices
 *     quiet (A's view equals its replica), so samples never overlap.
 *  2. Loopback only; `stop()` of the zero-cache leaves no process and no
 *     replication slot behind (server/src/zero/testing.ts).
 */
import { randomUUID } from 'node:crypto';
import { toIso } from '@stint/shared';
import type { ChecklistStatus } from '@stint/shared';
import { zeroMutators } from '@stint/shared/zero';
import type { Engine } from '../../client/src/engine/index.ts';
import { useNodeWebSocket } from '../../client/src/replica/node-websocket.ts';
import type { Sql } from '../../server/src/db/sql.ts';
import { startTestZeroCache } from '../../server/src/zero/testing.ts';
import type { TestZeroCache } from '../../server/src/zero/testing.ts';
import { openZeroDevice } from '../engine/zero-harness.ts';
import type { ZeroDevice } from '../engine/zero-harness.ts';
import type { Harness } from './harness.ts';
import { now, round, summarise } from './stats.ts';
import type { LatencySummary } from './stats.ts';

const CHANGES = Math.max(50, Number(process.env['BENCH_PROPAGATION_CHANGES'] ?? 60));
const WARMUP = 5;
const ITEMS = 4;

export interface Propagation {
  readonly what: string;
  readonly engine_act_to_b_view: LatencySummary;
  readonly engine_act_to_a_push_answered: LatencySummary;
  readonly zero_mutate_to_b_replica: LatencySummary;
  readonly zero_mutate_to_server_confirmed: LatencySummary;
  readonly ratio_p50: number;
  readonly ratio_p99: number;
}

/** A zero-cache on the harness's database, calling back into its app (invariant 2). */
export async function startBenchZeroCache(h: Harness): Promise<TestZeroCache> {
  useNodeWebSocket();
  return startTestZeroCache({ name: 'stint_bench', url: databaseUrlOf(h.sql), sql: h.sql, drop: async () => undefined }, h.baseUrl);
}

export async function zeroPropagation(h: Harness, cacheUrl: string): Promise<Propagation> {
  const user = { id: h.worker.id, role: 'worker' as const };
  const common = { user, token: h.worker.token, appUrl: () => h.baseUrl, cacheUrl, clock: Date.now };
  const tag = Date.now().toString(36);
  const a = await openZeroDevice({ ...common, name: `bench-a-${tag}` });
  const b = await openZeroDevice({ ...common, name: `bench-b-${tag}` });
  try {
    const taskId = `prop-${tag}`;
    const items = Array.from({ length: ITEMS }, (_, i) => `${taskId}-item-${i}`);
    await pushAs(h, h.supervisor.token, [
      { kind: 'task.create', args: { task_id: taskId, title: 'Propagation probe' } },
      ...items.map((item) => ({ kind: 'checklist.add', args: { checklist_item_id: item, task_id: taskId, title: 'Step', status: 1 } })),
    ]);
    await untilTrue(a.engine.view, () => a.engine.view.getSnapshot().checklist_items.size >= ITEMS);
    const claimed = await a.engine.act('task.claim', { task_id: taskId });
    if (!claimed.accepted) throw new Error(`claim refused: ${claimed.error.message}`);
    await quiet(a);
    await untilTrue(b.engine.view, () => b.engine.view.getSnapshot().tasks.get(taskId)?.claimed_by === user.id);

    const status = new Map(items.map((item) => [item, 1 as ChecklistStatus]));
    const engineMs: number[] = [];
    const answeredMs: number[] = [];
    const zeroMs: number[] = [];
    const confirmedMs: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 2 * (WARMUP + CHANGES); i++) {
      const item = items[i % ITEMS] as string;
      const target = (((status.get(item) ?? 1) % 3) + 1) as ChecklistStatus;
      status.set(item, target);
      const measured = i >= 2 * WARMUP;
      if (i % 2 === 0) {
        const start = now();
        const shown = untilTrue(b.engine.view, () => b.engine.view.getSnapshot().checklist_items.get(item)?.status === target);
        const result = await a.engine.act('checklist.set_status', { checklist_item_id: item, status: target });
        if (!result.accepted) throw new Error(`act refused: ${result.error.message}`);
        // Journaled (pending 1); the push leaves after the 20 ms debounce, so this cannot miss it.
        const answered = untilTrue(a.engine.status, () => a.engine.status.getSnapshot().pending === 0);
        ids.push(result.id);
        const [atB, atAnswer] = await Promise.all([shown, answered]);
        if (measured) {
          engineMs.push(ms(start, atB));
          answeredMs.push(ms(start, atAnswer));
        }
      } else {
        const id = randomUUID();
        ids.push(id);
        const start = now();
        const shown = untilTrue(b.replica, () => b.replica.getState().checklist_items.get(item)?.status === target);
        const sentAt = toIso(Date.now());
        const intent = { id, kind: 'checklist.set_status', args: { checklist_item_id: item, status: target }, occurred_at: sentAt };
        const mutation = a.zero.mutate(zeroMutators.intent({ device_id: `bench-a-zero-${tag}`, sent_at: sentAt, intent }));
        const confirmed = mutation.server.then((answer) => {
          if (answer.type !== 'success') throw new Error(`Zero mutation failed: ${JSON.stringify(answer)}`);
          return now();
        });
        const [atB, atConfirmed] = await Promise.all([shown, confirmed]);
        if (measured) {
          zeroMs.push(ms(start, atB));
          confirmedMs.push(ms(start, atConfirmed));
        }
      }
      await quiet(a);
    }

    const outcomes = await h.sql<{ status: string; n: number }[]>`SELECT status, count(*)::int AS n FROM applied_intents WHERE id = ANY(${ids}) GROUP BY status`;
    const accepted = outcomes.filter((row) => row.status !== 'rejected').reduce((n, row) => n + row.n, 0);
    if (accepted !== ids.length) throw new Error(`not every measured change was accepted: ${JSON.stringify(outcomes)}`);

    const engine = summarise(engineMs);
    const zero = summarise(zeroMs);
    return {
      what: `checklist.set_status by device A (worker) until device B (same worker) shows it, through zero-cache; ${CHANGES} changes per path after ${WARMUP} warm-up each, interleaved, on ${ITEMS} items of one claimed task`,
      engine_act_to_b_view: engine,
      engine_act_to_a_push_answered: summarise(answeredMs),
      zero_mutate_to_b_replica: zero,
      zero_mutate_to_server_confirmed: summarise(confirmedMs),
      ratio_p50: round(engine.p50_ms / zero.p50_ms, 2),
      ratio_p99: round(engine.p99_ms / zero.p99_ms, 2),
    };
  } finally {
    await a.close().catch(() => undefined);
    await b.close().catch(() => undefined);
  }
}

/** Both of A's stores agree and nothing is pending (invariant 1). */
async function quiet(device: ZeroDevice): Promise<void> {
  const engine: Engine = device.engine;
  await untilTrue(engine.view, () => engine.status.getSnapshot().pending === 0 && engine.view.getSnapshot() === device.replica.getState());
}

/** Resolves with the hrtime at which `ready()` first holds, checked now and on every change. */
function untilTrue(source: { subscribe(listener: () => void): () => void }, ready: () => boolean, timeoutMs = 30_000): Promise<bigint> {
  return new Promise((resolve, reject) => {
    let off = (): void => undefined;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`not reached within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = (): boolean => {
      if (!ready()) return false;
      const at = now();
      clearTimeout(timer);
      off();
      resolve(at);
      return true;
    };
    if (check()) return;
    off = source.subscribe(() => void check());
  });
}

function ms(start: bigint, end: bigint): number {
  return Number(end - start) / 1e6;
}

async function pushAs(h: Harness, token: string, intents: readonly { kind: string; args: unknown }[]): Promise<void> {
  const at = toIso(Date.now());
  const body = { device_id: 'bench-setup', sent_at: at, intents: intents.map((intent) => ({ id: randomUUID(), ...intent, occurred_at: at })) };
  const res = (await h.request('POST', '/api/v1/sync/push', token, body)) as { data: { outcomes: { status: string }[] } };
  if (res.data.outcomes.some((outcome) => outcome.status === 'rejected')) throw new Error(`setup refused: ${JSON.stringify(res.data.outcomes)}`);
}

/** The harness's connection as a URL, for zero-cache's ZERO_UPSTREAM_DB. */
function databaseUrlOf(sql: Sql): string {
  const o = sql.options as unknown as { host: string[]; port: number[]; user: string; pass: unknown; database: string };
  if (typeof o.pass !== 'string') throw new Error('the harness connection carries no password for zero-cache');
  return `postgres://${encodeURIComponent(o.user)}:${encodeURIComponent(o.pass)}@${o.host[0] ?? '127.0.0.1'}:${o.port[0] ?? 5432}/${o.database}`;
}
