/**
 * Engines on the real read path: each device has its own fake-indexeddb
 * factory (its own journal), its own Zero client (kvStore 'mem') behind its
 * own loopback link to zero-cache, and a `ZeroReplica` as the engine's
 * replica — what the web app runs, minus the browser.
 *
 * Invariants:
 *  1. A device goes offline as a phone does: its pushes fail as network
 *     errors AND its Zero connection is cut (open sockets destroyed, new
 *     ones refused), so its replica stops hearing about others' changes.
 *  2. `serverView` is the reference for "what this user may see", written
 *     as plain filters over the database rows, independently of the synced
 *     queries it checks (shared/src/zero/queries.ts invariants 2–4).
 *  3. `stop()` of a link closes every socket it holds; nothing outlives a test.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { stateFrom, unreachable } from '@stint/shared';
import type { Actor, Millis, Role, State, StateRows, TableName } from '@stint/shared';
import { createEngine, httpTransport, openJournal, readAllRows } from '../../client/src/engine/index.ts';
import type { Engine, EngineOptions, JournalRow } from '../../client/src/engine/index.ts';
import { createStintZero } from '../../client/src/replica/stint-zero.ts';
import type { StintZero } from '../../client/src/replica/stint-zero.ts';
import { ZeroReplica } from '../../client/src/replica/zero-replica.ts';
import { selectRows } from '../../server/src/db/rows.ts';
import type { Sql } from '../../server/src/db/sql.ts';
import { DeviceTransport, SYNCED_TABLES } from './harness.ts';

/** A TCP link from a device to zero-cache that can be cut (invariant 1). */
export class Link {
  readonly url: string;
  private online = true;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor(server: Server) {
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async to(targetUrl: string): Promise<Link> {
    const target = new URL(targetUrl);
    let link: Link | null = null;
    const server = createServer((client) => {
      if (link === null || !link.online) {
        client.destroy();
        return;
      }
      const upstream = connect(Number(target.port), target.hostname);
      for (const socket of [client, upstream]) {
        link.sockets.add(socket);
        socket.on('close', () => link?.sockets.delete(socket));
        // Either side failing ends both: a cut link is a cut link.
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1' }, () => resolve());
    });
    link = new Link(server);
    return link;
  }

  get isOnline(): boolean {
    return this.online;
  }

  set isOnline(online: boolean) {
    this.online = online;
    if (!online) for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.isOnline = false;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ZeroDevice {
  readonly name: string;
  readonly user: Actor;
  engine: Engine;
  readonly zero: StintZero;
  readonly replica: ZeroReplica;
  readonly transport: DeviceTransport;
  readonly link: Link;
  readonly dbName: string;
  /** Zero's most recent log lines. */
  readonly zeroLog: readonly string[];
  /** Network on or off: pushes and the Zero connection together (invariant 1). */
  setOnline(online: boolean): void;
  /** A new engine on the same IndexedDB and replica, as after a reload; close the old one first. */
  reopen(): Promise<Engine>;
  /** Every journal row, in seq order. */
  journal(): Promise<JournalRow[]>;
  close(): Promise<void>;
}

export interface ZeroDeviceOptions {
  readonly name: string;
  readonly user: { readonly id: string; readonly role: Role };
  readonly token: string;
  /** The app, e.g. http://127.0.0.1:4321 (pushes go to its /api/v1/sync/push). */
  readonly appUrl: () => string;
  readonly cacheUrl: string;
  readonly clock: () => Millis;
  readonly engine?: Partial<EngineOptions>;
}

export async function openZeroDevice(options: ZeroDeviceOptions): Promise<ZeroDevice> {
  const actor: Actor = { user_id: options.user.id, role: options.user.role };
  const idb = { indexedDB: new IDBFactory(), IDBKeyRange };
  const link = await Link.to(options.cacheUrl);
  const zeroLog: string[] = [];
  const zero = createStintZero({
    cacheURL: link.url,
    token: options.token,
    user: actor,
    kvStore: 'mem',
    // Zero logs every failed reconnect while a device is offline, as an error; keep its lines for diagnosis instead.
    zero: { onUpdateNeeded: () => undefined, onClientStateNotFound: () => undefined, logSink: { log: (level, context, ...args) => keep(zeroLog, `${level} ${JSON.stringify(context)} ${args.map(String).join(' ')}`) } },
  });
  const replica = new ZeroReplica(zero);
  await replica.whenComplete();
  const transport = new DeviceTransport(
    httpTransport({ baseUrl: '', token: options.token, fetch: (url, init) => fetch(`${options.appUrl()}${url}`, init) }),
  );
  const dbName = `stint-${options.user.id}-${options.name}`;
  const open = (): Promise<Engine> =>
    createEngine({
      ...idb,
      dbName,
      user: options.user,
      deviceId: `${options.name}-device`,
      zone: 'Europe/Madrid',
      transport,
      replica,
      clock: options.clock,
      ...options.engine,
    });
  const device: ZeroDevice = {
    name: options.name,
    user: actor,
    engine: await open(),
    zero,
    replica,
    transport,
    link,
    dbName,
    zeroLog,
    setOnline(online) {
      transport.offline = !online;
      link.isOnline = online;
    },
    reopen: async () => (device.engine = await open()),
    journal: async () => {
      const db = openJournal(dbName, idb);
      try {
        return await readAllRows(db);
      } finally {
        db.close();
      }
    },
    close: async () => {
      await device.engine.close();
      replica.close();
      await zero.close();
      await link.stop();
    },
  };
  return device;
}

/** Every synced row in the database, as shared row types (epoch ms). */
export async function serverState(sql: Sql): Promise<State> {
  const rows: Record<string, unknown[]> = {};
  await sql.begin('isolation level repeatable read read only', async (tx) => {
    for (const table of SYNCED_TABLES) rows[table] = await selectRows(tx, table);
  });
  return stateFrom(rows as StateRows);
}

/** What `actor` may see of `all` (invariant 2): a worker their own and the open pool; a supervisor everything. */
export function serverView(all: State, actor: Actor): State {
  if (actor.role !== 'worker') return all;
  const me = actor.user_id;
  const tasks = [...all.tasks.values()].filter((t) => t.claimed_by === me || t.claimed_by === null);
  const visibleTask = new Set(tasks.map((t) => t.id));
  const runs = [...all.procedure_runs.values()].filter((r) => r.worker_id === me);
  const myRuns = new Set(runs.map((r) => r.id));
  const pinned = new Set(runs.map((r) => `${r.sop_id}@${r.sop_version}`));
  const versions = [...all.sop_versions.values()].filter((v) => v.status === 'confirmed' || pinned.has(`${v.sop_id}@${v.version}`));
  const sopsWithConfirmed = new Set([...all.sop_versions.values()].filter((v) => v.status === 'confirmed').map((v) => v.sop_id));
  const sopsRun = new Set(runs.map((r) => r.sop_id));
  return stateFrom({
    tasks,
    checklist_items: [...all.checklist_items.values()].filter((i) => visibleTask.has(i.task_id)),
    work_sessions: [...all.work_sessions.values()].filter((s) => s.user_id === me && visibleTask.has(s.task_id)),
    user_task_totals: [...all.user_task_totals.values()].filter((u) => u.user_id === me && visibleTask.has(u.task_id)),
    procedure_runs: runs,
    safety_checks: [...all.safety_checks.values()].filter((c) => myRuns.has(c.run_id)),
    sop_versions: versions,
    sops: [...all.sops.values()].filter((s) => sopsWithConfirmed.has(s.id) || sopsRun.has(s.id)),
    bookings: [...all.bookings.values()].filter((b) => b.mentor_id === me || b.student_id === me),
  });
}

/** Table-by-table differences between two states (rows compared whole, by key); [] when equal. */
export function tableDiff(actual: State, expected: State, project: (table: TableName, row: object) => unknown = canonical): string[] {
  const out: string[] = [];
  for (const table of SYNCED_TABLES) {
    const a = actual[table] as ReadonlyMap<string, object>;
    const e = expected[table] as ReadonlyMap<string, object>;
    for (const [key, row] of e) {
      const other = a.get(key);
      if (other === undefined) out.push(`${table} ${key}: missing`);
      else if (JSON.stringify(project(table, other)) !== JSON.stringify(project(table, row))) {
        out.push(`${table} ${key}: ${JSON.stringify(project(table, other))} ≠ expected ${JSON.stringify(project(table, row))}`);
      }
    }
    for (const key of a.keys()) if (!e.has(key)) out.push(`${table} ${key}: unexpected`);
  }
  return out;
}

/** Rows with their columns in one order, so JSON comparison does not depend on how a row was built. */
export function canonical(_table: TableName, row: object): Record<string, unknown> {
  const source = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const column of Object.keys(source).sort()) out[column] = source[column];
  return out;
}

/**
 * The facts a person reads off a view, without times (a pending intent's
 * replay uses the device clock, the server its corrected time; which is
 * shown changes when the outcome arrives, and is not a flicker).
 */
export function facts(table: TableName, row: object): unknown {
  const r = row as Record<string, unknown>;
  switch (table) {
    case 'tasks':
      return [r['title'], r['status'], r['claimed_by']];
    case 'checklist_items':
      return [r['task_id'], r['title'], r['status'], r['position'], r['deleted_at'] !== null];
    case 'work_sessions':
      return [r['task_id'], r['user_id'], r['ended_at'] === null, r['ended_reason']];
    case 'user_task_totals':
      return [r['user_id'], r['task_id']];
    case 'procedure_runs':
      return [r['sop_id'], r['sop_version'], r['worker_id'], r['status'], r['current_step_id'], r['locked']];
    case 'safety_checks':
      return [r['run_id'], r['step_id'], r['result'], r['checked_by']];
    case 'sops':
      return [r['title'], r['latest_version'], r['deleted_at'] !== null];
    case 'sop_versions':
      return [r['title'], r['status']];
    case 'bookings':
      return [r['mentor_id'], r['student_id'], r['status'], r['is_delayed']];
    case 'audit_log':
      return r['id'];
    default:
      return unreachable(table);
  }
}

/** Resolves once `check` holds, polling every few ms. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A device has converged: its view is exactly its replica (no overlay), nothing pending, and the replica shows what the server says it may see. */
export async function converged(device: ZeroDevice, sql: Sql): Promise<string[]> {
  const problems: string[] = [];
  const view = device.engine.view.getSnapshot();
  if (view !== device.replica.getState()) problems.push('the view still has an overlay');
  const pending = device.engine.status.getSnapshot().pending;
  if (pending !== 0) problems.push(`${pending} intents pending`);
  problems.push(...tableDiff(device.replica.getState(), serverView(await serverState(sql), device.user), canonical));
  return problems;
}

function keep(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > 50) lines.shift();
}
