/**
 * Who may call what: one row per operation (two where the body decides),
 * written from ../shared/API.md and the route comments, NOT from the code's
 * guards, so the auth matrix can catch a route whose guard disagrees.
 *
 *   public     anyone, with or without a token: /healthz, /metrics, the
 *              OpenAPI document, where zero-cache listens
 *   cron       only `Authorization: Bearer $CRON_SECRET` (503 when unset)
 *   signed-in  any role
 *   roles      the roles named; any other role is 403
 *   owner      the entity's worker (or booking participant), supervisors and
 *              admins; another worker is 403
 *   self       the entity's worker alone: another worker, a supervisor and an
 *              admin are 403 (claiming back one's own time, work.extend)
 *
 * Each row also says how to make a call an allowed caller should succeed
 * with (`prepare`, fresh entities for every cell) and the success status.
 *
 * Invariants:
 * 1. Every operation of the document has a row and every row names an
 *    operation (checked by the matrix), so a new route cannot go unlisted.
 * 2. In every cell the "worker" column is the owner of the entities the call
 *    touches; "worker2" is another worker.
 */
import { unreachable } from '@stint/shared';
import type { Role } from '@stint/shared';
import type { TestApp } from '../../server/src/testing/test-app.ts';
import type { Person } from './fuzz-fixtures.ts';

export type Column = 'worker' | 'worker2' | 'supervisor' | 'admin';
export const COLUMNS: readonly Column[] = ['worker', 'worker2', 'supervisor', 'admin'];

export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'cron' }
  | { readonly kind: 'signed-in' }
  | { readonly kind: 'roles'; readonly roles: readonly Role[] }
  | { readonly kind: 'owner' }
  | { readonly kind: 'self' };

export interface Call {
  /** Concrete path, with query string if any. */
  readonly path: string;
  readonly body?: unknown;
}

/** What `prepare` may use: the caller, the owner of the entities, and makers of fresh entities. */
export interface Cell {
  readonly t: TestApp;
  readonly column: Column;
  readonly actor: Person;
  /** The worker who owns what the call touches (the actor in the worker column). */
  readonly owner: Person;
  readonly make: Makers;
}

export interface Makers {
  person(role: Role): Promise<Person>;
  /** A todo task, unclaimed unless `claimedBy`. */
  task(claimedBy?: Person): Promise<string>;
  /** A checklist item, added by `by` (default: the setup supervisor). */
  item(taskId: string, by?: Person): Promise<string>;
  sop(confirmed: boolean): Promise<string>;
  /** A run of `worker` on a fresh confirmed SOP; `first_step` is its current step. */
  run(worker: Person, state: 'in_progress' | 'paused' | 'completed'): Promise<{ id: string; firstStep: string }>;
  booking(mentor: Person, student: Person, ongoing: boolean): Promise<string>;
  /** A work session of `worker` the stale sweep closed: started, silent past the cutoff, swept (the clock moves on). */
  staleWorkSession(worker: Person): Promise<{ id: string; endedAt: number }>;
}

export interface AccessRow {
  readonly key: string;
  /** Distinguishes two rows of one operation (PATCH /api/v1/tasks/{id}: status vs title). */
  readonly variant?: string;
  readonly access: Access;
  readonly success: number;
  readonly prepare?: (cell: Cell) => Promise<Call>;
}

const PUBLIC = { kind: 'public' } as const;
const SIGNED_IN = { kind: 'signed-in' } as const;
const OWNER = { kind: 'owner' } as const;
const SELF = { kind: 'self' } as const;
const STAFF = { kind: 'roles', roles: ['supervisor', 'admin'] } as const;
const ADMIN = { kind: 'roles', roles: ['admin'] } as const;

const staffOverride = (cell: Cell) => (cell.column === 'supervisor' || cell.column === 'admin' ? { override_reason: 'Supervisor on site' } : {});
const fixed = (path: string, body?: unknown) => async (): Promise<Call> => ({ path, ...(body === undefined ? {} : { body }) });
const inAnHour = (t: TestApp, hours: number) => new Date(t.clock() + hours * 3_600_000).toISOString();

/** API.md, route by route (invariant 1). */
export const ACCESS_TABLE: readonly AccessRow[] = [
  { key: 'GET /healthz', access: PUBLIC, success: 200 },
  { key: 'GET /metrics', access: PUBLIC, success: 200 },
  { key: 'GET /api/openapi.json', access: PUBLIC, success: 200 },
  { key: 'GET /api/zero/config', access: PUBLIC, success: 200 },
  // Users and tokens
  { key: 'POST /api/v1/users', access: ADMIN, success: 201, prepare: fixed('/api/v1/users', { name: 'New person', role: 'worker' }) },
  { key: 'POST /api/v1/users/{id}/tokens', access: ADMIN, success: 201, prepare: async (c) => ({ path: `/api/v1/users/${c.owner.user.id}/tokens` }) },
  { key: 'GET /api/v1/me', access: SIGNED_IN, success: 200, prepare: fixed('/api/v1/me') },
  // Sync push
  {
    key: 'POST /api/v1/sync/push',
    access: SIGNED_IN,
    success: 200,
    prepare: async (c) => ({ path: '/api/v1/sync/push', body: { device_id: 'matrix-device', sent_at: new Date(c.t.clock()).toISOString(), intents: [] } }),
  },
  // SOPs (supervisor), procedure runs, approvals, audit
  { key: 'POST /api/v1/sops', access: STAFF, success: 201, prepare: fixed('/api/v1/sops', { title: 'New SOP', tasks: [{ title: 'T', steps: [{ title: 'S' }] }] }) },
  { key: 'GET /api/v1/sops', access: SIGNED_IN, success: 200, prepare: fixed('/api/v1/sops') },
  { key: 'GET /api/v1/sops/{id}', access: SIGNED_IN, success: 200, prepare: async (c) => ({ path: `/api/v1/sops/${await c.make.sop(true)}` }) },
  { key: 'PATCH /api/v1/sops/{id}', access: STAFF, success: 200, prepare: async (c) => ({ path: `/api/v1/sops/${await c.make.sop(false)}`, body: { title: 'Renamed' } }) },
  { key: 'DELETE /api/v1/sops/{id}', access: STAFF, success: 204, prepare: async (c) => ({ path: `/api/v1/sops/${await c.make.sop(true)}` }) },
  { key: 'POST /api/v1/sops/{id}/confirm', access: STAFF, success: 200, prepare: async (c) => ({ path: `/api/v1/sops/${await c.make.sop(false)}/confirm` }) },
  { key: 'POST /api/v1/sessions', access: SIGNED_IN, success: 201, prepare: async (c) => ({ path: '/api/v1/sessions', body: { sop_id: await c.make.sop(true) } }) },
  { key: 'GET /api/v1/sessions', access: SIGNED_IN, success: 200, prepare: fixed('/api/v1/sessions') },
  {
    key: 'GET /api/v1/sessions',
    variant: "another worker's runs",
    access: OWNER,
    success: 200,
    prepare: async (c) => {
      await c.make.run(c.owner, 'in_progress');
      return { path: `/api/v1/sessions?worker_id=${c.owner.user.id}` };
    },
  },
  { key: 'GET /api/v1/sessions/current', access: SIGNED_IN, success: 200, prepare: fixed('/api/v1/sessions/current') },
  { key: 'GET /api/v1/sessions/{id}', access: OWNER, success: 200, prepare: async (c) => ({ path: `/api/v1/sessions/${(await c.make.run(c.owner, 'in_progress')).id}` }) },
  {
    key: 'POST /api/v1/sessions/{id}/checks',
    access: OWNER,
    success: 200,
    prepare: async (c) => {
      const run = await c.make.run(c.owner, 'in_progress');
      return { path: `/api/v1/sessions/${run.id}/checks`, body: { step_id: run.firstStep, result: 'passed', ...staffOverride(c) } };
    },
  },
  { key: 'POST /api/v1/sessions/{id}/complete', access: OWNER, success: 200, prepare: runAction('in_progress', 'complete') },
  { key: 'POST /api/v1/sessions/{id}/pause', access: OWNER, success: 200, prepare: runAction('in_progress', 'pause') },
  { key: 'POST /api/v1/sessions/{id}/resume', access: OWNER, success: 200, prepare: runAction('paused', 'resume') },
  {
    key: 'POST /api/v1/sessions/{id}/approve',
    access: STAFF,
    success: 200,
    prepare: async (c) => ({ path: `/api/v1/sessions/${(await c.make.run(c.owner, 'completed')).id}/approve` }),
  },
  { key: 'GET /api/v1/audit', access: STAFF, success: 200, prepare: fixed('/api/v1/audit') },
  // Tasks (native): creating and renaming are supervisors'; claims and status are anyone's, on their own work
  { key: 'POST /api/v1/tasks', access: STAFF, success: 201, prepare: fixed('/api/v1/tasks', { title: 'New task' }) },
  { key: 'GET /api/v1/tasks', access: SIGNED_IN, success: 200, prepare: fixed('/api/v1/tasks') },
  { key: 'GET /api/v1/tasks/{id}', access: SIGNED_IN, success: 200, prepare: async (c) => ({ path: `/api/v1/tasks/${await c.make.task()}` }) },
  {
    key: 'PATCH /api/v1/tasks/{id}',
    variant: 'status',
    access: SIGNED_IN,
    success: 200,
    prepare: async (c) => ({ path: `/api/v1/tasks/${await c.make.task()}`, body: { status: 'in-progress' } }),
  },
  {
    key: 'PATCH /api/v1/tasks/{id}',
    variant: 'title',
    access: STAFF,
    success: 200,
    prepare: async (c) => ({ path: `/api/v1/tasks/${await c.make.task()}`, body: { title: 'Renamed task' } }),
  },
  { key: 'POST /api/v1/tasks/{id}/claim', access: SIGNED_IN, success: 200, prepare: async (c) => ({ path: `/api/v1/tasks/${await c.make.task()}/claim` }) },
  { key: 'POST /api/v1/tasks/{id}/release', access: SIGNED_IN, success: 200, prepare: async (c) => ({ path: `/api/v1/tasks/${await c.make.task(c.actor)}/release` }) },
  { key: 'POST /api/v1/tasks/{id}/complete', access: SIGNED_IN, success: 200, prepare: async (c) => ({ path: `/api/v1/tasks/${await c.make.task(c.actor)}/complete` }) },
  // My work sessions
  { key: 'GET /api/v1/me/work-sessions/active', access: SIGNED_IN, success: 200, prepare: fixed('/api/v1/me/work-sessions/active') },
  { key: 'POST /api/v1/me/work-sessions/start', access: SIGNED_IN, success: 200, prepare: workSession('start') },
  { key: 'POST /api/v1/me/work-sessions/pause', access: SIGNED_IN, success: 200, prepare: workSession('pause') },
  { key: 'POST /api/v1/me/work-sessions/heartbeat', access: SIGNED_IN, success: 200, prepare: workSession('heartbeat') },
  // Work sessions and reports: the history (a worker's own, everyone's for staff) and the owner's claim of lost time
  { key: 'GET /api/v1/work-sessions', access: SIGNED_IN, success: 200, prepare: fixed('/api/v1/work-sessions') },
  {
    key: 'GET /api/v1/work-sessions',
    variant: "another worker's work sessions",
    access: OWNER,
    success: 200,
    prepare: async (c) => ({ path: `/api/v1/work-sessions?user_id=${c.owner.user.id}` }),
  },
  {
    key: 'POST /api/v1/work-sessions/{id}/extend',
    access: SELF,
    success: 200,
    prepare: async (c) => {
      const session = await c.make.staleWorkSession(c.owner);
      return { path: `/api/v1/work-sessions/${session.id}/extend`, body: { until: new Date(session.endedAt + 60_000).toISOString() } };
    },
  },
  // Task status by PUT
  { key: 'PUT /tasks/{id}', access: SIGNED_IN, success: 200, prepare: async (c) => ({ path: `/tasks/${await c.make.task()}`, body: { task_status: 'in-progress' } }) },
  // Numeric checklist status: a worker lists only their own tasks
  { key: 'GET /api/tasks/{id}', access: SIGNED_IN, success: 200, prepare: async (c) => ({ path: `/api/tasks/${await c.make.task()}` }) },
  { key: 'PATCH /api/tasks/{id}', access: SIGNED_IN, success: 200, prepare: async (c) => ({ path: `/api/tasks/${await c.make.task()}`, body: { status: 2 } }) },
  { key: 'GET /api/tasks/by-user/{userId}', access: OWNER, success: 200, prepare: async (c) => ({ path: `/api/tasks/by-user/${c.owner.user.id}` }) },
  { key: 'POST /api/checklist-items', access: SIGNED_IN, success: 201, prepare: async (c) => ({ path: '/api/checklist-items', body: { task_id: await c.make.task(), title: 'New item' } }) },
  {
    key: 'PATCH /api/checklist-items/{id}',
    access: SIGNED_IN,
    success: 200,
    prepare: async (c) => ({ path: `/api/checklist-items/${await c.make.item(await c.make.task(c.actor), c.actor)}`, body: { title: 'Renamed item', status: 3 } }),
  },
  {
    key: 'DELETE /api/checklist-items/{id}',
    access: SIGNED_IN,
    success: 204,
    prepare: async (c) => ({ path: `/api/checklist-items/${await c.make.item(await c.make.task(c.actor), c.actor)}` }),
  },
  // Bookings (supervisor), their start/complete (participants and supervisors), the sweep
  {
    key: 'POST /api/v1/bookings',
    access: STAFF,
    success: 201,
    prepare: async (c) => ({
      path: '/api/v1/bookings',
      body: { mentor_id: c.owner.user.id, student_id: (await c.make.person('worker')).user.id, start_time: inAnHour(c.t, 30), end_time: inAnHour(c.t, 31) },
    }),
  },
  { key: 'GET /api/v1/bookings', access: SIGNED_IN, success: 200, prepare: fixed('/api/v1/bookings') },
  { key: 'GET /api/v1/bookings/{id}', access: OWNER, success: 200, prepare: bookingCall('', false) },
  { key: 'POST /api/v1/bookings/{id}/cancel', access: STAFF, success: 200, prepare: bookingCall('/cancel', false, '/api/v1/bookings/') },
  { key: 'POST /api/sessions/{sessionId}/start', access: OWNER, success: 200, prepare: bookingCall('/start', false, '/api/sessions/') },
  { key: 'POST /api/sessions/{sessionId}/complete', access: OWNER, success: 200, prepare: bookingCall('/complete', true, '/api/sessions/') },
  { key: 'GET /api/admin/update-session-status', access: SIGNED_IN, success: 200, prepare: fixed('/api/admin/update-session-status') },
  { key: 'POST /api/admin/update-session-status', access: SIGNED_IN, success: 200, prepare: fixed('/api/admin/update-session-status') },
  { key: 'GET /api/cron/complete-sessions', access: { kind: 'cron' }, success: 200 },
  { key: 'POST /api/cron/complete-sessions', access: { kind: 'cron' }, success: 200 },
  // Zero (DESIGN §4): zero-cache forwards the user's own bearer token
  { key: 'POST /api/zero/query', access: SIGNED_IN, success: 200, prepare: fixed('/api/zero/query', ['transform', []]) },
  {
    key: 'POST /api/zero/mutate',
    access: SIGNED_IN,
    success: 200,
    prepare: async (c) => ({ path: '/api/zero/mutate?schema=stint_0&appID=stint', body: { clientGroupID: 'matrix-group', mutations: [], pushVersion: 1, timestamp: c.t.clock(), requestID: 'matrix-request' } }),
  },
];

/** The columns whose caller the row allows. */
export function allowedColumns(access: Access): readonly Column[] {
  switch (access.kind) {
    case 'public':
    case 'signed-in':
      return COLUMNS;
    case 'cron':
      return [];
    case 'roles':
      return COLUMNS.filter((column) => access.roles.includes(column === 'worker2' ? 'worker' : column));
    case 'owner':
      return ['worker', 'supervisor', 'admin'];
    case 'self':
      return ['worker'];
    default:
      return unreachable(access);
  }
}

/** The access of an operation (the most permissive of its rows: the fuzzers only need a caller who gets past the guard). */
export function accessOf(key: string): Access | undefined {
  const rows = ACCESS_TABLE.filter((row) => row.key === key);
  return rows.find((row) => row.variant === undefined)?.access ?? rows.find((row) => row.access.kind === 'signed-in')?.access ?? rows[0]?.access;
}

function runAction(state: 'in_progress' | 'paused', action: string) {
  return async (c: Cell): Promise<Call> => ({ path: `/api/v1/sessions/${(await c.make.run(c.owner, state)).id}/${action}`, body: staffOverride(c) });
}

function workSession(action: 'start' | 'pause' | 'heartbeat') {
  return async (c: Cell): Promise<Call> => {
    const taskId = await c.make.task(c.actor);
    if (action !== 'start') expectStatus(await c.t.request('POST', '/api/v1/me/work-sessions/start', { token: c.actor.token, body: { task_id: taskId } }), 200);
    return { path: `/api/v1/me/work-sessions/${action}`, body: { task_id: taskId } };
  };
}

function bookingCall(suffix: string, ongoing: boolean, prefix = '/api/v1/bookings/') {
  return async (c: Cell): Promise<Call> => {
    const id = await c.make.booking(c.owner, await c.make.person('worker'), ongoing);
    return { path: `${prefix}${id}${suffix}` };
  };
}

function expectStatus(res: { status: number; body: unknown }, status: number): void {
  if (res.status !== status) throw new Error(`matrix setup answered ${res.status}: ${JSON.stringify(res.body)}`);
}
