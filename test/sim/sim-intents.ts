/**
 * Random intents of every kind a device can journal, chosen from what the
 * device's own view shows, so most are plausible and some conflict (another
 * device acted meanwhile, the view is stale, the worker is offline).
 *
 * Invariants:
 *  1. Every draw comes from the given Rng: a seed replays the same choices
 *     against the same views.
 *  2. Targets come from the view; new entity ids come from `fresh`, which
 *     prefixes them with the seed, so no two seeds share an id.
 *  3. A kind with no plausible target in the view yields null; the caller
 *     draws again. The engine itself refuses what its rules refuse (never
 *     journaled), so the generator does not second-guess the rules.
 */
import { CHECKLIST_STATUSES, TASK_STATUSES, allSteps, getRow, keyOf, toIso } from '@stint/shared';
import type { Actor, ChecklistStatus, IntentArgs, IntentKind, Millis, State } from '@stint/shared';
import type { Rng } from './prng.ts';

export interface Choice<K extends IntentKind = IntentKind> {
  readonly kind: K;
  readonly args: IntentArgs<K>;
}

export interface IntentContext {
  readonly rng: Rng;
  readonly view: State;
  readonly actor: Actor;
  /** A new entity id with the seed's prefix, e.g. fresh('t') → 's17-t4'. */
  readonly fresh: (tag: string) => string;
  /** Server time, for booking slots (args only: rules take time from the server). */
  readonly now: Millis;
  /** The seed's users: mentors and students of bookings. */
  readonly userIds: readonly string[];
}

type Generator = (g: IntentContext) => Choice | null;

/** One intent for this actor, or null when nothing plausible turned up in a few draws. */
export function chooseIntent(g: IntentContext): Choice | null {
  const table = (g.actor.role === 'worker' ? WORKER : SUPERVISOR).map(([weight, generate]) => [weight(g), generate] as const).filter(([weight]) => weight > 0);
  for (let attempt = 0; attempt < 6; attempt++) {
    const choice = g.rng.weighted(table)(g);
    if (choice !== null) return choice;
  }
  return null;
}

const c = <K extends IntentKind>(kind: K, args: IntentArgs<K>): Choice => ({ kind, args }) as unknown as Choice;

const tasks = (g: IntentContext) => [...g.view.tasks.values()];
const mine = (g: IntentContext) => tasks(g).filter((t) => t.claimed_by === g.actor.user_id);
const unclaimed = (g: IntentContext) => tasks(g).filter((t) => t.claimed_by === null);
const liveItems = (g: IntentContext) => [...g.view.checklist_items.values()].filter((i) => i.deleted_at === null);
const liveSops = (g: IntentContext) => [...g.view.sops.values()].filter((s) => s.deleted_at === null);
const runs = (g: IntentContext) => [...g.view.procedure_runs.values()];
const myActiveRun = (g: IntentContext) => runs(g).find((r) => r.worker_id === g.actor.user_id && r.status !== 'completed');
const bookings = (g: IntentContext) => [...g.view.bookings.values()];
const staleSessions = (g: IntentContext) =>
  [...g.view.work_sessions.values()].filter((s) => s.user_id === g.actor.user_id && s.ended_reason === 'stale_timeout' && !s.extended_by_owner);

/** Mostly a task the actor works on, sometimes any visible one (a stale or contested pick). */
function someTask(g: IntentContext, prefer: readonly { id: string }[]): string | null {
  const pool = prefer.length > 0 && g.rng.chance(0.8) ? prefer : tasks(g);
  return pool.length === 0 ? null : g.rng.pick(pool).id;
}

function pickId(g: IntentContext, pool: readonly { id: string }[]): string | null {
  return pool.length === 0 ? null : g.rng.pick(pool).id;
}

const title = (g: IntentContext, what: string) => `${what} ${g.rng.int(1000)}`;

const claim: Generator = (g) => {
  const id = someTask(g, unclaimed(g));
  return id === null ? null : c('task.claim', { task_id: id });
};
const release: Generator = (g) => {
  const id = someTask(g, mine(g));
  return id === null ? null : c('task.release', { task_id: id });
};
const complete: Generator = (g) => {
  const id = someTask(g, mine(g));
  return id === null ? null : c('task.complete', { task_id: id });
};
const setStatus: Generator = (g) => {
  const id = someTask(g, mine(g));
  return id === null ? null : c('task.set_status', { task_id: id, status: g.rng.pick(TASK_STATUSES) });
};
const start: Generator = (g) => {
  const id = someTask(g, mine(g).filter((t) => t.status !== 'in-progress'));
  return id === null ? null : c('work.start', { task_id: id });
};
const pause: Generator = (g) => {
  const id = someTask(g, mine(g).filter((t) => t.status === 'in-progress'));
  return id === null ? null : c('work.pause', { task_id: id });
};
const heartbeat: Generator = (g) => {
  const id = someTask(g, mine(g).filter((t) => t.status === 'in-progress'));
  return id === null ? null : c('work.heartbeat', { task_id: id });
};
/** The owner claims back time after a stale close (the app's "were you working until …?" → keep). */
const extend: Generator = (g) => {
  const stale = staleSessions(g);
  if (stale.length === 0) return null;
  const session = g.rng.pick(stale);
  const from = session.ended_at ?? g.now;
  return c('work.extend', { session_id: session.id, until: toIso(from + g.rng.int(Math.max(1, g.now - from))) });
};
const createTask: Generator = (g) => {
  const status = g.rng.chance(0.5) ? {} : { status: g.rng.pick(['backlog', 'todo', 'on-hold'] as const) };
  return c('task.create', { task_id: g.fresh('t'), title: title(g, 'Task'), ...status });
};
const renameTask: Generator = (g) => {
  const id = pickId(g, tasks(g));
  return id === null ? null : c('task.rename', { task_id: id, title: title(g, 'Renamed') });
};
const addItem: Generator = (g) => {
  const id = someTask(g, mine(g));
  if (id === null) return null;
  const status = g.rng.chance(0.6) ? {} : { status: g.rng.pick(CHECKLIST_STATUSES) };
  return c('checklist.add', { checklist_item_id: g.fresh('i'), task_id: id, title: title(g, 'Item'), ...status });
};
const setItem: Generator = (g) => {
  const id = pickId(g, liveItems(g));
  return id === null ? null : c('checklist.set_status', { checklist_item_id: id, status: g.rng.pick(CHECKLIST_STATUSES) as ChecklistStatus });
};
const renameItem: Generator = (g) => {
  const id = pickId(g, liveItems(g));
  return id === null ? null : c('checklist.rename', { checklist_item_id: id, title: title(g, 'Item') });
};
const deleteItem: Generator = (g) => {
  const id = pickId(g, liveItems(g));
  return id === null ? null : c('checklist.delete', { checklist_item_id: id });
};

const startRun: Generator = (g) => {
  const confirmed = liveSops(g).filter((s) => [...g.view.sop_versions.values()].some((v) => v.sop_id === s.id && v.status === 'confirmed'));
  const id = pickId(g, confirmed);
  return id === null ? null : c('run.start', { session_id: g.fresh('r'), sop_id: id });
};
/** A check on the actor's run (a supervisor: any run, with an override reason). */
const check: Generator = (g) => {
  const supervisor = g.actor.role !== 'worker';
  const run = supervisor ? (runs(g).length === 0 ? undefined : g.rng.pick(runs(g))) : myActiveRun(g);
  if (run === undefined) return null;
  const version = getRow(g.view, 'sop_versions', keyOf([run.sop_id, run.sop_version]));
  if (version === undefined) return null;
  const steps = allSteps(version);
  const step = run.current_step_id !== null && g.rng.chance(0.85) ? run.current_step_id : steps.length === 0 ? null : g.rng.pick(steps).step.id;
  if (step === null) return null;
  const result = g.rng.chance(0.8) ? 'passed' : 'failed';
  const notes = g.rng.chance(0.3) ? { notes: title(g, 'Note') } : {};
  return c('run.check', { session_id: run.id, step_id: step, result, ...notes, ...(supervisor ? { override_reason: 'Supervisor amendment' } : {}) });
};
const runRef = (kind: 'run.pause' | 'run.resume' | 'run.complete'): Generator => (g) => {
  const supervisor = g.actor.role !== 'worker';
  const run = supervisor ? (runs(g).length === 0 ? undefined : g.rng.pick(runs(g))) : myActiveRun(g);
  if (run === undefined) return null;
  return c(kind, { session_id: run.id, ...(supervisor ? { override_reason: 'Supervisor override' } : {}) });
};
const approve: Generator = (g) => {
  const done = runs(g).filter((r) => r.status === 'completed');
  const id = pickId(g, done.length > 0 && g.rng.chance(0.85) ? done : runs(g));
  return id === null ? null : c('run.approve', { session_id: id, ...(g.rng.chance(0.5) ? { reason: 'Looks right' } : {}) });
};

const sopCreate: Generator = (g) => {
  const taskCount = g.rng.between(1, 2);
  const sopTasks = Array.from({ length: taskCount }, (_, i) => ({
    title: `Part ${i + 1}`,
    steps: Array.from({ length: g.rng.between(1, 3) }, (__, j) => ({ title: `Step ${j + 1}`, ...(g.rng.chance(0.3) ? { requires_check: g.rng.chance(0.5) } : {}) })),
  }));
  return c('sop.create', { sop_id: g.fresh('sop'), title: title(g, 'Procedure'), tasks: sopTasks });
};
const sopEdit: Generator = (g) => {
  const id = pickId(g, liveSops(g));
  if (id === null) return null;
  return g.rng.chance(0.5)
    ? c('sop.edit', { sop_id: id, title: title(g, 'Procedure') })
    : c('sop.edit', { sop_id: id, tasks: [{ title: 'Revised', steps: [{ title: 'Check the valve' }, { title: 'Sign off', requires_check: false }] }] });
};
const sopConfirm: Generator = (g) => {
  const id = pickId(g, liveSops(g));
  return id === null ? null : c('sop.confirm', { sop_id: id });
};
const sopDelete: Generator = (g) => {
  const id = pickId(g, liveSops(g));
  return id === null ? null : c('sop.delete', { sop_id: id });
};

const bookingCreate: Generator = (g) => {
  if (g.userIds.length < 2) return null;
  const mentor = g.rng.pick(g.userIds);
  const student = g.rng.pick(g.userIds.filter((u) => u !== mentor));
  const startAt = g.now + g.rng.between(-30, 180) * 60_000;
  return c('booking.create', {
    booking_id: g.fresh('b'),
    mentor_id: mentor,
    student_id: student,
    start_time: toIso(startAt),
    end_time: toIso(startAt + g.rng.between(15, 90) * 60_000),
  });
};
/** Mostly a booking in the status the action applies to (start a scheduled one, complete an ongoing one). */
const bookingRef = (kind: 'booking.start' | 'booking.complete' | 'booking.cancel'): Generator => (g) => {
  const fits = bookings(g).filter((b) => (kind === 'booking.start' ? b.status === 'SCHEDULED' : kind === 'booking.complete' ? b.status === 'ONGOING' : b.status !== 'COMPLETED'));
  const id = pickId(g, fits.length > 0 && g.rng.chance(0.85) ? fits : bookings(g));
  return id === null ? null : c(kind, { booking_id: id });
};

/** Weights follow what the view offers, so a worker claims, starts, pauses and finishes rather than mostly being refused. */
type Weighted = readonly [(g: IntentContext) => number, Generator];
const when = (test: (g: IntentContext) => boolean, yes: number, no: number) => (g: IntentContext) => (test(g) ? yes : no);
const hasOpen = (g: IntentContext) => unclaimed(g).length > 0;
const hasIdle = (g: IntentContext) => mine(g).some((t) => t.status !== 'in-progress');
const hasActive = (g: IntentContext) => mine(g).some((t) => t.status === 'in-progress');
const hasRun = (g: IntentContext) => myActiveRun(g) !== undefined;
const hasBooking = (g: IntentContext) => bookings(g).length > 0;
const fixed = (n: number) => () => n;

const WORKER: readonly Weighted[] = [
  [when(hasOpen, 10, 1), claim],
  [when(hasIdle, 14, 1), start],
  [when(hasActive, 8, 1), pause],
  [when(hasActive, 7, 0.5), heartbeat],
  [when((g) => staleSessions(g).length > 0, 3, 0), extend],
  [fixed(3), release],
  [when((g) => mine(g).length > 0, 4, 0.5), complete],
  [fixed(4), setStatus],
  [fixed(3), addItem],
  [fixed(8), setItem],
  [fixed(1), renameItem],
  [fixed(2), deleteItem],
  [when(hasRun, 0.5, 5), startRun],
  [when(hasRun, 25, 0), check],
  [when(hasRun, 2, 0), runRef('run.pause')],
  [when(hasRun, 2, 0), runRef('run.resume')],
  [when(hasRun, 2, 0), runRef('run.complete')],
  [when(hasBooking, 3, 0), bookingRef('booking.start')],
  [when(hasBooking, 3, 0), bookingRef('booking.complete')],
];

const SUPERVISOR: readonly Weighted[] = [
  [fixed(6), createTask],
  [fixed(2), renameTask],
  [fixed(5), setStatus],
  [fixed(2), claim],
  [fixed(2), release],
  [fixed(1), start],
  [fixed(1), pause],
  [fixed(1), complete],
  [fixed(5), addItem],
  [fixed(4), setItem],
  [fixed(1), renameItem],
  [fixed(2), deleteItem],
  [fixed(2), sopCreate],
  [fixed(2), sopEdit],
  [fixed(3), sopConfirm],
  [fixed(1), sopDelete],
  [when((g) => runs(g).some((r) => r.status === 'completed' && !r.locked), 10, 1), approve],
  [when((g) => runs(g).length > 0, 2, 0), check],
  [when((g) => runs(g).length > 0, 1, 0), runRef('run.pause')],
  [when((g) => runs(g).length > 0, 1, 0), runRef('run.complete')],
  [fixed(4), bookingCreate],
  [when(hasBooking, 2, 0), bookingRef('booking.cancel')],
  [when(hasBooking, 2, 0), bookingRef('booking.start')],
  [when(hasBooking, 2, 0), bookingRef('booking.complete')],
];
