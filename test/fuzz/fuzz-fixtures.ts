/**
 * A populated world for the fuzzers, made through the HTTP API itself: people
 * of every role, tasks (claimed with a checklist and an open session,
 * unclaimed, done), a confirmed SOP with an active run, a locked run, a
 * draft SOP, and bookings (scheduled, ongoing). Corrupted requests then aim
 * at entities that exist as well as at ones that do not.
 *
 * Invariants:
 * 1. Every call here must succeed; a failed setup throws with the answer.
 * 2. The world is settled when seeding returns: the booking sweep has run
 *    at the frozen clock, so a later sweep (GET /api/admin/update-session-
 *    status) changes nothing and read routes stay read-only.
 * 3. `ids` holds every id in the world (entities, steps, items, users), the
 *    pool valid requests draw from.
 */
import type { Role, UserRow } from '@stint/shared';
import type { TestApp, TestResponse } from '../../server/src/testing/test-app.ts';

export interface Person {
  readonly user: UserRow;
  readonly token: string;
}

export interface Fixtures {
  readonly people: Readonly<Record<'worker' | 'worker2' | 'supervisor' | 'admin', Person>>;
  readonly task: { readonly claimed: string; readonly pool: string; readonly done: string };
  readonly items: readonly string[];
  readonly sop: { readonly confirmed: string; readonly draft: string; readonly stepIds: readonly string[] };
  readonly run: { readonly active: string; readonly locked: string };
  readonly booking: { readonly scheduled: string; readonly ongoing: string };
  /** Invariant 3. */
  readonly ids: readonly string[];
}

const HOUR = 3_600_000;

export async function seedFixtures(t: TestApp): Promise<Fixtures> {
  const signIn = (role: Role, id: string) => t.signIn(role, id);
  const people = {
    worker: await signIn('worker', 'fx-worker'),
    worker2: await signIn('worker', 'fx-worker2'),
    supervisor: await signIn('supervisor', 'fx-supervisor'),
    admin: await signIn('admin', 'fx-admin'),
  };
  const { worker, worker2, supervisor } = people;
  const call = async (method: string, path: string, token: string, body?: unknown): Promise<unknown> =>
    expectOk(await t.request(method, path, { token, ...(body === undefined ? {} : { body }) }), `${method} ${path}`);

  // Tasks: claimed by the worker with a checklist and an open session; an unclaimed one; a done one.
  const task = { claimed: 'fx-task-claimed', pool: 'fx-task-pool', done: 'fx-task-done' };
  for (const id of Object.values(task)) await call('POST', '/api/v1/tasks', supervisor.token, { id, title: `Task ${id}`, status: 'todo' });
  await call('POST', `/api/v1/tasks/${task.claimed}/claim`, worker.token);
  const items = ['fx-item-1', 'fx-item-2'];
  for (const id of items) await call('POST', '/api/checklist-items', worker.token, { task_id: task.claimed, title: `Item ${id}`, checklist_item_id: id });
  await call('PATCH', `/api/checklist-items/${items[0] ?? ''}`, worker.token, { status: 2 });
  await call('POST', '/api/v1/me/work-sessions/start', worker.token, { task_id: task.claimed });
  await call('PUT', `/tasks/${task.done}`, worker2.token, { task_status: 'in-progress' });
  await call('POST', `/api/v1/tasks/${task.done}/complete`, worker2.token);

  // SOPs and runs: an active run for the worker, a completed and approved (locked) one for worker2.
  const sopTasks = [
    { id: 'fx-sop-task-1', title: 'Isolate', steps: [{ id: 'fx-step-1', title: 'Lock out' }, { id: 'fx-step-2', title: 'Tag', requires_check: true }] },
    { id: 'fx-sop-task-2', title: 'Verify', steps: [{ id: 'fx-step-3', title: 'Test dead' }] },
  ];
  const sop = { confirmed: 'fx-sop', draft: 'fx-sop-draft', stepIds: ['fx-step-1', 'fx-step-2', 'fx-step-3'] };
  await call('POST', '/api/v1/sops', supervisor.token, { id: sop.confirmed, title: 'Pump isolation', tasks: sopTasks });
  await call('POST', `/api/v1/sops/${sop.confirmed}/confirm`, supervisor.token);
  await call('POST', '/api/v1/sops', supervisor.token, { id: sop.draft, title: 'Draft procedure', tasks: [{ title: 'Only', steps: [{ title: 'Step' }] }] });
  const run = { active: 'fx-run-active', locked: 'fx-run-locked' };
  await call('POST', '/api/v1/sessions', worker.token, { sop_id: sop.confirmed, id: run.active });
  await call('POST', `/api/v1/sessions/${run.active}/checks`, worker.token, { step_id: 'fx-step-1', result: 'passed' });
  await call('POST', '/api/v1/sessions', worker2.token, { sop_id: sop.confirmed, id: run.locked });
  for (const step of sop.stepIds) await call('POST', `/api/v1/sessions/${run.locked}/checks`, worker2.token, { step_id: step, result: 'passed' });
  await call('POST', `/api/v1/sessions/${run.locked}/approve`, supervisor.token, { reason: 'Checked on site' });

  // Bookings between the two workers: one scheduled tomorrow, one started by hand and ending later today.
  const now = t.clock();
  const booking = { scheduled: 'fx-booking-scheduled', ongoing: 'fx-booking-ongoing' };
  const book = (id: string, start: number, end: number) =>
    call('POST', '/api/v1/bookings', supervisor.token, {
      id,
      mentor_id: worker.user.id,
      student_id: worker2.user.id,
      start_time: new Date(start).toISOString(),
      end_time: new Date(end).toISOString(),
    });
  await book(booking.scheduled, now + 24 * HOUR, now + 25 * HOUR);
  await book(booking.ongoing, now + HOUR, now + 3 * HOUR);
  await call('POST', `/api/sessions/${booking.ongoing}/start`, worker.token);
  await call('GET', '/api/admin/update-session-status', supervisor.token);

  const ids = [
    ...Object.values(people).map((p) => p.user.id),
    ...Object.values(task),
    ...items,
    sop.confirmed,
    sop.draft,
    ...sop.stepIds,
    ...sopTasks.map((s) => s.id),
    ...Object.values(run),
    ...Object.values(booking),
  ];
  return { people, task, items, sop, run, booking, ids };
}

/** Invariant 1. */
export function expectOk(res: TestResponse, what: string): unknown {
  if (res.status < 200 || res.status > 299) throw new Error(`fixture ${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
