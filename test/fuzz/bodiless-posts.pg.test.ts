/**
 * POST actions that need no input accept a request with no body and no
 * Content-Type exactly as one with `{}` (API.md "Running the server":
 * `curl -X POST -H "Authorization: Bearer …" URL` must work).
 *
 * The operations come from the app's own OpenAPI document: every POST that
 * declares no body, an optional one, or one without a required field. Each
 * is sent over real HTTP, byte for byte as curl and fetch send a bodiless
 * POST (an in-process request has no body stream at all, which hides what a
 * real server sees), by a caller the access table allows, on fresh entities:
 * the answer is the table's success status, never a 400/415 for the body.
 */
import { connect } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import { createTestApp } from '../../server/src/testing/test-app.ts';
import { serveApp } from '../../server/src/zero/testing.ts';
import { ACCESS_TABLE, allowedColumns } from './access-table.ts';
import type { AccessRow } from './access-table.ts';
import { bearer, loadOperations } from './fuzz-http.ts';
import { createCells, createMakers } from './matrix-makers.ts';
import type { Operation } from './openapi-model.ts';
import { typesOf } from './openapi-model.ts';

const CRON_SECRET = 'bodiless-cron-secret-0123456789abcdef';

const db = await createTestDatabase();
const t = createTestApp(db, { env: { CRON_SECRET } });
const served = await serveApp(t.app);
afterAll(async () => {
  await served.close();
  await db.drop();
});
const setup = await t.signIn('supervisor', 'bodiless-setup');
const { cellFor, prepare } = createCells(t, createMakers(t, setup, db.sql));
const bodiless = (await loadOperations(t)).filter((op) => op.method === 'POST' && needsNoInput(op));

/** How a client sends a POST without a body. */
const WIRE_FORMS = {
  'curl -X POST (no Content-Length)': '',
  'fetch without a body (Content-Length: 0)': 'content-length: 0\r\n',
} as const;

describe('POST actions that need no input', () => {
  test('the document lists the actions API.md names, the run actions among them', () => {
    expect(bodiless.map((op) => op.key)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/tasks/{id}/claim',
        'POST /api/v1/tasks/{id}/complete',
        'POST /api/v1/sops/{id}/confirm',
        'POST /api/v1/sessions/{id}/complete',
        'POST /api/v1/sessions/{id}/approve',
        'POST /api/v1/sessions/{id}/pause',
        'POST /api/v1/sessions/{id}/resume',
        'POST /api/sessions/{sessionId}/start',
      ]),
    );
  });

  describe.each(bodiless.map((op) => [op.key, op] as const))('%s', (_key, op) => {
    test.each(Object.entries(WIRE_FORMS))('with no body and no Content-Type, as %s: the same success as with {}', async (_form, lengthHeader) => {
      const row = rowOf(op);
      const { path, authorization } = await callOf(row);
      const res = await postOverWire(path, `authorization: ${authorization}\r\n${lengthHeader}`);
      expect(res.status, `${op.key} → ${res.status} ${res.body.slice(0, 300)}`).toBe(row.success);
    });
  });
});

/** No body, an optional one, or an object body with no required field. */
function needsNoInput(op: Operation): boolean {
  if (op.body === undefined || !op.body.required) return true;
  const types = typesOf(op.body.schema);
  return types !== 'any' && types.includes('object') && (op.body.schema.required ?? []).length === 0;
}

function rowOf(op: Operation): AccessRow {
  const row = ACCESS_TABLE.find((r) => r.key === op.key && r.variant === undefined);
  if (row === undefined) throw new Error(`${op.key} has no row in access-table.ts`);
  return row;
}

/** The row's call for the first caller it allows (the cron secret for cron routes); its body is dropped. */
async function callOf(row: AccessRow): Promise<{ path: string; authorization: string }> {
  if (row.access.kind === 'cron') return { path: row.key.split(' ')[1] ?? '', authorization: bearer(CRON_SECRET) };
  const [column] = allowedColumns(row.access);
  if (column === undefined) throw new Error(`${row.key} allows no column`);
  const cell = await cellFor(column);
  return { path: (await prepare(row, column, cell)).path, authorization: bearer(cell.actor.token) };
}

/** A POST written on a socket as is: no body, and only the headers given. */
function postOverWire(path: string, headers: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(served.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${headers}connection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}
