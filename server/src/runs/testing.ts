/**
 * Test helpers for the SOP and procedure run routes: SOPs and runs made
 * through the HTTP API (so fixtures take the same path as users), and a
 * fingerprint of every SOP and run table to prove a refused request changed
 * nothing.
 */
import { expect } from 'vitest';
import type { Sql } from '../db/sql.ts';
import type { TestApp, TestResponse } from '../testing/test-app.ts';
import type { SessionJson } from './session-json.ts';
import type { SopJson } from './sop-json.ts';

/** Two tasks, three steps: crossing a task boundary is part of every run. */
export const ISOLATION_TASKS = [
  { title: 'Isolate the pump', steps: [{ title: 'Lock out the breaker' }, { title: 'Tag the breaker' }] },
  { title: 'Verify', steps: [{ title: 'Test for zero energy' }] },
] as const;

export interface SopOptions {
  readonly id?: string;
  readonly title?: string;
  readonly tasks?: readonly unknown[];
}

/** The `data` of a response that must have the given status. */
export function dataOf<T>(res: TestResponse, status = 200): T {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body as { data: T }).data;
}

export async function createSop(t: TestApp, token: string, options: SopOptions = {}): Promise<SopJson> {
  const body = { title: options.title ?? 'Pump isolation', tasks: options.tasks ?? ISOLATION_TASKS, ...(options.id ? { id: options.id } : {}) };
  return dataOf<SopJson>(await t.request('POST', '/api/v1/sops', { token, body }), 201);
}

export async function createConfirmedSop(t: TestApp, token: string, options: SopOptions = {}): Promise<SopJson> {
  const sop = await createSop(t, token, options);
  return dataOf<SopJson>(await t.request('POST', `/api/v1/sops/${sop.id}/confirm`, { token }));
}

export async function startSession(t: TestApp, token: string, sopId: string, id?: string): Promise<SessionJson> {
  const body = { sop_id: sopId, ...(id === undefined ? {} : { id }) };
  return dataOf<SessionJson>(await t.request('POST', '/api/v1/sessions', { token, body }), 201);
}

export async function check(t: TestApp, token: string, sessionId: string, stepId: string, result: 'passed' | 'failed' = 'passed'): Promise<SessionJson> {
  return dataOf<SessionJson>(await t.request('POST', `/api/v1/sessions/${sessionId}/checks`, { token, body: { step_id: stepId, result } }));
}

/** Passes every remaining step, so the session completes. */
export async function passAll(t: TestApp, token: string, session: SessionJson): Promise<SessionJson> {
  let current = session;
  while (current.current_step !== null) current = await check(t, token, current.id, current.current_step.id);
  return current;
}

export async function approve(t: TestApp, token: string, sessionId: string): Promise<SessionJson> {
  return dataOf<SessionJson>(await t.request('POST', `/api/v1/sessions/${sessionId}/approve`, { token }));
}

const SEED_001_TABLES = ['sops', 'sop_versions', 'procedure_runs', 'safety_checks', 'audit_log'] as const;
export type Seed001Table = (typeof SEED_001_TABLES)[number];

/** Every row of the seed 001 tables (text form), to compare before and after a refused request. */
export async function fingerprint(sql: Sql, tables: readonly Seed001Table[] = SEED_001_TABLES): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await sql.unsafe<{ row: string }[]>(`SELECT t::text AS row FROM ${table} t ORDER BY 1`);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

/** Asserts a request was refused with a 4xx (never 5xx) code and changed no seed 001 row. */
export async function expectRefusedUnchanged(
  sql: Sql,
  send: () => Promise<TestResponse>,
  status: number,
  code: string,
  tables?: readonly Seed001Table[],
): Promise<TestResponse> {
  const before = await fingerprint(sql, tables);
  const res = await send();
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error: { code } } });
  expect(await fingerprint(sql, tables)).toEqual(before);
  return res;
}
