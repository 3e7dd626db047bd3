/**
 * Fresh entities for the auth matrix, one set per cell, made through the
 * HTTP API by a setup supervisor (or by the person who must own them), so
 * no cell sees another cell's leftovers and an allowed call can succeed.
 *
 * Invariants:
 * 1. Every id is new (a per-file counter), so cells never collide.
 * 2. Every setup call must succeed; a failure throws with the answer,
 *    because a broken setup would otherwise read as an auth finding.
 */
import type { Role } from '@stint/shared';
import { selectRows } from '../../server/src/db/rows.ts';
import type { Queryable } from '../../server/src/db/sql.ts';
import { sweepStaleSessions } from '../../server/src/scheduler/stale-sessions.ts';
import type { TestApp } from '../../server/src/testing/test-app.ts';
import type { AccessRow, Call, Cell, Column, Makers } from './access-table.ts';
import { expectOk } from './fuzz-fixtures.ts';
import type { Person } from './fuzz-fixtures.ts';

const HOUR = 3_600_000;

/** `sql`: the test database, for the stale sweep, which no route runs. */
export function createMakers(t: TestApp, setup: Person, sql: Queryable): Makers {
  let counter = 0;
  const fresh = (kind: string) => `mx-${kind}-${(counter += 1)}`;
  const call = async (method: string, path: string, who: Person, body?: unknown) =>
    expectOk(await t.request(method, path, { token: who.token, ...(body === undefined ? {} : { body }) }), `${method} ${path}`);

  const makers: Makers = {
    person: (role: Role) => t.signIn(role, fresh(role)),
    async task(claimedBy) {
      const id = fresh('task');
      await call('POST', '/api/v1/tasks', setup, { id, title: `Task ${id}`, status: 'todo' });
      if (claimedBy !== undefined) await call('POST', `/api/v1/tasks/${id}/claim`, claimedBy);
      return id;
    },
    async item(taskId, by = setup) {
      const id = fresh('item');
      await call('POST', '/api/checklist-items', by, { task_id: taskId, title: `Item ${id}`, checklist_item_id: id });
      return id;
    },
    async sop(confirmed) {
      const id = fresh('sop');
      await call('POST', '/api/v1/sops', setup, {
        id,
        title: `SOP ${id}`,
        tasks: [{ title: 'Only task', steps: [{ id: `${id}-step-1`, title: 'First' }, { id: `${id}-step-2`, title: 'Second' }] }],
      });
      if (confirmed) await call('POST', `/api/v1/sops/${id}/confirm`, setup);
      return id;
    },
    async run(worker, state) {
      const sopId = await makers.sop(true);
      const id = fresh('run');
      const steps = [`${sopId}-step-1`, `${sopId}-step-2`];
      await call('POST', '/api/v1/sessions', worker, { sop_id: sopId, id });
      if (state === 'paused') await call('POST', `/api/v1/sessions/${id}/pause`, worker);
      if (state === 'completed') for (const step of steps) await call('POST', `/api/v1/sessions/${id}/checks`, worker, { step_id: step, result: 'passed' });
      return { id, firstStep: steps[0] ?? '' };
    },
    async booking(mentor, student, ongoing) {
      const id = fresh('booking');
      const start = t.clock() + 30 * HOUR;
      await call('POST', '/api/v1/bookings', setup, {
        id,
        mentor_id: mentor.user.id,
        student_id: student.user.id,
        start_time: new Date(start).toISOString(),
        end_time: new Date(start + HOUR).toISOString(),
      });
      if (ongoing) await call('POST', `/api/sessions/${id}/start`, setup);
      return id;
    },
    async staleWorkSession(worker) {
      const taskId = await makers.task(worker);
      await call('POST', '/api/v1/me/work-sessions/start', worker, { task_id: taskId });
      const cutoffMs = t.config.STALE_CUTOFF_S * 1000;
      t.clock.advance(cutoffMs + 1000);
      await sweepStaleSessions(sql, t.clock(), cutoffMs);
      const [session] = await selectRows(sql, 'work_sessions', { task_id: taskId });
      if (session?.ended_at == null || session.ended_reason !== 'stale_timeout') throw new Error(`matrix setup: the sweep did not close ${taskId}'s session`);
      return { id: session.id, endedAt: session.ended_at };
    },
  };
  return makers;
}

export interface Cells {
  /** The caller of a column, and the owner of what the call touches (invariant 2 of access-table.ts). */
  cellFor(column: Column): Promise<Cell>;
  /** The row's call, on fresh entities, for a caller of `column` (or of `cell`, when given). */
  prepare(row: AccessRow, column: Column, cell?: Cell): Promise<Call>;
}

export function createCells(t: TestApp, make: Makers): Cells {
  const cellFor = async (column: Column): Promise<Cell> => {
    const owner = await make.person('worker');
    const actor: Person = column === 'worker' ? owner : await make.person(column === 'worker2' ? 'worker' : column);
    return { t, column, actor, owner, make };
  };
  const prepare = async (row: AccessRow, column: Column, cell?: Cell): Promise<Call> => {
    const path = row.key.split(' ')[1] ?? '';
    if (row.prepare === undefined) return { path };
    return row.prepare(cell ?? (await cellFor(column)));
  };
  return { cellFor, prepare };
}
