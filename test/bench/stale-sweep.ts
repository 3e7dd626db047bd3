/**
 * Bench row (issue 7): the stale-session sweep over a large table —
 * `BENCH_SWEEP_SESSIONS` work sessions, of which `BENCH_SWEEP_OPEN` (default
 * 10,000) are open and all stale — against baselines measured in the same
 * run on the same rows.
 *
 * Size: 1,000,000 sessions by default (the figure); a quicker run
 * takes BENCH_SWEEP_SESSIONS=250000. Building the rows is bound by the I5
 * exclusion constraint (a GiST index on (task_id, tstzrange)): about 110 µs
 * a row on the 2-CPU machines here, ~2 min for 1,000,000 — whether the rows
 * are inserted under the constraint or the constraint is added afterwards
 * (measured both; inserting in task order or random order is slower still).
 * The 10,000 open sessions, which are what the sweep writes, are the same in
 * every size.
 *
 * Invariants of the data set (so the sweep runs on a table the database and
 * the consistency query accept, not on rows no rule could have made):
 *  1. Built set-based with generate_series in its own database of the same
 *     cluster, migrated like every other: the million rows cannot slow the
 *     other rows of the bench, and zero-cache (if another row runs it) never
 *     replicates them.
 *  2. I1/I3: each of the first OPEN tasks has exactly one open session, by
 *     its claimer, and is in-progress; every other task is on-hold.
 *  3. I5: the closed sessions are spread round-robin over TASKS tasks, the
 *     k-th of a task in the k-th 10-minute slot (5 minutes long), and the
 *     open one starts after the last slot: no two sessions of a task overlap.
 *  4. I4: tasks.time_spent_ms and user_task_totals hold the sums of the
 *     closed sessions. The consistency query runs after the sweep and must
 *     find nothing.
 *  5. Every open session's last heartbeat is a day old and every other row
 *     is older, so the sweep at the real `now` closes exactly OPEN sessions
 *     and the second run closes none — both checked, or the row fails.
 *
 * Measured: the committed sweep (closes OPEN), its idempotent second run,
 * and as baselines on the same data: the sweep's selection alone
 * (`SELECT count(*) … WHERE ended_at IS NULL AND last_heartbeat_at < cutoff`)
 * and the sweep's floor as a write, one plain `UPDATE work_sessions SET
 * ended_at … WHERE <same predicate>` (no task, totals or audit rows),
 * run in a rolled-back transaction before the real sweep. The sweep itself
 * is also timed REPS times in rolled-back transactions, interleaved with the
 * UPDATE, so the ratio compares medians taken on the same machine moments.
 */
import { migrate } from '../../server/src/db/migrate.ts';
import { checkConsistency } from '../../server/src/db/consistency.ts';
import { createSql } from '../../server/src/db/sql.ts';
import type { Queryable, Sql } from '../../server/src/db/sql.ts';
import { sweepStaleSessions } from '../../server/src/scheduler/stale-sessions.ts';
import type { Harness } from './harness.ts';
import { elapsedMs, now, percentile, round, timed } from './stats.ts';

const SESSIONS = Number(process.env['BENCH_SWEEP_SESSIONS'] ?? 1_000_000);
const OPEN = Number(process.env['BENCH_SWEEP_OPEN'] ?? 10_000);
/** ~10 closed sessions per task. */
const TASKS = Math.max(OPEN, Math.ceil((SESSIONS - OPEN) / 10));
const USERS = 1_000;
const REPS = 3;
/** The scheduler's default cutoff (API.md STALE_CUTOFF_S). */
const CUTOFF_MS = 180_000;
const DATABASE = 'stint_bench_sweep';

export interface StaleSweepFigures {
  readonly what: string;
  readonly sessions: number;
  readonly open_stale: number;
  readonly tasks: number;
  readonly users: number;
  readonly build_s: number;
  /** The committed sweep that closed every open session. */
  readonly sweep_ms: number;
  readonly sweep_closed: number;
  /** The same sweep right after: nothing left to close. */
  readonly second_run_ms: number;
  readonly second_run_closed: number;
  /** Medians over REPS rolled-back runs, interleaved. */
  readonly sweep_rolled_back_p50_ms: number;
  readonly baseline_update_p50_ms: number;
  readonly baseline_count_p50_ms: number;
  readonly ratio_sweep_vs_update: number;
  readonly ratio_sweep_vs_count: number;
  readonly consistency_violations: number;
  readonly consistency_check_s: number;
}

export async function benchStaleSweep(h: Harness): Promise<StaleSweepFigures> {
  if (!(OPEN > 0 && SESSIONS > OPEN)) throw new Error(`BENCH_SWEEP_SESSIONS (${SESSIONS}) must exceed BENCH_SWEEP_OPEN (${OPEN}) > 0`);
  const sql = await ownDatabase(h.sql);
  try {
    const at = Date.now();
    const built = now();
    await buildDataSet(sql, at);
    const buildS = elapsedMs(built) / 1000;
    const staleBefore = new Date(at - CUTOFF_MS);

    const sweepMs: number[] = [];
    const updateMs: number[] = [];
    const countMs: number[] = [];
    for (let i = 0; i < REPS; i += 1) {
      sweepMs.push(await rolledBack(sql, async (tx) => expectCount((await sweepStaleSessions(tx, at, CUTOFF_MS)).count, OPEN, 'rolled-back sweep')));
      updateMs.push(await rolledBack(sql, async (tx) => {
        const rows = await tx`UPDATE work_sessions SET ended_at = last_heartbeat_at, ended_reason = 'stale_timeout'
                              WHERE ended_at IS NULL AND last_heartbeat_at < ${staleBefore}`;
        expectCount(rows.count, OPEN, 'baseline UPDATE');
      }));
      countMs.push(await timed(async () => {
        const [row] = await sql<{ n: number }[]>`SELECT count(*) AS n FROM work_sessions WHERE ended_at IS NULL AND last_heartbeat_at < ${staleBefore}`;
        expectCount(row?.n ?? -1, OPEN, 'baseline count');
      }));
    }

    let closed = -1;
    const sweep = await timed(async () => {
      closed = (await sweepStaleSessions(sql, at, CUTOFF_MS)).count;
    });
    expectCount(closed, OPEN, 'committed sweep');
    let again = -1;
    const second = await timed(async () => {
      again = (await sweepStaleSessions(sql, at, CUTOFF_MS)).count;
    });
    expectCount(again, 0, 'second sweep');

    const checked = now();
    const violations = await checkConsistency(sql);
    const checkS = elapsedMs(checked) / 1000;
    if (violations.length > 0) throw new Error(`the sweep left ${violations.length} consistency violations, e.g. ${JSON.stringify(violations[0])}`);

    const sweepP50 = percentile(sweepMs, 50);
    const updateP50 = percentile(updateMs, 50);
    const countP50 = percentile(countMs, 50);
    return {
      what: `sweepStaleSessions (one statement: sessions, totals, tasks, audit) over ${SESSIONS} sessions with ${OPEN} open and stale, vs the same predicate as a bare UPDATE of work_sessions (rolled back) and as SELECT count(*)`,
      sessions: SESSIONS,
      open_stale: OPEN,
      tasks: TASKS,
      users: USERS,
      build_s: round(buildS, 1),
      sweep_ms: round(sweep, 1),
      sweep_closed: closed,
      second_run_ms: round(second, 2),
      second_run_closed: again,
      sweep_rolled_back_p50_ms: round(sweepP50, 1),
      baseline_update_p50_ms: round(updateP50, 1),
      baseline_count_p50_ms: round(countP50, 2),
      ratio_sweep_vs_update: round(sweepP50 / updateP50, 2),
      ratio_sweep_vs_count: round(sweepP50 / countP50, 1),
      consistency_violations: violations.length,
      consistency_check_s: round(checkS, 1),
    };
  } finally {
    await sql.end({ timeout: 5 });
    await h.sql.unsafe(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`).catch(() => undefined);
  }
}

/** The table's lines for this row. */
export function staleSweepLines(r: StaleSweepFigures): string[] {
  const line = (cells: readonly (string | number)[]): string => cells.map((cell, i) => String(cell).padEnd(i === 0 ? 52 : 12)).join('');
  return [
    `(e) stale sweep: ${r.sessions.toLocaleString('en')} sessions, ${r.open_stale.toLocaleString('en')} open and stale (ms; data built in ${r.build_s} s)`,
    line(['', 'ms', 'closed']),
    line(['sweepStaleSessions, committed', r.sweep_ms, r.sweep_closed]),
    line(['sweepStaleSessions, second run (idempotent)', r.second_run_ms, r.second_run_closed]),
    line([`sweepStaleSessions, rolled back (p50 of ${REPS})`, r.sweep_rolled_back_p50_ms, r.open_stale]),
    line([`bare UPDATE work_sessions, rolled back (p50 of ${REPS})`, r.baseline_update_p50_ms, r.open_stale]),
    line([`SELECT count(*) of stale sessions (p50 of ${REPS})`, r.baseline_count_p50_ms]),
    line(['ratio sweep / bare UPDATE', r.ratio_sweep_vs_update]),
    line(['ratio sweep / count(*)', r.ratio_sweep_vs_count]),
    `consistency query after the sweep: ${r.consistency_violations} violations (${r.consistency_check_s} s)`,
  ];
}

/** A fresh, migrated database in the harness's cluster (invariant 1). */
async function ownDatabase(admin: Sql): Promise<Sql> {
  const o = admin.options as unknown as { host: string[]; port: number[]; user: string; pass: unknown };
  if (typeof o.pass !== 'string') throw new Error('the harness connection carries no password to reach a second database');
  const url = `postgres://${encodeURIComponent(o.user)}:${encodeURIComponent(o.pass)}@${o.host[0] ?? '127.0.0.1'}:${o.port[0] ?? 5432}/${DATABASE}`;
  await admin.unsafe(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await migrate(url);
  return createSql(url, { max: 2 });
}

/**
 * Invariants 2–5, in five set-based statements. Slot k of a task is
 * [base + k·10 min, base + k·10 min + 5 min); the open session starts in the
 * slot after the last closed one.
 */
async function buildDataSet(sql: Sql, at: number): Promise<void> {
  const closed = SESSIONS - OPEN;
  const base = new Date(at - 2 * 24 * 3_600_000);
  const slots = Math.ceil(closed / TASKS);
  const openStart = new Date(base.getTime() + slots * 600_000);
  const openHeartbeat = new Date(openStart.getTime() + 60_000);
  if (openHeartbeat.getTime() > at - 24 * 3_600_000) throw new Error('too many sessions per task: the open ones would not be a day old');
  await sql.begin(async (tx) => {
    await tx`INSERT INTO users (id, name, role, created_at)
             SELECT 'sweep-u' || u, 'Sweep worker ' || u, 'worker', ${base} FROM generate_series(0, ${USERS - 1}) u`;
    // Closed sessions per task t (round-robin over i): ceil((closed - t) / TASKS) for t < closed.
    await tx`INSERT INTO tasks (id, title, status, claimed_by, assigned_at, time_spent_ms, created_at, updated_at)
             SELECT 'sweep-t' || t, 'Sweep task ' || t,
                    CASE WHEN t < ${OPEN} THEN 'in-progress' ELSE 'on-hold' END,
                    'sweep-u' || (t % ${USERS}), ${base},
                    greatest(0, (${closed} - t + ${TASKS} - 1) / ${TASKS}) * 300000,
                    ${base}, ${openHeartbeat}
             FROM generate_series(0, ${TASKS - 1}) t`;
    await tx`INSERT INTO user_task_totals (user_id, task_id, accumulated_ms, updated_at)
             SELECT claimed_by, id, time_spent_ms, updated_at FROM tasks WHERE id LIKE 'sweep-t%' AND time_spent_ms > 0`;
    await tx`INSERT INTO work_sessions (id, task_id, user_id, started_at, last_heartbeat_at, ended_at, ended_reason, zone, offline, created_at, closed_at)
             SELECT 'sweep-s' || i, 'sweep-t' || (i % ${TASKS}), 'sweep-u' || ((i % ${TASKS}) % ${USERS}),
                    ${base}::timestamptz + (i / ${TASKS}) * interval '10 minutes',
                    ${base}::timestamptz + (i / ${TASKS}) * interval '10 minutes' + interval '5 minutes',
                    ${base}::timestamptz + (i / ${TASKS}) * interval '10 minutes' + interval '5 minutes',
                    'pause', 'UTC', false,
                    ${base}::timestamptz + (i / ${TASKS}) * interval '10 minutes',
                    ${base}::timestamptz + (i / ${TASKS}) * interval '10 minutes' + interval '5 minutes'
             FROM generate_series(0, ${closed - 1}) i`;
    await tx`INSERT INTO work_sessions (id, task_id, user_id, started_at, last_heartbeat_at, ended_at, ended_reason, zone, offline, created_at)
             SELECT 'sweep-open-' || t, 'sweep-t' || t, 'sweep-u' || (t % ${USERS}), ${openStart}, ${openHeartbeat}, NULL, NULL, 'UTC', false, ${openStart}
             FROM generate_series(0, ${OPEN - 1}) t`;
  });
  // Fresh statistics, as autovacuum would have them on a table that grew over time.
  await sql`VACUUM ANALYZE work_sessions, tasks, user_task_totals`;
}

/** Runs `body` in a transaction that is always rolled back; returns its time (without the rollback). */
async function rolledBack(sql: Sql, body: (tx: Queryable) => Promise<void>): Promise<number> {
  let ms = Number.NaN;
  await sql
    .begin(async (tx) => {
      ms = await timed(() => body(tx));
      throw new RollBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollBack)) throw error;
    });
  return ms;
}

class RollBack extends Error {}

function expectCount(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what} touched ${actual} sessions, expected ${expected}`);
}
