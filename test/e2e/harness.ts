/**
 * End-to-end harness: the real Stint server (HTTP on a free loopback port,
 * serving the built app from client/dist on the same origin as the API), its
 * own test database, a real zero-cache, and Debian's Chromium driven by
 * playwright-core — phones for workers, desktops for supervisors.
 *
 *   const suite = browserSuite();                       // registers beforeAll (stack + browser) and afterAll
 *   const { token } = await suite.stack.createUser('worker', 'Ana');
 *   const phone = await suite.workerPhone();            // closed by the suite's afterAll
 *   const page = await phone.newPage();
 *   await signIn(page, token);                          // opens /#token=…, waits for the layout
 *   await screenshot(page, 'worker-home');              // test-results/screenshots/worker-home.png
 *   const state = await suite.stack.serverState();      // every synced row, shared row types
 *
 *   browserSuite({ env: { STALE_CUTOFF_S: '5', SCHEDULER_INTERVAL_S: '1' } })   // the server's environment, as npm start reads it
 *
 * Invariants:
 *  1. The browser talks to exactly what `npm start` serves: the built app
 *     (built here once per run when client/dist is missing or older than its
 *     sources, scripts/build-client.mjs), the real app with the real clock
 *     (browser and server agree on time, as on a phone), its scheduler (the
 *     stale sweep, the booking sweep) running as main.ts runs it, and a real
 *     zero-cache whose port the app announces at /api/zero/config.
 *  2. Each stack has its own database and zero-cache app id, so e2e files
 *     can run in parallel with each other and with the rest of the suite.
 *  3. Every browser context starts empty (no storage, no service worker):
 *     one context is one device.
 *  4. `close()` stops the scheduler, zero-cache (its whole process tree),
 *     the HTTP server and drops the database; nothing outlives the file.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Role, State, UserRow } from '@stint/shared';
import { createApp } from '../../server/src/app.ts';
import type { App } from '../../server/src/app.ts';
import { systemClock } from '../../server/src/clock.ts';
import { loadConfig } from '../../server/src/config.ts';
import type { Config } from '../../server/src/config.ts';
import type { Sql } from '../../server/src/db/sql.ts';
import { createLogger } from '../../server/src/log.ts';
import { createMetrics } from '../../server/src/metrics/metrics.ts';
import { schedulerJobs } from '../../server/src/scheduler/jobs.ts';
import { startScheduler } from '../../server/src/scheduler/scheduler.ts';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import type { TestDatabase } from '../../server/src/testing/create-test-database.ts';
import { TEST_ADMIN_TOKEN } from '../../server/src/testing/test-app.ts';
import { startTestZeroCache } from '../../server/src/zero/testing.ts';
import type { TestZeroCache } from '../../server/src/zero/testing.ts';
import { serverState } from '../engine/zero-harness.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');
/** Phone for workers (a typical 6.1" phone in CSS pixels), desktop for supervisors. */
export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;
/** Generous: zero-cache's first sync and a cold page load take seconds on a loaded machine. */
export const UI_TIMEOUT_MS = 30_000;

/** ENVIRONMENT.md § Browsers; Playwright adds --headless and a fresh --user-data-dir itself. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface AdminResponse {
  readonly status: number;
  /** Parsed JSON, or the text when the body is not JSON. */
  readonly body: unknown;
}

export interface Stack {
  /** e.g. http://127.0.0.1:41235 — the app and the API. */
  readonly baseUrl: string;
  readonly adminToken: string;
  readonly zeroCache: TestZeroCache;
  /** The stack's own database, for assertions the API does not answer. */
  readonly sql: Sql;
  /** The server's JSON log lines (warn and above by default), newest last. */
  readonly logs: readonly Record<string, unknown>[];
  /** A request to the API as the admin (Authorization: Bearer ADMIN_TOKEN); `body` is sent as JSON. */
  adminRequest(method: string, path: string, body?: unknown): Promise<AdminResponse>;
  /** A request as any bearer token. */
  request(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<AdminResponse>;
  /** Creates a user through the admin API and issues a token (the sign-in link is `/#token=${token}`). */
  createUser(role: Role, name: string): Promise<{ user: UserRow; token: string }>;
  /** Every synced row in the database (tasks, work_sessions, checklist_items, runs, …), as shared row types. */
  serverState(): Promise<State>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Serve this already built app instead of building client/dist (also: STINT_E2E_CLIENT_DIR). */
  readonly clientDir?: string;
  /** Server log level; default 'warn'. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * The server's environment as `npm start` reads it (server/src/config.ts),
   * e.g. `{ STALE_CUTOFF_S: '3', SCHEDULER_INTERVAL_S: '1' }` for a stale
   * sweep a test can wait for; ADMIN_TOKEN and ZERO_PORT are the harness's own.
   */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const clientDir = options.clientDir ?? process.env['STINT_E2E_CLIENT_DIR'] ?? (await buildClient());
  if (!existsSync(join(clientDir, 'index.html'))) throw new Error(`no built app in ${clientDir} (run npm run build:client)`);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger(options.logLevel ?? 'warn', {
    write: (line: string) => {
      logs.push(JSON.parse(line) as Record<string, unknown>);
      if (logs.length > 500) logs.shift();
    },
  });
  const metrics = createMetrics();
  const configFor = (env: Record<string, string>): Config => loadConfig({ ...options.env, ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env }, '/tmp');
  const appFor = (env: Record<string, string>): App => createApp({ sql: db.sql, config: configFor(env), clock: systemClock, logger, metrics, clientDir });

  const db: TestDatabase = await createTestDatabase();
  const stops: (() => Promise<void>)[] = [() => db.drop()];
  const close = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    // zero-cache needs the app's URL and the app announces zero-cache's port
    // (/api/zero/config): serve through a switch, start zero-cache, then put
    // in the app that knows the port.
    let app = appFor({});
    const http = await listen((request) => app.fetch(request));
    stops.push(http.close);
    const zeroCache = await startTestZeroCache(db, http.url);
    stops.push(() => zeroCache.stop());
    app = appFor({ ZERO_PORT: String(zeroCache.port) });
    // As main.ts: stale work sessions and bookings every SCHEDULER_INTERVAL_S; stopped first (stops run in reverse).
    const config = configFor({});
    const scheduler = startScheduler({
      jobs: schedulerJobs({ sql: db.sql, config, clock: systemClock, logger, metrics }),
      intervalMs: config.SCHEDULER_INTERVAL_S * 1000,
      logger,
    });
    stops.push(() => scheduler.stop());

    const request = async (method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<AdminResponse> => {
      const headers: Record<string, string> = {};
      if (opts.token !== undefined) headers['authorization'] = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${http.url}${path}`, { method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body };
    };
    const adminRequest = (method: string, path: string, body?: unknown): Promise<AdminResponse> =>
      request(method, path, { token: TEST_ADMIN_TOKEN, body });

    return {
      baseUrl: http.url,
      adminToken: TEST_ADMIN_TOKEN,
      zeroCache,
      sql: db.sql,
      logs,
      adminRequest,
      request,
      async createUser(role, name) {
        const created = await adminRequest('POST', '/api/v1/users', { name, role });
        if (created.status !== 201) throw new Error(`POST /api/v1/users answered ${created.status}: ${JSON.stringify(created.body)}`);
        const user = (created.body as { data: UserRow }).data;
        const issued = await adminRequest('POST', `/api/v1/users/${encodeURIComponent(user.id)}/tokens`);
        if (issued.status !== 201) throw new Error(`POST /api/v1/users/${user.id}/tokens answered ${issued.status}`);
        return { user, token: (issued.body as { data: { token: string } }).data.token };
      },
      serverState: () => serverState(db.sql),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One file's stack and browser, and the devices (contexts) it opened; `browserSuite()` sets it up. */
export interface BrowserSuite {
  readonly stack: Stack;
  readonly browser: Browser;
  /** A new worker phone that the suite closes at the end. */
  workerPhone(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A new supervisor desktop that the suite closes at the end. */
  supervisorDesktop(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Registers the file's beforeAll (a stack, a browser) and afterAll (every
 * context it opened, the browser, the stack). Read `stack`/`browser` inside
 * tests, not at module level: they exist once beforeAll ran.
 */
export function browserSuite(options: StackOptions = {}): BrowserSuite {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    stack = await startStack(options);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await stack?.close();
  }, 60_000);
  const ready = (): { stack: Stack; browser: Browser } => {
    if (stack === undefined || browser === undefined) throw new Error('browserSuite: used before its beforeAll ran');
    return { stack, browser };
  };
  const track = async (opening: Promise<BrowserContext>): Promise<BrowserContext> => {
    const context = await opening;
    contexts.push(context);
    return context;
  };
  return {
    get stack() {
      return ready().stack;
    },
    get browser() {
      return ready().browser;
    },
    workerPhone: (contextOptions) => track(newWorkerContext(ready().browser, ready().stack.baseUrl, contextOptions)),
    supervisorDesktop: (contextOptions) => track(newSupervisorContext(ready().browser, ready().stack.baseUrl, contextOptions)),
  };
}

/** Debian's Chromium, headless, with the flags this machine needs (ENVIRONMENT.md). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run "node scripts/ensure-chromium.mjs" (npm test does) or "sudo apt-get install -y chromium"`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A worker's phone: 390×844, touch, mobile viewport; a fresh device (invariant 3). */
export function newWorkerContext(browser: Browser, baseUrl: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return newContext(browser, { baseURL: baseUrl, viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, ...options });
}

/** A supervisor's desktop: 1280×800; a fresh device (invariant 3). */
export function newSupervisorContext(browser: Browser, baseUrl: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return newContext(browser, { baseURL: baseUrl, viewport: DESKTOP, ...options });
}

/** Opens the sign-in link `/#token=…` and waits until the signed-in layout (the sync bar) shows. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`/#token=${encodeURIComponent(token)}`);
  await page.getByTestId('sync-bar').waitFor({ state: 'visible' });
}

/** Resolves once a service worker is active for the page and controls it: from then on the app opens offline. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const { serviceWorker } = (globalThis as unknown as InPage).navigator;
      const registration = await serviceWorker.ready;
      return registration.active?.state === 'activated' && serviceWorker.controller !== null;
    },
    undefined,
    { polling: 250 },
  );
}

/** Waits until the sync bar says online (true) or offline (false); returns its text. */
export async function waitForOnlineState(page: Page, online: boolean): Promise<string> {
  const pill = page.getByTestId('sync-bar');
  await page.waitForFunction(
    (want) => (globalThis as unknown as InPage).document.querySelector('[data-testid="sync-bar"]')?.getAttribute('data-online') === String(want),
    online,
  );
  return (await pill.getByTestId('online-state').textContent()) ?? '';
}

/** Saves a full-page PNG as test-results/screenshots/<name>.png (gitignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Console errors and uncaught page errors of every page in the context, for failure messages. */
export function pageErrors(context: BrowserContext): string[] {
  const errors: string[] = [];
  const watch = (page: Page): void => {
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return errors;
}

/** The little of the DOM that functions run inside the page use (this project compiles test/ without the DOM lib). */
interface InPage {
  readonly navigator: {
    readonly serviceWorker: { readonly ready: Promise<{ readonly active: { readonly state: string } | null }>; readonly controller: object | null };
  };
  readonly document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
}

async function newContext(browser: Browser, options: BrowserContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Madrid', serviceWorkers: 'allow', ...options });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(UI_TIMEOUT_MS);
  return context;
}

/** client/dist, built by scripts/build-client.mjs unless it is newer than every client source (invariant 1). */
async function buildClient(): Promise<string> {
  const script = join(REPO_ROOT, 'scripts', 'build-client.mjs');
  try {
    await promisify(execFile)(process.execPath, [script, '--quiet'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const out = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`building the client failed: ${out.stderr ?? ''}${out.stdout ?? ''}${out.message}`.slice(0, 4000), { cause: error });
  }
  return join(REPO_ROOT, 'client', 'dist');
}

async function listen(fetchHandler: (request: Request) => Response | Promise<Response>): Promise<{ url: string; close: () => Promise<void> }> {
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    const s = serve({ fetch: fetchHandler, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(info.port));
    s.once('error', reject);
    server = s;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (server === undefined) return resolve();
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
