/**
 * Engine integration harness: the real Stint server (createApp on a test
 * database) served over HTTP on loopback, engines on fake-indexeddb talking
 * to it through the real HTTP transport, and a replica that reads the
 * server's database directly.
 *
 * The replica stands in for the Zero replica: it implements the same
 * interface from the same tables (applied_intents for "which intents the
 * replica already shows"), but it refreshes when a test says so instead of
 * by logical replication. The write-path tests here (offline drain, reload,
 * server down) need no zero-cache for what they prove; the read path itself
 * — ZeroReplica behind a real zero-cache, convergence and no flicker — is in
 * converge-zero.pg.test.ts (zero-harness.ts).
 */
import 'fake-indexeddb/auto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { stateFrom } from '@stint/shared';
import type { Millis, Role, State, StateRows, TableName } from '@stint/shared';
import { createEngine, httpTransport, TransportError } from '../../client/src/engine/index.ts';
import type { Engine, EngineOptions, ReplicaSource, Transport } from '../../client/src/engine/index.ts';
import { selectRows } from '../../server/src/db/rows.ts';
import type { Sql } from '../../server/src/db/sql.ts';
import type { TestApp } from '../../server/src/testing/test-app.ts';
import type { PushRequest, PushResponse } from '@stint/shared';

/** The tables a replica holds (audit_log is never synced). */
export const SYNCED_TABLES = [
  'tasks',
  'checklist_items',
  'work_sessions',
  'user_task_totals',
  'sops',
  'sop_versions',
  'procedure_runs',
  'safety_checks',
  'bookings',
] as const satisfies readonly Exclude<TableName, 'audit_log'>[];

export class DbReplica implements ReplicaSource {
  private state: State = stateFrom({});
  private applied: ReadonlySet<string> = new Set();
  private readonly listeners = new Set<() => void>();
  private readonly sql: Sql;
  private readonly userId: string;

  constructor(sql: Sql, userId: string) {
    this.sql = sql;
    this.userId = userId;
  }

  getState = (): State => this.state;
  appliedIntentIds = (): ReadonlySet<string> => this.applied;
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** One replication round: every replicated row and this user's applied intent ids, read in one snapshot. */
  async refresh(): Promise<void> {
    const { rows, ids } = await this.sql.begin('isolation level repeatable read read only', async (tx) => {
      const read: Record<string, unknown[]> = {};
      for (const table of SYNCED_TABLES) read[table] = await selectRows(tx, table);
      const applied = await tx<{ id: string }[]>`SELECT id FROM applied_intents WHERE user_id = ${this.userId}`;
      return { rows: read as StateRows, ids: applied.map((row) => row.id) };
    });
    this.state = stateFrom(rows);
    this.applied = new Set(ids);
    for (const listener of [...this.listeners]) listener();
  }
}

/** The server on a loopback port that can be stopped and started again on the same port. */
export interface HttpServer {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function serveApp(app: TestApp['app']): Promise<HttpServer> {
  let server: ReturnType<typeof serve> | null = null;
  let port = 0;
  const start = async (): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        port = info.port;
        resolve();
      });
      s.once('error', reject);
      server = s;
    });
  };
  await start();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    start,
    stop: async () => {
      const s = server;
      server = null;
      if (s === null) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        if ('closeAllConnections' in s) s.closeAllConnections();
      });
    },
  };
}

/** The real HTTP transport, with a switch that takes the device offline and a gate that holds answers. */
export class DeviceTransport implements Transport {
  offline = false;
  /** Batches that reached the server (answered or held). */
  readonly sent: PushRequest[] = [];
  private gate: Promise<void> | null = null;
  private readonly inner: Transport;

  constructor(inner: Transport) {
    this.inner = inner;
  }

  /** Answers from now on wait (after the server has committed them) until the returned function is called. */
  hold(): () => void {
    let release = (): void => undefined;
    this.gate = new Promise((resolve) => {
      release = resolve;
    });
    return () => {
      this.gate = null;
      release();
    };
  }

  async push(request: PushRequest): Promise<PushResponse> {
    if (this.offline) throw new TransportError('network', 'device offline');
    const gate = this.gate;
    const response = await this.inner.push(request);
    if (request.intents.length > 0) this.sent.push(request);
    if (gate !== null) await gate;
    return response;
  }
}

export interface Device {
  readonly engine: Engine;
  readonly replica: DbReplica;
  readonly transport: DeviceTransport;
  readonly dbName: string;
  /** The same journal in a new engine, as after a reload; the old one must be closed first. */
  reopen(): Promise<Engine>;
}

export interface DeviceOptions {
  readonly sql: Sql;
  readonly baseUrl: () => string;
  readonly user: { readonly id: string; readonly role: Role };
  readonly token: string;
  readonly name: string;
  readonly clock: () => Millis;
  readonly engine?: Partial<EngineOptions>;
}

/** A device of one signed-in user: its own journal, replica and transport. */
export async function openDevice(options: DeviceOptions): Promise<Device & { engine: Engine }> {
  const replica = new DbReplica(options.sql, options.user.id);
  await replica.refresh();
  const transport = new DeviceTransport(httpTransport({ baseUrl: '', token: options.token, fetch: (url, init) => fetch(`${options.baseUrl()}${url}`, init) }));
  const dbName = `stint-${options.user.id}-${options.name}-${Math.random().toString(36).slice(2)}`;
  const open = (): Promise<Engine> =>
    createEngine({
      dbName,
      user: options.user,
      deviceId: `${options.name}-device`,
      zone: 'Europe/Madrid',
      transport,
      replica,
      clock: options.clock,
      ...options.engine,
    });
  const device = { engine: await open(), replica, transport, dbName, reopen: async () => (device.engine = await open()) };
  return device;
}
