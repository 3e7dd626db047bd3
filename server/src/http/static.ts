/**
 * The web app from client/dist (`vite build`), on the same origin as the API,
 * so the app, its service worker and the API share one origin and no CORS.
 *
 * Invariants:
 *  1. The API keeps its own answers: /api/*, /metrics, /healthz and /docs are
 *     never answered with a file or with index.html (an unknown /api path is
 *     still the JSON NOT_FOUND), and neither is any path a route answered.
 *  2. A GET/HEAD for a file that exists in client/dist is that file; `/` is
 *     always the app, whatever the client accepts (load balancers and curl
 *     probe it); a browser navigation (Accept: text/html) to any other path
 *     is index.html, so the app's client-side routes survive a reload. Other
 *     clients keep the JSON 404 there (some API.md routes live outside /api,
 *     e.g. PUT /tasks/:id, and GET there must stay a 4xx), and a missing
 *     /assets/* file stays a 404: a script tag must never get HTML.
 *  3. Cache headers: hashed /assets/* are immutable for a year; everything
 *     else (index.html, sw.js, the manifest, icons) is `no-cache`, so a new
 *     build is picked up on the next visit and the service worker updates.
 *  4. With no client/dist (a server started without building the client), `/`
 *     and a navigation answer a short HTML page saying how to build it; the
 *     server itself starts and serves the API as usual.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler } from 'hono';

/** The repository's client/dist, where `vite build` writes the app. */
export const CLIENT_DIST = fileURLToPath(new URL('../../../client/dist', import.meta.url));

const RESERVED = [/^\/api(?:\/|$)/, /^\/metrics(?:\/|$)/, /^\/healthz(?:\/|$)/, /^\/docs(?:\/|$)/];
const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

export const BUILD_HINT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stint: client not built</title></head>
<body><h1>Stint</h1><p>The web app has not been built yet. Run <code>npm start</code>
(it builds the client), or <code>npm run build:client</code>, then reload.</p></body></html>
`;

/** Middleware serving the built app from `dir` (invariants 1–4); registered before the routes. */
export function serveClient(dir: string = CLIENT_DIST): MiddlewareHandler {
  let files: MiddlewareHandler | null = null;
  const staticFiles = (): MiddlewareHandler =>
    (files ??= serveStatic({ root: dir }));

  return async (c, next) => {
    const method = c.req.method;
    if ((method !== 'GET' && method !== 'HEAD') || RESERVED.some((re) => re.test(c.req.path))) return next();
    if (c.req.path !== '/' && fileIn(dir, c.req.path) !== null) {
      // Set before serving: the file exists, and serveStatic's onFound runs after the response is built.
      c.header('Cache-Control', c.req.path.startsWith('/assets/') ? IMMUTABLE : NO_CACHE);
      return staticFiles()(c, next);
    }
    await next();
    // Only a path no route answered becomes the app (invariant 1).
    if (c.res.status !== 404 || !(c.req.path === '/' || isNavigation(c))) return;
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      c.res = new Response(BUILD_HINT_HTML, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': NO_CACHE } });
      return;
    }
    const html = method === 'HEAD' ? null : await readFile(index);
    c.res = new Response(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': NO_CACHE } });
  };
}

/** The file under `dir` that `path` names, or null (directories, traversal and undecodable paths are null). */
function fileIn(dir: string, path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || /(?:^|\/)\.\.?(?:\/|$)/.test(decoded)) return null;
  const file = normalize(join(dir, decoded));
  if (!file.startsWith(normalize(dir) + sep)) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

/** A page load by a browser, not an API client or a missing asset (invariant 2). */
function isNavigation(c: Context): boolean {
  return !c.req.path.startsWith('/assets/') && (c.req.header('accept') ?? '').includes('text/html');
}
