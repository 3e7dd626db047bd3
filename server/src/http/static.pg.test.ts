import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../app.ts';
import type { App } from '../app.ts';
import { manualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { TEST_ADMIN_TOKEN, TEST_EPOCH } from '../testing/test-app.ts';

const db = await createTestDatabase();
let dist: string;
let app: App;
let bare: App;

const INDEX = '<!doctype html><title>Stint test shell</title><div id="root"></div>';
const SCRIPT = 'console.log("hashed asset");';

function appOn(clientDir: string): App {
  const config = loadConfig({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: 'error' }, '/tmp');
  return createApp({ sql: db.sql, config, clock: manualClock(TEST_EPOCH), logger: createLogger('error', { write: () => undefined }), clientDir });
}

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'stint-dist-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), INDEX);
  await writeFile(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  await writeFile(join(dist, 'manifest.webmanifest'), '{"name":"Stint"}');
  await writeFile(join(dist, 'assets', 'index-Cvgs9GVj.js'), SCRIPT);
  app = appOn(dist);
  bare = appOn(join(dist, 'does-not-exist'));
});

afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
  await db.drop();
});

const get = (path: string, headers: Record<string, string> = {}, on: App = app): Promise<Response> =>
  Promise.resolve(on.request(path, { headers }));

describe('the built web app', () => {
  test('a hashed asset is served with its type and an immutable cache header', async () => {
    const res = await get('/assets/index-Cvgs9GVj.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(SCRIPT);
  });

  test('the service worker and the manifest are served no-cache', async () => {
    for (const path of ['/sw.js', '/manifest.webmanifest']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
    }
  });

  test('/ is index.html, no-cache', async () => {
    const res = await get('/', { accept: 'text/html' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
  });

  test.each([{}, { accept: '*/*' }, { accept: 'application/json' }])(
    'GET / that does not ask for HTML (curl, a load balancer) is index.html too: %o',
    async (headers) => {
      const res = await get('/', headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toBe(INDEX);
      const head = await app.request('/', { method: 'HEAD', headers });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    },
  );

  test('a browser navigation to a client-side route is index.html (SPA fallback)', async () => {
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    for (const path of ['/tasks/t-1', '/inbox', '/tasks/t.1', '/supervisor/reports']) {
      const res = await get(path, { accept });
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe(INDEX);
    }
  });

  test('a non-browser GET of an unknown path keeps the JSON 404 (API routes outside /api, e.g. PUT /tasks/:id, stay 4xx for GET)', async () => {
    for (const headers of [{}, { accept: 'application/json' }, { accept: '*/*' }]) {
      const res = await get('/tasks/t-1', headers);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  test('HEAD of a navigation answers 200 with no body', async () => {
    const res = await app.request('/tasks', { method: 'HEAD', headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  test('a missing asset stays a 404, never HTML', async () => {
    for (const path of ['/assets/index-gone.js', '/favicon.ico']) {
      const res = await get(path, { accept: path.endsWith('.ico') ? 'image/*' : 'text/html,*/*' });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).not.toMatch(/html/);
    }
  });

  test('unknown API paths are still the JSON NOT_FOUND, even when a browser asks for HTML', async () => {
    for (const path of ['/api/v1/nope', '/api', '/docs', '/metrics/x']) {
      const res = await get(path, { accept: 'text/html' });
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  test('API routes answer as before', async () => {
    expect(await (await get('/healthz', { accept: 'text/html' })).json()).toEqual({ ok: true });
    const me = await get('/api/v1/me', { accept: 'text/html' });
    expect(me.status).toBe(401);
    expect(me.headers.get('content-type')).toMatch(/json/);
  });

  test('a POST to a non-API path is not the app', async () => {
    const res = await app.request('/tasks', { method: 'POST', headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/json/);
  });

  test('paths leaving the dist folder are not served', async () => {
    for (const path of ['/..%2Fpackage.json', '/assets/..%2F..%2Fetc%2Fpasswd', '/%2e%2e/index.html']) {
      const res = await get(path);
      expect(await res.text(), path).not.toMatch(/"name"|root:/);
    }
  });
});

describe('without a built client', () => {
  test('/ answers a short page saying how to build the client, and the API still works', async () => {
    const res = await get('/', { accept: 'text/html' }, bare);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/npm start/);
    expect(await (await get('/healthz', {}, bare)).json()).toEqual({ ok: true });
    expect((await get('/api/v1/nope', {}, bare)).status).toBe(404);
  });

  test('/ without asking for HTML answers the same page, never a JSON 404', async () => {
    const res = await get('/', {}, bare);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/npm start/);
  });
});
