/**
 * Intents on a task's work sessions: start, pause, heartbeat, and the
 * owner's claim on time the stale sweep cut off (`work.extend`). A work
 * session belongs to its task, so all but `work.extend` target the task.
 */
import { z } from 'zod';
import { domainError } from '../errors.ts';
import { err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { extendWorkSession, nextSessionStart } from '../tasks/work-extend.ts';
import { heartbeatWork, pauseWork, startWork } from '../tasks/work-session.ts';
import type { Millis } from '../time.ts';
import { DeviceTimeSchema, IdSchema } from './arg-schemas.ts';
import { Aggregate, defineIntent } from './define-intent.ts';
import { onTask, taskAct, withTask } from './task-intents.ts';

export const workIntents = {
  'work.start': taskAct(startWork),
  'work.pause': taskAct(pauseWork),
  'work.heartbeat': defineIntent({
    /**
     * `alive_since`: the device's time when its unbroken run of beats on this
     * task began (no gap longer than the stale cutoff), so one journal row
     * stands for hours of beats (DESIGN §3.1). Not after the intent's occurred_at.
     */
    args: z.strictObject({ task_id: IdSchema, alive_since: DeviceTimeSchema.optional() }),
    target: onTask,
    rule: ({ state, args, occurredAt, ctx }) => {
      const runMs = beatingFor(args, occurredAt);
      if (!runMs.ok) return runMs;
      return withTask(state, args.task_id, (snap) => heartbeatWork(snap, ctx, runMs.value));
    },
  }),
  'work.extend': defineIntent({
    /** `until` is the device's time, like occurred_at. */
    args: z.strictObject({ session_id: IdSchema, until: DeviceTimeSchema }),
    target: (args) => ({ aggregate: Aggregate.workSession, id: args.session_id }),
    rule: ({ state, args: { session_id, until }, occurredAt, ctx }) => {
      const session = state.work_sessions.get(session_id);
      if (session === undefined) return err(domainError('NOT_FOUND', `Work session ${session_id} not found.`, { session_id }));
      // Both times are on the device's clock, so `until` keeps its distance from the act.
      const untilAt = ctx.now - (Date.parse(occurredAt) - Date.parse(until));
      return withTask(state, session.task_id, (snap) => extendWorkSession(snap, session, nextSessionStart(state, session), untilAt, ctx));
    },
  }),
} as const;

/** How long the device had been beating without a gap, from `alive_since` to the beat, on the device's own clock. */
function beatingFor(args: { readonly task_id: string; readonly alive_since?: string | undefined }, occurredAt: string): Result<Millis> {
  if (args.alive_since === undefined) return ok(0);
  const run = Date.parse(occurredAt) - Date.parse(args.alive_since);
  if (!(run >= 0)) return err(domainError('INVALID_INPUT', 'alive_since is after the heartbeat it belongs to', { task_id: args.task_id }));
  return ok(run);
}
