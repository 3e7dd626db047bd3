/**
 * The simulation's server side: the real app (createApp) on a real Postgres
 * database, a virtual clock, a fixed pool of signed-in users, and the two
 * faults the simulator injects into it.
 *
 *  - restart(): a new app instance on the same database (what survives a
 *    restart is only what Postgres holds; auth keys reload from it).
 *  - a crash in the middle of a batch: `armCrash(intentId)` makes the
 *    insert of that intent's applied_intents row raise inside the batch's
 *    transaction (a fault trigger installed in this test database only), so
 *    the intents before it in the batch have been applied and are then
 *    rolled back with the whole transaction, exactly as when the process
 *    dies before COMMIT.
 *
 * Invariants:
 *  1. `reset()` leaves every rule table and applied_intents empty, the
 *     users (and their tokens) in place, and the clock at the epoch, so a
 *     seed runs the same whatever ran before it. audit_log is append-only
 *     (it refuses TRUNCATE): rows of earlier seeds stay, and a snapshot
 *     reads only the current seed's (ids start with the seed's prefix).
 *  2. `snapshot()` reads every table and runs the consistency query in one
 *     repeatable-read transaction: one consistent instant of the database.
 */
import type { Role, State, StateRows, TableName } from '@stint/shared';
import { stateFrom } from '@stint/shared';
import { createApp } from '../../server/src/app.ts';
import type { App } from '../../server/src/app.ts';
import { manualClock } from '../../server/src/clock.ts';
import type { ManualClock } from '../../server/src/clock.ts';
import { loadConfig } from '../../server/src/config.ts';
import type { Config } from '../../server/src/config.ts';
import { checkConsistency } from '../../server/src/db/consistency.ts';
import type { ConsistencyViolation } from '../../server/src/db/consistency.ts';
import { readRows, selectRows } from '../../server/src/db/rows.ts';
import type { Sql } from '../../server/src/db/sql.ts';
import { toMillisOrNull } from '../../server/src/db/sql.ts';
import { createLogger } from '../../server/src/log.ts';
import { createMetrics } from '../../server/src/metrics/metrics.ts';
import { schedulerJobs } from '../../server/src/scheduler/jobs.ts';
import { insertUser } from '../../server/src/users/users.ts';

/** 2026-03-02T09:00:00Z: every seed starts its server clock here. */
export const SIM_EPOCH = Date.UTC(2026, 2, 2, 9, 0, 0);
const ADMIN_TOKEN = 'sim-admin-token-0123456789abcdef';

export interface SimUser {
  readonly id: string;
  readonly role: Role;
  readonly token: string;
}

/** The pool every seed draws its users from. */
export const USER_POOL: readonly { readonly id: string; readonly role: Role }[] = [
  { id: 'sim-w1', role: 'worker' },
  { id: 'sim-w2', role: 'worker' },
  { id: 'sim-w3', role: 'worker' },
  { id: 'sim-s1', role: 'supervisor' },
  { id: 'sim-s2', role: 'supervisor' },
];

/** The rule tables a seed writes, truncated between seeds. */
const RULE_TABLES: readonly Exclude<TableName, 'audit_log'>[] = [
  'tasks',
  'checklist_items',
  'work_sessions',
  'user_task_totals',
  'sops',
  'sop_versions',
  'procedure_runs',
  'safety_checks',
  'bookings',
];

/** What applied_intents holds of one intent. */
export interface StoredDecision {
  readonly id: string;
  readonly user_id: string;
  readonly device_id: string;
  readonly kind: string;
  readonly status: 'accepted' | 'accepted_with_adjustment' | 'rejected';
  readonly code: string | null;
  readonly effective_at: number | null;
  readonly time_source: 'server' | 'device' | 'clamped' | null;
  /** When the server recorded it: late evidence within the cutoff of it reopens a session. */
  readonly received_at: number;
}

export interface Snapshot {
  readonly state: State;
  readonly applied: ReadonlyMap<string, StoredDecision>;
  readonly consistency: readonly ConsistencyViolation[];
}

export class SimServer {
  readonly sql: Sql;
  readonly clock: ManualClock;
  config: Config;
  readonly users: readonly SimUser[];
  app: App;
  restarts = 0;

  private constructor(sql: Sql, config: Config, clock: ManualClock, users: readonly SimUser[]) {
    this.sql = sql;
    this.config = config;
    this.clock = clock;
    this.users = users;
    this.app = this.newApp();
  }

  /** Installs the fault trigger and the user pool on a migrated database. */
  static async create(sql: Sql): Promise<SimServer> {
    const config = simConfig({});
    const clock = manualClock(SIM_EPOCH);
    await installFaults(sql);
    const bootstrap = createApp({ sql, config, clock, logger: createLogger('silent') });
    const users: SimUser[] = [];
    for (const { id, role } of USER_POOL) {
      await insertUser(sql, { id, name: id, role, created_at: SIM_EPOCH });
      const res = await bootstrap.request(`/api/v1/users/${id}/tokens`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      if (res.status !== 201) throw new Error(`token for ${id}: HTTP ${res.status}`);
      const body = (await res.json()) as { data: { token: string } };
      users.push({ id, role, token: body.data.token });
    }
    return new SimServer(sql, config, clock, users);
  }

  /**
   * Empties the rule tables and outcomes, disarms faults, rewinds the clock
   * (invariant 1), and configures the server for the seed: the look-back
   * window for offline times (DESIGN §3) and the stale cutoff, so short
   * windows get exercised as well as the defaults.
   */
  async reset(settings: ServerSettings = {}): Promise<void> {
    await this.sql.unsafe(`TRUNCATE ${[...RULE_TABLES, 'applied_intents', 'sim_faults'].join(', ')}`);
    this.clock.set(SIM_EPOCH);
    this.config = simConfig(settings);
    this.app = this.newApp();
  }

  /** The process restarts: a new app on the same database. */
  restart(): void {
    this.restarts += 1;
    this.app = this.newApp();
  }

  /** POST /api/v1/sync/push as `token`, in-process. */
  async push(token: string, body: string): Promise<{ status: number; text: string }> {
    const res = await this.app.request('/api/v1/sync/push', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    return { status: res.status, text: await res.text() };
  }

  /** One scheduler period: the production jobs (stale-session sweep, booking sweep) at the virtual now, in order. */
  async tick(): Promise<void> {
    const deps = { sql: this.sql, clock: this.clock, config: this.config, logger: createLogger('silent'), metrics: createMetrics() };
    for (const job of schedulerJobs(deps)) await job.run();
  }

  /** The stale cutoff the scheduler uses. */
  get staleCutoffMs(): number {
    return this.config.STALE_CUTOFF_S * 1000;
  }

  /** The next insert of this intent's outcome fails, rolling back its batch's transaction. */
  async armCrash(intentId: string): Promise<void> {
    await this.sql`INSERT INTO sim_faults (intent_id) VALUES (${intentId}) ON CONFLICT DO NOTHING`;
  }

  async disarmCrash(): Promise<void> {
    await this.sql`DELETE FROM sim_faults`;
  }

  /** Every table, this seed's audit rows, the outcomes and the consistency query, at one instant (invariant 2). */
  async snapshot(auditPrefix: string): Promise<Snapshot> {
    return this.sql.begin('isolation level repeatable read read only', async (tx) => {
      // Issued together: postgres.js pipelines them on the transaction's one connection.
      const [tables, audit, applied, consistency] = await Promise.all([
        Promise.all(RULE_TABLES.map((table) => selectRows(tx, table))),
        tx`SELECT * FROM audit_log WHERE starts_with(id, ${auditPrefix})`,
        tx<RawDecision[]>`SELECT id, user_id, device_id, kind, status, code, effective_at, time_source, received_at FROM applied_intents`,
        checkConsistency(tx),
      ]);
      const rows: Record<string, unknown[]> = { audit_log: readRows('audit_log', audit) };
      RULE_TABLES.forEach((table, i) => {
        rows[table] = tables[i] ?? [];
      });
      return {
        state: stateFrom(rows as StateRows),
        applied: new Map(applied.map((raw) => [raw.id, { ...raw, effective_at: toMillisOrNull(raw.effective_at), received_at: raw.received_at.getTime() }])),
        consistency,
      };
    });
  }

  private newApp(): App {
    return createApp({ sql: this.sql, config: this.config, clock: this.clock, logger: createLogger('silent') });
  }
}

export interface ServerSettings {
  readonly lookBackS?: number;
  readonly staleCutoffS?: number;
}

function simConfig(settings: ServerSettings): Config {
  const env: Record<string, string> = { ADMIN_TOKEN, LOG_LEVEL: 'silent' };
  if (settings.lookBackS !== undefined) env['LOOK_BACK_S'] = String(settings.lookBackS);
  if (settings.staleCutoffS !== undefined) env['STALE_CUTOFF_S'] = String(settings.staleCutoffS);
  return loadConfig(env, '/tmp');
}

interface RawDecision extends Omit<StoredDecision, 'effective_at' | 'received_at'> {
  readonly effective_at: Date | null;
  readonly received_at: Date;
}

/** The crash fault (see the module comment); idempotent. */
async function installFaults(sql: Sql): Promise<void> {
  await sql.unsafe(`
    CREATE TABLE IF NOT EXISTS sim_faults (intent_id text PRIMARY KEY);
    CREATE OR REPLACE FUNCTION sim_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM sim_faults WHERE intent_id = NEW.id) THEN
        RAISE EXCEPTION 'simulated crash while applying intent %', NEW.id USING ERRCODE = 'XX000';
      END IF;
      RETURN NEW;
    END $$;
    DROP TRIGGER IF EXISTS sim_fault ON applied_intents;
    CREATE TRIGGER sim_fault BEFORE INSERT ON applied_intents FOR EACH ROW EXECUTE FUNCTION sim_fault();
  `);
}
