import { MINUTE, toIso } from '@stint/shared';
import { afterAll, describe, expect, test } from 'vitest';
import { selectRows } from '../db/rows.ts';
import type { AuditEntryJson } from '../runs/audit-entries.ts';
import {
  approve,
  check,
  createConfirmedSop,
  createSop,
  dataOf,
  expectRefusedUnchanged,
  passAll,
  startSession,
} from '../runs/testing.ts';
import type { SessionJson } from '../runs/session-json.ts';
import type { SopJson } from '../runs/sop-json.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { createTestApp } from '../testing/test-app.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const t = createTestApp(db);
const sup = await t.signIn('supervisor', 'sup-1');

/** Moves the manual clock forward and returns the new time as it appears on the wire. */
function tick(minutes = 1): string {
  t.clock.advance(minutes * MINUTE);
  return toIso(t.clock());
}

async function auditOf(entityId: string): Promise<AuditEntryJson[]> {
  return dataOf<AuditEntryJson[]>(await t.request('GET', `/api/v1/audit?entity_id=${entityId}&limit=100`, { token: sup.token }));
}

async function getSession(token: string, id: string): Promise<SessionJson> {
  return dataOf<SessionJson>(await t.request('GET', `/api/v1/sessions/${id}`, { token }));
}

function stepIds(sop: SopJson): string[] {
  return sop.tasks.flatMap((task) => task.steps.map((s) => s.id));
}

describe('seed 001 session-001: session creation', () => {
  test('start work session from SOP: in_progress at the first step of the first task, linked to SOP and worker, start time recorded', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const startedAt = tick();
    const res = await t.request('POST', '/api/v1/sessions', { token: worker.token, body: { sop_id: sop.id } });
    expect(res.status).toBe(201);
    const session = dataOf<SessionJson>(res, 201);
    const [first, second] = stepIds(sop);
    expect(session).toMatchObject({
      sop_id: sop.id,
      sop_version: 1,
      worker_id: worker.user.id,
      status: 'in_progress',
      current_step_id: first,
      started_at: startedAt,
      paused_at: null,
      completed_at: null,
      locked: false,
      locked_by: null,
      locked_at: null,
      checks: [],
      sop: { id: sop.id, title: 'Pump isolation', version: 1 },
      current_step: { id: first, position: 1, requires_check: true, task: { id: sop.tasks[0]?.id, title: 'Isolate the pump' } },
      next_step: { id: second, position: 2 },
      progress: { total_steps: 3, passed_steps: 0, failed_checks: 0, current_position: 1 },
    });
    expect(session.sop.tasks).toEqual(sop.tasks);
    const [row] = await selectRows(db.sql, 'procedure_runs', { id: session.id });
    expect(row).toMatchObject({ sop_id: sop.id, worker_id: worker.user.id, status: 'in_progress', current_step_id: first, started_at: t.clock() });
  });

  test('a client-supplied id names the session; reusing it → 409 CONFLICT_EXISTS', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id, 'run-client-1');
    expect(session.id).toBe('run-client-1');
    await t.request('POST', `/api/v1/sessions/${session.id}/complete`, { token: worker.token });
    const other = await t.signIn('worker');
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', '/api/v1/sessions', { token: other.token, body: { sop_id: sop.id, id: 'run-client-1' } }),
      409,
      'CONFLICT_EXISTS',
    );
  });

  test('a draft SOP cannot be started → 409 SOP_NOT_CONFIRMED, nothing created', async () => {
    const sop = await createSop(t, sup.token);
    const worker = await t.signIn('worker');
    await expectRefusedUnchanged(db.sql, () => t.request('POST', '/api/v1/sessions', { token: worker.token, body: { sop_id: sop.id } }), 409, 'SOP_NOT_CONFIRMED');
  });

  test.each([
    ['an unknown SOP', 'no-such-sop'],
    ['a deleted SOP', 'deleted'],
  ])('%s → 404 NOT_FOUND, nothing created', async (_what, which) => {
    let sopId = which;
    if (which === 'deleted') {
      sopId = (await createConfirmedSop(t, sup.token)).id;
      expect((await t.request('DELETE', `/api/v1/sops/${sopId}`, { token: sup.token })).status).toBe(204);
    }
    const worker = await t.signIn('worker');
    await expectRefusedUnchanged(db.sql, () => t.request('POST', '/api/v1/sessions', { token: worker.token, body: { sop_id: sopId } }), 404, 'NOT_FOUND');
  });
});

describe('seed 001 session-002: session state management', () => {
  test('advance to next step after passed check: the next step becomes current, status stays in_progress, the next step is returned', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const [first, second, third] = stepIds(sop);
    const checkedAt = tick();
    const res = await t.request('POST', `/api/v1/sessions/${session.id}/checks`, {
      token: worker.token,
      body: { step_id: first, result: 'passed', notes: 'breaker locked' },
    });
    expect(res.status).toBe(200);
    const after = dataOf<SessionJson>(res);
    expect(after).toMatchObject({
      status: 'in_progress',
      current_step_id: second,
      current_step: { id: second, position: 2 },
      next_step: { id: third, position: 3, task: { title: 'Verify' } },
      checks: [{ step_id: first, result: 'passed', notes: 'breaker locked', checked_by: worker.user.id, checked_at: checkedAt }],
      progress: { passed_steps: 1, current_position: 2 },
    });
  });

  test('a pass on the last step of a task advances to the first step of the next task', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const [first, second, third] = stepIds(sop);
    await check(t, worker.token, session.id, first!);
    const after = await check(t, worker.token, session.id, second!);
    expect(after).toMatchObject({ current_step_id: third, current_step: { task: { id: sop.tasks[1]?.id } }, next_step: null });
  });

  test('a failed check is recorded and the session stays on the step', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const [first] = stepIds(sop);
    tick();
    const after = await check(t, worker.token, session.id, first!, 'failed');
    expect(after).toMatchObject({ status: 'in_progress', current_step_id: first, progress: { failed_checks: 1, passed_steps: 0 } });
    expect(after.checks).toHaveLength(1);
    tick();
    const passed = await check(t, worker.token, session.id, first!);
    expect(passed.checks.map((c) => c.result)).toEqual(['failed', 'passed']);
  });

  test('complete session after final step: completed, completed_at set, current step null, WorkSessionCompleted in the audit log', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const [first, second, third] = stepIds(sop);
    await check(t, worker.token, session.id, first!);
    await check(t, worker.token, session.id, second!);
    const completedAt = tick();
    const done = await check(t, worker.token, session.id, third!);
    expect(done).toMatchObject({
      status: 'completed',
      completed_at: completedAt,
      current_step_id: null,
      current_step: null,
      next_step: null,
      progress: { passed_steps: 3, total_steps: 3, current_position: null },
    });
    expect(done.checks).toHaveLength(3);
    const events = (await auditOf(session.id)).filter((e) => e.action === 'WorkSessionCompleted');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      entity: 'procedure_runs',
      entity_id: session.id,
      actor_id: worker.user.id,
      at: completedAt,
      new_value: { status: 'completed', completed_at: completedAt, current_step_id: null },
      old_value: { status: 'in_progress', current_step_id: third },
    });
  });

  test('a check on a step that is not current → 409 STEP_NOT_CURRENT naming the current step, nothing recorded', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const [first, , third] = stepIds(sop);
    const res = await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', `/api/v1/sessions/${session.id}/checks`, { token: worker.token, body: { step_id: third, result: 'passed' } }),
      409,
      'STEP_NOT_CURRENT',
    );
    expect(res.body).toMatchObject({ error: { details: { current_step_id: first } } });
  });

  test('a check on a step outside the SOP → 404 NOT_FOUND, nothing recorded', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', `/api/v1/sessions/${session.id}/checks`, { token: worker.token, body: { step_id: 'nope', result: 'passed' } }),
      404,
      'NOT_FOUND',
    );
  });

  test('two passes on the same step at once: one advances, the other is 409 STEP_NOT_CURRENT', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const [first, second] = stepIds(sop);
    const body = { step_id: first, result: 'passed' };
    const results = await Promise.all([1, 2].map(() => t.request('POST', `/api/v1/sessions/${session.id}/checks`, { token: worker.token, body })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const after = await getSession(worker.token, session.id);
    expect(after.current_step_id).toBe(second);
    expect(after.checks).toHaveLength(1);
  });
});

describe('seed 001 session-003: session retrieval', () => {
  test('get active session for worker: the in-progress session with its current step, all checks and the next step', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const [first, second, third] = stepIds(sop);
    tick();
    await check(t, worker.token, session.id, first!, 'failed');
    tick();
    await check(t, worker.token, session.id, first!);
    const res = await t.request('GET', '/api/v1/sessions/current', { token: worker.token });
    expect(res.status).toBe(200);
    const current = dataOf<SessionJson | null>(res);
    expect(current).toMatchObject({
      id: session.id,
      status: 'in_progress',
      current_step_id: second,
      current_step: { id: second, title: 'Tag the breaker' },
      next_step: { id: third, title: 'Test for zero energy' },
      sop: { id: sop.id, title: 'Pump isolation', tasks: sop.tasks },
    });
    expect(current?.checks.map((c) => [c.step_id, c.result])).toEqual([
      [first, 'failed'],
      [first, 'passed'],
    ]);
  });

  test('a paused session is still the current one (it is active: I7 allows one)', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    await t.request('POST', `/api/v1/sessions/${session.id}/pause`, { token: worker.token });
    const current = dataOf<SessionJson | null>(await t.request('GET', '/api/v1/sessions/current', { token: worker.token }));
    expect(current).toMatchObject({ id: session.id, status: 'paused' });
  });

  test('no active session → {data: null}, also after the last one completed', async () => {
    const worker = await t.signIn('worker');
    expect((await t.request('GET', '/api/v1/sessions/current', { token: worker.token })).body).toEqual({ data: null });
    const sop = await createConfirmedSop(t, sup.token);
    const session = await startSession(t, worker.token, sop.id);
    await passAll(t, worker.token, session);
    expect((await t.request('GET', '/api/v1/sessions/current', { token: worker.token })).body).toEqual({ data: null });
  });

  test("list worker's session history: completed and in-progress, newest first, with SOP title, status and timestamps", async () => {
    const sopA = await createConfirmedSop(t, sup.token, { title: 'Alpha procedure' });
    const sopB = await createConfirmedSop(t, sup.token, { title: 'Bravo procedure' });
    const worker = await t.signIn('worker');
    const stranger = await t.signIn('worker');
    tick();
    const oldest = await passAll(t, worker.token, await startSession(t, worker.token, sopA.id));
    tick();
    const middle = await startSession(t, worker.token, sopB.id);
    await t.request('POST', `/api/v1/sessions/${middle.id}/complete`, { token: worker.token });
    tick();
    const newest = await startSession(t, worker.token, sopA.id);
    await startSession(t, stranger.token, sopA.id);

    const res = await t.request('GET', '/api/v1/sessions', { token: worker.token });
    expect(res.status).toBe(200);
    const list = dataOf<SessionJson[]>(res);
    expect(list.map((s) => s.id)).toEqual([newest.id, middle.id, oldest.id]);
    expect(list.map((s) => [s.status, s.sop.title])).toEqual([
      ['in_progress', 'Alpha procedure'],
      ['completed', 'Bravo procedure'],
      ['completed', 'Alpha procedure'],
    ]);
    expect(list[2]).toMatchObject({ started_at: oldest.started_at, completed_at: oldest.completed_at });
    expect(list[0]?.sop.tasks).toBeUndefined();

    const completed = dataOf<SessionJson[]>(await t.request('GET', '/api/v1/sessions?status=completed', { token: worker.token }));
    expect(completed.map((s) => s.id)).toEqual([middle.id, oldest.id]);
    const page = dataOf<SessionJson[]>(await t.request('GET', '/api/v1/sessions?limit=1&offset=1', { token: worker.token }));
    expect(page.map((s) => s.id)).toEqual([middle.id]);
    const past = dataOf<SessionJson[]>(await t.request('GET', '/api/v1/sessions?offset=3', { token: worker.token }));
    expect(past).toEqual([]);
  });

  test('the list defaults to 20 sessions and takes at most 100', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    for (let i = 0; i < 22; i += 1) {
      tick();
      const session = await startSession(t, worker.token, sop.id);
      await t.request('POST', `/api/v1/sessions/${session.id}/complete`, { token: worker.token });
    }
    expect(dataOf<SessionJson[]>(await t.request('GET', '/api/v1/sessions', { token: worker.token }))).toHaveLength(20);
    expect(dataOf<SessionJson[]>(await t.request('GET', '/api/v1/sessions?limit=100', { token: worker.token }))).toHaveLength(22);
  });

  test("a supervisor lists a worker's sessions with worker_id; a worker may not list someone else's (403)", async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const other = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const path = `/api/v1/sessions?worker_id=${worker.user.id}`;
    expect(dataOf<SessionJson[]>(await t.request('GET', path, { token: sup.token })).map((s) => s.id)).toEqual([session.id]);
    expect(dataOf<SessionJson[]>(await t.request('GET', path, { token: worker.token })).map((s) => s.id)).toEqual([session.id]);
    const res = await t.request('GET', path, { token: other.token });
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  test('a session is read by its worker, supervisors and admins; another worker gets 403', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    expect((await getSession(worker.token, session.id)).id).toBe(session.id);
    expect((await getSession(sup.token, session.id)).id).toBe(session.id);
    expect((await getSession(t.adminToken, session.id)).id).toBe(session.id);
    const other = await t.signIn('worker');
    expect(await t.request('GET', `/api/v1/sessions/${session.id}`, { token: other.token })).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
  });
});

describe('seed 001 session-004: session completion', () => {
  test('worker completes session manually: completed with its completion time, then no longer modifiable by the worker', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const completedAt = tick();
    const res = await t.request('POST', `/api/v1/sessions/${session.id}/complete`, { token: worker.token });
    expect(res.status).toBe(200);
    expect(dataOf<SessionJson>(res)).toMatchObject({ status: 'completed', completed_at: completedAt, current_step_id: null });
    expect((await auditOf(session.id)).map((e) => e.action)).toContain('WorkSessionCompleted');
    const [first] = stepIds(sop);
    for (const [path, body] of [
      ['checks', { step_id: first, result: 'passed' }],
      ['pause', undefined],
      ['resume', undefined],
    ] as const) {
      await expectRefusedUnchanged(
        db.sql,
        () => t.request('POST', `/api/v1/sessions/${session.id}/${path}`, { token: worker.token, ...(body ? { body } : {}) }),
        409,
        'CONFLICT_INVALID_STATE',
      );
    }
  });

  test('completing a completed session again changes nothing (200, same completion time)', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const first = dataOf<SessionJson>(await t.request('POST', `/api/v1/sessions/${session.id}/complete`, { token: worker.token }));
    tick();
    const again = dataOf<SessionJson>(await t.request('POST', `/api/v1/sessions/${session.id}/complete`, { token: worker.token }));
    expect(again).toEqual(first);
  });

  test('only the session owner can complete: another worker and a supervisor without a reason get 403, nothing changes', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const other = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    for (const token of [other.token, sup.token, t.adminToken]) {
      await expectRefusedUnchanged(db.sql, () => t.request('POST', `/api/v1/sessions/${session.id}/complete`, { token }), 403, 'FORBIDDEN');
    }
    expect((await getSession(worker.token, session.id)).status).toBe('in_progress');
  });

  test('a supervisor override with a reason completes the session and is audited', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    tick();
    const res = await t.request('POST', `/api/v1/sessions/${session.id}/complete`, {
      token: sup.token,
      body: { override_reason: 'worker left site, supervisor closed out' },
    });
    expect(dataOf<SessionJson>(res).status).toBe('completed');
    const override = (await auditOf(session.id)).find((e) => e.action === 'run.complete.override');
    expect(override).toMatchObject({ actor_id: sup.user.id, reason: 'worker left site, supervisor closed out', new_value: { status: 'completed' } });
  });

  test('after completion a supervisor override may add a check as an amendment (audited, the session does not move)', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    await t.request('POST', `/api/v1/sessions/${session.id}/complete`, { token: worker.token });
    const [first] = stepIds(sop);
    const res = await t.request('POST', `/api/v1/sessions/${session.id}/checks`, {
      token: sup.token,
      body: { step_id: first, result: 'passed', notes: 'verified on camera', override_reason: 'late verification' },
    });
    const after = dataOf<SessionJson>(res);
    expect(after).toMatchObject({ status: 'completed', current_step_id: null });
    expect(after.checks).toMatchObject([{ step_id: first, checked_by: sup.user.id, notes: 'verified on camera' }]);
    expect((await auditOf(session.id)).map((e) => e.action)).toContain('run.check.override');
  });
});

describe('seed 001 session-005: session immutability after approval', () => {
  test('attempt to modify locked session: every change → 409 SESSION_LOCKED, rejected, and an audit entry is created', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const done = await passAll(t, worker.token, await startSession(t, worker.token, sop.id));
    const lockedAt = tick();
    const approved = await approve(t, sup.token, done.id);
    expect(approved).toMatchObject({ locked: true, locked_by: sup.user.id, locked_at: lockedAt, status: 'completed' });
    const [first] = stepIds(sop);
    const attempts = [
      ['checks', 'run.check', { step_id: first, result: 'passed' }],
      ['complete', 'run.complete', undefined],
      ['pause', 'run.pause', undefined],
      ['resume', 'run.resume', undefined],
    ] as const;
    for (const [path, kind, body] of attempts) {
      tick();
      const before = await auditOf(done.id);
      const res = await expectRefusedUnchanged(
        db.sql,
        () => t.request('POST', `/api/v1/sessions/${done.id}/${path}`, { token: worker.token, ...(body ? { body } : {}) }),
        409,
        'SESSION_LOCKED',
        ['sops', 'sop_versions', 'procedure_runs', 'safety_checks'],
      );
      expect(res.body).toMatchObject({ error: { details: { reason: 'approved', locked_by: sup.user.id, locked_at: lockedAt } } });
      const after = await auditOf(done.id);
      expect(after).toHaveLength(before.length + 1);
      expect(after[0]).toMatchObject({
        action: `${kind}.refused`,
        actor_id: worker.user.id,
        device_id: 'api',
        entity: 'procedure_runs',
        entity_id: done.id,
        reason: 'SESSION_LOCKED: approved',
        old_value: { locked: true, locked_by: sup.user.id, locked_at: lockedAt },
      });
    }
    expect(await getSession(worker.token, done.id)).toEqual(approved);
  });

  test('a supervisor without an override reason is refused too (409 SESSION_LOCKED, audited)', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const done = await passAll(t, worker.token, await startSession(t, worker.token, sop.id));
    await approve(t, sup.token, done.id);
    const [first] = stepIds(sop);
    tick();
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', `/api/v1/sessions/${done.id}/checks`, { token: sup.token, body: { step_id: first, result: 'failed' } }),
      409,
      'SESSION_LOCKED',
      ['procedure_runs', 'safety_checks'],
    );
    expect((await auditOf(done.id))[0]).toMatchObject({ action: 'run.check.refused', actor_id: sup.user.id });
  });

  test('a supervisor override with a reason changes a locked session and is audited with old and new values', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const done = await passAll(t, worker.token, await startSession(t, worker.token, sop.id));
    await approve(t, sup.token, done.id);
    const [first] = stepIds(sop);
    tick();
    const res = await t.request('POST', `/api/v1/sessions/${done.id}/checks`, {
      token: sup.token,
      body: { step_id: first, result: 'failed', notes: 'seal found broken', override_reason: 'post-approval finding' },
    });
    const after = dataOf<SessionJson>(res);
    expect(after.locked).toBe(true);
    expect(after.checks.at(-1)).toMatchObject({ step_id: first, result: 'failed', checked_by: sup.user.id });
    const entry = (await auditOf(done.id))[0];
    expect(entry).toMatchObject({
      action: 'run.check.override',
      actor_id: sup.user.id,
      reason: 'post-approval finding',
      new_value: { added: [{ step_id: first, result: 'failed', notes: 'seal found broken', checked_at: toIso(t.clock()) }] },
    });
  });

  test('approval is audited; approving again changes nothing; only completed sessions are approved (409 otherwise)', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', `/api/v1/sessions/${session.id}/approve`, { token: sup.token }),
      409,
      'CONFLICT_INVALID_STATE',
    );
    await passAll(t, worker.token, session);
    tick();
    const approved = dataOf<SessionJson>(
      await t.request('POST', `/api/v1/sessions/${session.id}/approve`, { token: t.adminToken, body: { reason: 'all checks passed' } }),
    );
    expect(approved).toMatchObject({ locked: true, locked_by: 'admin' });
    expect((await auditOf(session.id))[0]).toMatchObject({ action: 'run.approve', reason: 'all checks passed', new_value: { locked: true } });
    tick();
    expect(await approve(t, sup.token, session.id)).toEqual(approved);
  });
});

describe('seed 001 session-006: session-SOP relationship', () => {
  test('prevent SOP deletion with active sessions: 400 listing them with advice, and the SOP stays', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const a = await t.signIn('worker');
    const b = await t.signIn('worker');
    const running = await startSession(t, a.token, sop.id);
    const paused = await startSession(t, b.token, sop.id);
    await t.request('POST', `/api/v1/sessions/${paused.id}/pause`, { token: b.token });
    const res = await expectRefusedUnchanged(
      db.sql,
      () => t.request('DELETE', `/api/v1/sops/${sop.id}`, { token: sup.token }),
      400,
      'SOP_HAS_ACTIVE_SESSIONS',
    );
    const error = (res.body as { error: { message: string; details: { active_session_ids: string[] } } }).error;
    expect([...error.details.active_session_ids].sort()).toEqual([running.id, paused.id].sort());
    expect(error.message).toContain(running.id);
    expect(error.message).toMatch(/complete or cancel/i);
    expect((await t.request('GET', `/api/v1/sops/${sop.id}`, { token: sup.token })).status).toBe(200);

    await t.request('POST', `/api/v1/sessions/${running.id}/complete`, { token: a.token });
    await t.request('POST', `/api/v1/sessions/${paused.id}/complete`, { token: b.token });
    expect((await t.request('DELETE', `/api/v1/sops/${sop.id}`, { token: sup.token })).status).toBe(204);
    expect((await t.request('GET', `/api/v1/sops/${sop.id}`, { token: sup.token })).status).toBe(404);
    expect((await getSession(a.token, running.id)).sop).toMatchObject({ id: sop.id, title: 'Pump isolation' });
  });

  test('a session stays pinned to its SOP version after the SOP is edited and re-confirmed', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const pinned = await startSession(t, worker.token, sop.id);
    const [first, second, third] = stepIds(sop);
    await check(t, worker.token, pinned.id, first!);

    const edited = dataOf<SopJson>(
      await t.request('PATCH', `/api/v1/sops/${sop.id}`, {
        token: sup.token,
        body: { title: 'Pump isolation v2', tasks: [{ title: 'Everything', steps: [{ title: 'Only step' }] }] },
      }),
    );
    expect(edited).toMatchObject({ version: 2, status: 'draft', latest_version: 2, confirmed_version: 1 });
    const confirmed = dataOf<SopJson>(await t.request('POST', `/api/v1/sops/${sop.id}/confirm`, { token: sup.token }));
    expect(confirmed).toMatchObject({ version: 2, status: 'confirmed', confirmed_version: 2 });

    const still = await getSession(worker.token, pinned.id);
    expect(still).toMatchObject({ sop_version: 1, current_step_id: second, sop: { title: 'Pump isolation', version: 1, tasks: sop.tasks } });
    await check(t, worker.token, pinned.id, second!);
    const done = await check(t, worker.token, pinned.id, third!);
    expect(done).toMatchObject({ status: 'completed', sop_version: 1, progress: { total_steps: 3 } });

    const fresh = await startSession(t, worker.token, sop.id);
    expect(fresh).toMatchObject({ sop_version: 2, current_step: { title: 'Only step' }, sop: { title: 'Pump isolation v2' } });
    const [row] = await selectRows(db.sql, 'procedure_runs', { id: pinned.id });
    expect(row?.sop_version).toBe(1);
  });

  test('a session started while the next version is still a draft runs the confirmed version', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    await t.request('PATCH', `/api/v1/sops/${sop.id}`, { token: sup.token, body: { title: 'Draft rewrite' } });
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    expect(session).toMatchObject({ sop_version: 1, sop: { title: 'Pump isolation' } });
  });
});

describe('seed 001 session-007: session repository', () => {
  test('save session with checks: the session and all its checks are persisted together and read back with their relationships', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const done = await passAll(t, worker.token, session);
    const runs = await selectRows(db.sql, 'procedure_runs', { id: session.id });
    const checks = await selectRows(db.sql, 'safety_checks', { run_id: session.id });
    expect(runs).toMatchObject([{ status: 'completed', current_step_id: null, worker_id: worker.user.id, sop_id: sop.id, sop_version: 1 }]);
    expect(checks.map((c) => c.step_id).sort()).toEqual(stepIds(sop).sort());
    expect(checks.every((c) => c.checked_by === worker.user.id)).toBe(true);
    expect(await getSession(worker.token, session.id)).toEqual(done);
  });
});

describe('seed 001 session-008: pause and resume', () => {
  test('worker pauses session: paused, pause time recorded, current step preserved; resume continues at the same step', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const [first, second] = stepIds(sop);
    await check(t, worker.token, session.id, first!);
    const pausedAt = tick();
    const paused = dataOf<SessionJson>(await t.request('POST', `/api/v1/sessions/${session.id}/pause`, { token: worker.token }));
    expect(paused).toMatchObject({ status: 'paused', paused_at: pausedAt, current_step_id: second, current_step: { id: second } });

    await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', `/api/v1/sessions/${session.id}/checks`, { token: worker.token, body: { step_id: second, result: 'passed' } }),
      409,
      'CONFLICT_INVALID_STATE',
    );
    tick();
    const again = dataOf<SessionJson>(await t.request('POST', `/api/v1/sessions/${session.id}/pause`, { token: worker.token }));
    expect(again.paused_at).toBe(pausedAt);

    const resumed = dataOf<SessionJson>(await t.request('POST', `/api/v1/sessions/${session.id}/resume`, { token: worker.token }));
    expect(resumed).toMatchObject({ status: 'in_progress', paused_at: null, current_step_id: second });
    expect((await check(t, worker.token, session.id, second!)).current_step_id).not.toBe(second);
  });

  test('resuming an in-progress session changes nothing', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    tick();
    const resumed = dataOf<SessionJson>(await t.request('POST', `/api/v1/sessions/${session.id}/resume`, { token: worker.token }));
    expect(resumed).toEqual(session);
  });

  test('a paused session can be completed by its worker', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    await t.request('POST', `/api/v1/sessions/${session.id}/pause`, { token: worker.token });
    const done = dataOf<SessionJson>(await t.request('POST', `/api/v1/sessions/${session.id}/complete`, { token: worker.token }));
    expect(done).toMatchObject({ status: 'completed', paused_at: null, current_step_id: null });
  });
});

describe('seed 001 session-009: concurrent session handling', () => {
  test('start session while one is active: 409 ACTIVE_SESSION_EXISTS referencing the existing session, nothing created', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const other = await createConfirmedSop(t, sup.token, { title: 'Other procedure' });
    const worker = await t.signIn('worker');
    const active = await startSession(t, worker.token, sop.id);
    const res = await expectRefusedUnchanged(
      db.sql,
      () => t.request('POST', '/api/v1/sessions', { token: worker.token, body: { sop_id: other.id } }),
      409,
      'ACTIVE_SESSION_EXISTS',
    );
    const error = (res.body as { error: { message: string; details: Record<string, unknown> } }).error;
    expect(error.details).toEqual({ existing_session_id: active.id });
    expect(error.message).toContain(active.id);
    expect(error.message).toMatch(/complete or cancel/i);
  });

  test('a paused session also blocks a new start; after completing it the worker may start again', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const active = await startSession(t, worker.token, sop.id);
    await t.request('POST', `/api/v1/sessions/${active.id}/pause`, { token: worker.token });
    const res = await t.request('POST', '/api/v1/sessions', { token: worker.token, body: { sop_id: sop.id } });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'ACTIVE_SESSION_EXISTS', details: { existing_session_id: active.id } } } });
    await t.request('POST', `/api/v1/sessions/${active.id}/complete`, { token: worker.token });
    expect((await startSession(t, worker.token, sop.id)).status).toBe('in_progress');
  });

  test('different workers each have their own active session', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const a = await t.signIn('worker');
    const b = await t.signIn('worker');
    await startSession(t, a.token, sop.id);
    expect((await startSession(t, b.token, sop.id)).worker_id).toBe(b.user.id);
  });

  test('concurrent starts by one worker (Promise.all): exactly one active session, the others 409', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => t.request('POST', '/api/v1/sessions', { token: worker.token, body: { sop_id: sop.id } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const res of results.filter((r) => r.status !== 201)) expect(res.body).toMatchObject({ error: { code: 'ACTIVE_SESSION_EXISTS' } });
    const active = await selectRows(db.sql, 'procedure_runs', { worker_id: worker.user.id, status: ['in_progress', 'paused'] });
    expect(active).toHaveLength(1);
  });

  test('the database holds one active run per worker even for a write that bypasses the rules', async () => {
    const sop = await createConfirmedSop(t, sup.token);
    const worker = await t.signIn('worker');
    const session = await startSession(t, worker.token, sop.id);
    const [row] = await selectRows(db.sql, 'procedure_runs', { id: session.id });
    await expect(
      db.sql`INSERT INTO procedure_runs (id, sop_id, sop_version, worker_id, status, current_step_id, started_at, locked, updated_at)
             VALUES ('bypass', ${sop.id}, 1, ${worker.user.id}, 'in_progress', ${row?.current_step_id ?? null}, now(), false, now())`,
    ).rejects.toMatchObject({ constraint_name: 'procedure_runs_one_active_per_worker' });
  });
});
