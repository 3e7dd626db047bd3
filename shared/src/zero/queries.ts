/**
 * Synced queries (DESIGN §4, read path): what each user's replica holds.
 * zero-cache asks the server's query endpoint to turn each named query into
 * ZQL with the caller's auth context; the client runs the same definitions
 * locally with its own context, so both sides agree on what is visible.
 *
 * Invariants (visibility):
 *  1. The auth context is `{user_id, role}` (an Actor), built by the server
 *     from the bearer token and the user's role in the database — never from
 *     query arguments. A query without a context refuses to run.
 *  2. A worker sees the tasks claimed by them or by nobody (the open pool);
 *     the checklist items of those tasks; their own work sessions and totals
 *     on those tasks; their own procedure runs and those runs' safety checks;
 *     the SOP versions their runs pin plus every confirmed version, and the
 *     SOPs of those; the bookings they mentor or attend; the users they share
 *     a booking with, and themselves. Nothing of another worker's claimed task.
 *  3. A supervisor or admin sees every row of every synced table.
 *  4. applied_intents: everyone sees only their own outcomes, supervisors
 *     too: it is each user's outcome channel (I9), not shared domain data.
 *  5. Arguments are validated with zod before a query is built; table queries
 *     take none.
 */
import { createBuilder, defineQueriesWithType, defineQueryWithType } from '@rocicorp/zero';
import type { Query } from '@rocicorp/zero';
import { z } from 'zod';
import { isSupervisor } from '../context.ts';
import type { Actor } from '../context.ts';
import { MillisSchema, Role } from '../rows.ts';
import { zeroSchema } from './schema.ts';
import type { ZeroSchema } from './schema.ts';

/** Who is asking: the one context every synced query is built with (invariant 1). */
export type ZeroContext = Actor;
export const ZeroContextSchema = z.object({ user_id: z.string().min(1), role: z.enum(Role) });

/** Table queries take no arguments (invariant 5). */
const NoArgs = z.undefined();
/** Outcomes received at or after `since` (server ms), for devices that want only recent ones; default all. */
export const AppliedIntentsArgsSchema = z.strictObject({ since: MillisSchema.optional() }).optional();

const defineQuery = defineQueryWithType<ZeroSchema, ZeroContext>();
const zql = createBuilder(zeroSchema);

export const zeroQueries = defineQueriesWithType<ZeroSchema>()({
  users: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    if (isSupervisor(actor)) return zql.users;
    const me = actor.user_id;
    return zql.users.where(({ or, cmp, exists }) =>
      or(
        cmp('id', me),
        exists('mentorBookings', (b) => b.where('student_id', me)),
        exists('studentBookings', (b) => b.where('mentor_id', me)),
      ),
    );
  }),

  tasks: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    return isSupervisor(actor) ? zql.tasks : workerTasks(zql.tasks, actor.user_id);
  }),

  checklistItems: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    return isSupervisor(actor) ? zql.checklist_items : zql.checklist_items.whereExists('task', (t) => workerTasks(t, actor.user_id));
  }),

  workSessions: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    if (isSupervisor(actor)) return zql.work_sessions;
    return zql.work_sessions.where('user_id', actor.user_id).whereExists('task', (t) => workerTasks(t, actor.user_id));
  }),

  userTaskTotals: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    if (isSupervisor(actor)) return zql.user_task_totals;
    return zql.user_task_totals.where('user_id', actor.user_id).whereExists('task', (t) => workerTasks(t, actor.user_id));
  }),

  sops: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    if (isSupervisor(actor)) return zql.sops;
    const me = actor.user_id;
    return zql.sops.where(({ or, exists }) =>
      or(exists('versions', (v) => v.where('status', 'confirmed')), exists('runs', (r) => r.where('worker_id', me))),
    );
  }),

  sopVersions: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    if (isSupervisor(actor)) return zql.sop_versions;
    const me = actor.user_id;
    return zql.sop_versions.where(({ or, cmp, exists }) =>
      or(cmp('status', 'confirmed'), exists('runs', (r) => r.where('worker_id', me))),
    );
  }),

  procedureRuns: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    return isSupervisor(actor) ? zql.procedure_runs : zql.procedure_runs.where('worker_id', actor.user_id);
  }),

  safetyChecks: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    if (isSupervisor(actor)) return zql.safety_checks;
    return zql.safety_checks.whereExists('run', (r) => r.where('worker_id', actor.user_id));
  }),

  bookings: defineQuery(NoArgs, ({ ctx }) => {
    const actor = required(ctx);
    if (isSupervisor(actor)) return zql.bookings;
    const me = actor.user_id;
    return zql.bookings.where(({ or, cmp }) => or(cmp('mentor_id', me), cmp('student_id', me)));
  }),

  appliedIntents: defineQuery(AppliedIntentsArgsSchema, ({ args, ctx }) => {
    const actor = required(ctx);
    const own = zql.applied_intents.where('user_id', actor.user_id);
    return args?.since === undefined ? own : own.where('received_at', '>=', args.since);
  }),
});

export type ZeroQueries = typeof zeroQueries;
/** The names zero-cache sends to the query endpoint. */
export type ZeroQueryName = keyof Omit<ZeroQueries, '~'> & string;

// The open pool or the worker's own (invariant 2), for the tables that hang off a task.
function workerTasks(tasks: Query<'tasks', ZeroSchema>, me: string): Query<'tasks', ZeroSchema> {
  return tasks.where(({ or, cmp }) => or(cmp('claimed_by', me), cmp('claimed_by', 'IS', null)));
}

function required(ctx: ZeroContext | undefined): ZeroContext {
  // Invariant 1: a missing context means a caller skipped authentication;
  // refusing is safer than guessing a visibility.
  if (ctx === undefined || ctx === null || typeof ctx.user_id !== 'string' || ctx.user_id === '') {
    throw new Error('Synced queries need an auth context {user_id, role}');
  }
  return ctx;
}
