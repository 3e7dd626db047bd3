/**
 * An app on a test database, with a manual clock, the admin token, captured
 * JSON logs, and shortcuts for requests and signed-in users.
 *
 *   const db = await createTestDatabase();
 *   const t = createTestApp(db);
 *   const { token } = await t.signIn('worker');
 *   const res = await t.request('GET', '/api/v1/me', { token });
 *   expect(res.status).toBe(200);
 */
import { randomUUID } from 'node:crypto';
import type { Role, UserRow } from '@stint/shared';
import { createApp } from '../app.ts';
import type { App } from '../app.ts';
import { manualClock } from '../clock.ts';
import type { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import type { Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { insertUser } from '../users/users.ts';
import type { TestDatabase } from './create-test-database.ts';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** 2026-01-16T12:00:00Z, the example day of API.md's sources. */
export const TEST_EPOCH = Date.UTC(2026, 0, 16, 12, 0, 0);

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  readonly body: unknown;
}

export interface RequestOptions {
  readonly token?: string;
  /** Serialised as JSON unless it is a string (sent as is). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TestApp {
  readonly app: App;
  readonly config: Config;
  readonly clock: ManualClock;
  readonly adminToken: string;
  /** Every log line the app wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Inserts a user directly and issues a token for it. */
  signIn(role: Role, id?: string): Promise<{ user: UserRow; token: string }>;
}

export interface TestAppOptions {
  readonly now?: number;
  readonly env?: Readonly<Record<string, string>>;
}

export function createTestApp(db: TestDatabase, options: TestAppOptions = {}): TestApp {
  const config = loadConfig({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: 'info', ...options.env }, '/tmp');
  const clock = manualClock(options.now ?? TEST_EPOCH);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger(config.LOG_LEVEL, {
    write: (line: string) => {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  const app = createApp({ sql: db.sql, config, clock, logger });

  const request = async (method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse> => {
    const headers = new Headers(opts.headers);
    if (opts.token !== undefined) headers.set('authorization', `Bearer ${opts.token}`);
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  return {
    app,
    config,
    clock,
    adminToken: config.ADMIN_TOKEN ?? TEST_ADMIN_TOKEN,
    logs,
    request,
    async signIn(role, id = `${role}-${randomUUID()}`) {
      const user = await insertUser(db.sql, { id, name: `Test ${role}`, role, created_at: clock() });
      const res = await request('POST', `/api/v1/users/${encodeURIComponent(id)}/tokens`, { token: config.ADMIN_TOKEN ?? TEST_ADMIN_TOKEN });
      if (res.status !== 201) throw new Error(`signIn: token request answered ${res.status}`);
      return { user, token: (res.body as { data: { token: string } }).data.token };
    },
  };
}
