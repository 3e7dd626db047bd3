/**
 * Who sees what (shared/src/zero/queries.ts) on real Postgres: the synced
 * queries run as ZQL through Zero's postgres.js adapter — the same ZQL
 * zero-cache runs — over random datasets, and must select exactly the rows a
 * naive reference (plain filters over every row, written without ZQL) says
 * each user may see.
 */
import { put } from '@stint/shared';
import type { Actor, BookingRow, Effect, Role, UserRow } from '@stint/shared';
import { ZERO_TABLES, zeroQueries, zeroSchema } from '@stint/shared/zero';
import type { ZeroTableName } from '@stint/shared/zero';
import { zeroPostgresJS } from '@rocicorp/zero/server/adapters/postgresjs';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { applyEffects } from '../db/apply-effects.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { insertUser } from '../users/users.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());
const zql = zeroPostgresJS(zeroSchema, db.sql);

const T0 = Date.UTC(2026, 0, 16, 12, 0, 0);
const MIN = 60_000;

interface Dataset {
  /** Every id of the dataset starts with it; runs share the database but never each other's rows. */
  readonly prefix: string;
  readonly users: readonly UserRow[];
  readonly effects: readonly Effect[];
  readonly intents: readonly { id: string; user_id: string }[];
}

const QUERY_OF: { readonly [T in ZeroTableName]: keyof typeof zeroQueries & string } = {
  users: 'users',
  tasks: 'tasks',
  checklist_items: 'checklistItems',
  work_sessions: 'workSessions',
  user_task_totals: 'userTaskTotals',
  sops: 'sops',
  sop_versions: 'sopVersions',
  procedure_runs: 'procedureRuns',
  safety_checks: 'safetyChecks',
  bookings: 'bookings',
  applied_intents: 'appliedIntents',
};

const KEYS: { readonly [T in ZeroTableName]: readonly string[] } = Object.fromEntries(
  ZERO_TABLES.map((t) => [t, zeroSchema.tables[t].primaryKey]),
) as unknown as { [T in ZeroTableName]: readonly string[] };

const ROLES: readonly Role[] = ['worker', 'worker', 'worker', 'supervisor', 'admin'];
/** User indexes (into ROLES) of the workers, and of anyone. */
const WORKERS = [0, 1, 2];
const ANYONE = [0, 1, 2, 3, 4];

/**
 * What a dataset holds, by user index; `build` names it with a prefix chosen
 * when the property runs, so every run (shrinks included) inserts fresh ids
 * and never meets another run's rows.
 */
const specArb = fc.record({
  claims: fc.array(fc.option(fc.constantFrom(...ANYONE), { nil: null }), { maxLength: 7 }),
  items: fc.array(fc.nat(), { maxLength: 8 }),
  sessions: fc.array(fc.record({ task: fc.nat(), user: fc.constantFrom(...ANYONE) }), { maxLength: 8 }),
  totals: fc.array(fc.record({ task: fc.nat(), user: fc.constantFrom(...ANYONE) }), { maxLength: 8 }),
  sops: fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), { maxLength: 3 }),
  runs: fc.array(fc.record({ worker: fc.constantFrom(...WORKERS), version: fc.nat() }), { maxLength: 5 }),
  checks: fc.array(fc.nat(), { maxLength: 5 }),
  bookings: fc.array(fc.tuple(fc.constantFrom(...ANYONE), fc.constantFrom(...ANYONE)).filter(([a, b]) => a !== b), { maxLength: 4 }),
  intents: fc.array(fc.constantFrom(...ANYONE), { maxLength: 6 }),
});
type Spec = typeof specArb extends fc.Arbitrary<infer S> ? S : never;

function build(spec: Spec, p: string): Dataset {
  const users: UserRow[] = ROLES.map((role, i) => ({ id: `${p}u${i}`, name: `User ${i}`, role, created_at: T0 }));
  const u = (index: number) => `${p}u${index}`;
  const r = {
    ...spec,
    claims: spec.claims.map((c) => (c === null ? null : u(c))),
    sessions: spec.sessions.map((s) => ({ ...s, user: u(s.user) })),
    totals: spec.totals.map((s) => ({ ...s, user: u(s.user) })),
    runs: spec.runs.map((s) => ({ ...s, worker: u(s.worker) })),
    bookings: spec.bookings.map(([a, b]) => [u(a), u(b)] as const),
    intents: spec.intents.map(u),
  };
  const effects: Effect[] = [];
  const taskIds = r.claims.map((_, i) => `${p}t${i}`);
  r.claims.forEach((claimedBy, i) =>
    effects.push(
      put('tasks', {
        id: `${p}t${i}`,
        title: `Task ${i}`,
        status: 'todo',
        claimed_by: claimedBy,
        assigned_at: claimedBy === null ? null : T0,
        time_spent_ms: 0,
        created_at: T0,
        updated_at: T0,
      }),
    ),
  );
  const taskAt = (n: number) => taskIds[n % taskIds.length];
  r.items.forEach((n, i) => {
    const task = taskAt(n);
    if (task === undefined) return;
    effects.push(
      put('checklist_items', { id: `${p}ci${i}`, task_id: task, title: 'Item', status: 1, position: i, deleted_at: null, created_at: T0, updated_at: T0 }),
    );
  });
  r.sessions.forEach((s, i) => {
    const task = taskAt(s.task);
    if (task === undefined) return;
    // Closed and disjoint in time, so no session constraint (I1, I5) is in the way.
    const start = T0 + i * 10 * MIN;
    effects.push(
      put('work_sessions', {
        id: `${p}ws${i}`,
        task_id: task,
        user_id: s.user,
        started_at: start,
        last_heartbeat_at: start,
        ended_at: start + MIN,
        ended_reason: 'pause',
        zone: 'UTC',
        offline: false,
        created_at: start,
        closed_at: start + MIN,
        extended_by_owner: false,
      }),
    );
  });
  const totalKeys = new Set<string>();
  for (const total of r.totals) {
    const task = taskAt(total.task);
    if (task === undefined || totalKeys.has(`${task}:${total.user}`)) continue;
    totalKeys.add(`${task}:${total.user}`);
    effects.push(put('user_task_totals', { user_id: total.user, task_id: task, accumulated_ms: MIN, updated_at: T0 }));
  }
  const versions: { sop: string; version: number }[] = [];
  r.sops.forEach((confirmed, s) => {
    const sopId = `${p}sop${s}`;
    effects.push(
      put('sops', { id: sopId, title: `SOP ${s}`, latest_version: confirmed.length, created_by: `${p}u3`, deleted_at: null, created_at: T0, updated_at: T0 }),
    );
    confirmed.forEach((isConfirmed, v) => {
      versions.push({ sop: sopId, version: v + 1 });
      effects.push(
        put('sop_versions', {
          sop_id: sopId,
          version: v + 1,
          title: `SOP ${s} v${v + 1}`,
          status: isConfirmed ? 'confirmed' : 'draft',
          tasks: [],
          created_at: T0,
          confirmed_at: isConfirmed ? T0 : null,
        }),
      );
    });
  });
  const runIds: string[] = [];
  r.runs.forEach((run, i) => {
    const pinned = versions[run.version % Math.max(versions.length, 1)];
    if (pinned === undefined) return;
    runIds.push(`${p}run${i}`);
    effects.push(
      put('procedure_runs', {
        id: `${p}run${i}`,
        sop_id: pinned.sop,
        sop_version: pinned.version,
        worker_id: run.worker,
        status: 'completed',
        current_step_id: null,
        started_at: T0,
        paused_at: null,
        completed_at: T0 + MIN,
        locked: false,
        locked_by: null,
        locked_at: null,
        updated_at: T0 + MIN,
      }),
    );
  });
  r.checks.forEach((n, i) => {
    const run = runIds[n % Math.max(runIds.length, 1)];
    if (run === undefined) return;
    effects.push(
      put('safety_checks', { id: `${p}chk${i}`, run_id: run, step_id: 'step', result: 'passed', notes: null, checked_by: `${p}u0`, checked_at: T0 }),
    );
  });
  r.bookings.forEach(([mentor, student], i) => {
    const booking: BookingRow = {
      id: `${p}b${i}`,
      mentor_id: mentor,
      student_id: student,
      start_time: T0,
      end_time: T0 + 60 * MIN,
      status: 'SCHEDULED',
      is_delayed: false,
      started_at: null,
      completed_at: null,
      updated_at: T0,
    };
    effects.push(put('bookings', booking));
  });
  const intents = r.intents.map((user, i) => ({ id: `${p}ai${i}`, user_id: user }));
  return { prefix: p, users, effects, intents };
}

async function insert(dataset: Dataset): Promise<void> {
  for (const user of dataset.users) await insertUser(db.sql, user);
  await db.sql.begin(async (tx) => {
    await applyEffects(tx, dataset.effects);
    for (const intent of dataset.intents) {
      await tx`INSERT INTO applied_intents (id, user_id, device_id, kind, received_at, status, created_at)
               VALUES (${intent.id}, ${intent.user_id}, 'dev', 'task.claim', ${new Date(T0)}, 'accepted', ${new Date(T0)})`;
    }
  });
}

type AnyRow = Readonly<Record<string, unknown>>;
type Everything = { readonly [T in ZeroTableName]: readonly AnyRow[] };

/** Every row of every synced table whose key starts with `prefix`. */
async function everything(prefix = ''): Promise<Everything> {
  const out: Partial<Record<ZeroTableName, readonly AnyRow[]>> = {};
  for (const table of ZERO_TABLES) {
    const rows = await db.sql<AnyRow[]>`SELECT * FROM ${db.sql(table)}`;
    out[table] = rows.filter((row) => keyOf(table, row).startsWith(`["${prefix}`));
  }
  return out as Everything;
}

/** The reference: who may see which rows, as plain filters (queries.ts invariants 2–4). */
function reference(all: Everything, actor: Actor): { readonly [T in ZeroTableName]: readonly AnyRow[] } {
  const me = actor.user_id;
  const supervisor = actor.role !== 'worker';
  const tasks = all.tasks.filter((t) => supervisor || t['claimed_by'] === me || t['claimed_by'] === null);
  const taskIds = new Set(tasks.map((t) => t['id']));
  const myRuns = all.procedure_runs.filter((r) => r['worker_id'] === me);
  const partners = new Set(
    all.bookings.flatMap((b) => (b['mentor_id'] === me ? [b['student_id']] : b['student_id'] === me ? [b['mentor_id']] : [])),
  );
  const sees = <R extends AnyRow>(rows: readonly R[], worker: (row: R) => boolean) => (supervisor ? rows : rows.filter(worker));
  return {
    users: sees(all.users, (u) => u['id'] === me || partners.has(u['id'])),
    tasks,
    checklist_items: sees(all.checklist_items, (i) => taskIds.has(i['task_id'])),
    work_sessions: sees(all.work_sessions, (s) => s['user_id'] === me && taskIds.has(s['task_id'])),
    user_task_totals: sees(all.user_task_totals, (s) => s['user_id'] === me && taskIds.has(s['task_id'])),
    sops: sees(
      all.sops,
      (s) =>
        all.sop_versions.some((v) => v['sop_id'] === s['id'] && v['status'] === 'confirmed') || myRuns.some((r) => r['sop_id'] === s['id']),
    ),
    sop_versions: sees(
      all.sop_versions,
      (v) => v['status'] === 'confirmed' || myRuns.some((r) => r['sop_id'] === v['sop_id'] && r['sop_version'] === v['version']),
    ),
    procedure_runs: sees(all.procedure_runs, (r) => r['worker_id'] === me),
    safety_checks: sees(all.safety_checks, (c) => myRuns.some((r) => r['id'] === c['run_id'])),
    bookings: sees(all.bookings, (b) => b['mentor_id'] === me || b['student_id'] === me),
    applied_intents: all.applied_intents.filter((i) => i['user_id'] === me),
  };
}

async function visible(table: ZeroTableName, actor: Actor): Promise<string[]> {
  const query = (zeroQueries[QUERY_OF[table]] as unknown as { fn: (o: { args: undefined; ctx: Actor }) => never }).fn({ args: undefined, ctx: actor });
  const rows = (await zql.run(query)) as readonly AnyRow[];
  return rows.map((row) => keyOf(table, row)).sort();
}

function keyOf(table: ZeroTableName, row: AnyRow): string {
  return JSON.stringify(KEYS[table].map((k) => row[k]));
}

describe('synced query visibility on Postgres', () => {
  test('every query selects exactly what the reference allows, for every role, over random datasets', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        const dataset = build(spec, `r${run++}_`);
        await insert(dataset);
        const all = await everything(dataset.prefix);
        for (const user of dataset.users) {
          const actor: Actor = { user_id: user.id, role: user.role };
          const expected = reference(all, actor);
          for (const table of ZERO_TABLES) {
            const rows = (await visible(table, actor)).filter((key) => key.startsWith(`["${dataset.prefix}`));
            expect({ table, user: user.id, rows }).toEqual({
              table,
              user: user.id,
              rows: expected[table].map((row) => keyOf(table, row)).sort(),
            });
          }
        }
      }),
      { numRuns: 60 },
    );
  }, 240_000);

  test("a worker never sees another worker's claimed task, its items or its sessions; the claimer does", async () => {
    const [a, b] = ['fx_wa', 'fx_wb'];
    for (const id of [a, b]) await insertUser(db.sql, { id, name: id, role: 'worker', created_at: T0 });
    await db.sql.begin((tx) =>
      applyEffects(tx, [
        put('tasks', { id: 'fx_t', title: 'Claimed', status: 'todo', claimed_by: a, assigned_at: T0, time_spent_ms: 0, created_at: T0, updated_at: T0 }),
        put('checklist_items', { id: 'fx_ci', task_id: 'fx_t', title: 'Item', status: 1, position: 0, deleted_at: null, created_at: T0, updated_at: T0 }),
        put('work_sessions', {
          id: 'fx_ws', task_id: 'fx_t', user_id: a, started_at: T0, last_heartbeat_at: T0, ended_at: T0 + MIN,
          ended_reason: 'pause', zone: 'UTC', offline: false, created_at: T0, closed_at: T0 + MIN, extended_by_owner: false,
        }),
      ]),
    );
    const worker = (id: string): Actor => ({ user_id: id, role: 'worker' });
    expect(await visible('tasks', worker(b))).not.toContain(keyOf('tasks', { id: 'fx_t' }));
    expect(await visible('checklist_items', worker(b))).not.toContain(keyOf('checklist_items', { id: 'fx_ci' }));
    expect(await visible('work_sessions', worker(b))).not.toContain(keyOf('work_sessions', { id: 'fx_ws' }));
    expect(await visible('tasks', worker(a))).toContain(keyOf('tasks', { id: 'fx_t' }));
    expect(await visible('checklist_items', worker(a))).toContain(keyOf('checklist_items', { id: 'fx_ci' }));
    expect(await visible('work_sessions', worker(a))).toContain(keyOf('work_sessions', { id: 'fx_ws' }));
  });

  test('Zero rows read from Postgres have the shared row shapes (timestamps as epoch ms)', async () => {
    const task = (await zql.run(zeroQueries.tasks.fn({ args: undefined, ctx: { user_id: 'x', role: 'admin' } })))[0];
    expect(task).toBeDefined();
    expect(typeof task?.created_at).toBe('number');
    expect(typeof task?.time_spent_ms).toBe('number');
  });
});

