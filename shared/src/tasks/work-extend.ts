/**
 * The owner claims back time the stale sweep cut off and no evidence vouched
 * for (a phone asleep, the app killed): `work.extend {session_id, until}`
 * (DESIGN §3.1). The session keeps the sweep's reason and is marked
 * `extended_by_owner`, so reports say whose word the time rests on.
 *
 * Invariants:
 *  1. Only the session's owner (403), only a session the sweep closed (409).
 *  2. `until` is not before the session's end and not after server now (400).
 *  3. Never overlapping (I5): the extension ends no later than the next
 *     session of the task or a change made to the task after the sweep; cut
 *     short, the outcome says so.
 *  4. Totals stay exact (I4) and the extension is audited (evidence.ts).
 */
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import { domainError } from '../errors.ts';
import { adjusted, err, ok } from '../result.ts';
import type { Result } from '../result.ts';
import { EndReason } from '../rows.ts';
import type { WorkSessionRow } from '../rows.ts';
import type { State } from '../state.ts';
import type { Millis } from '../time.ts';
import { toIso } from '../time.ts';
import { cutShort, extendClosed } from './evidence.ts';
import { forbidden } from './task-errors.ts';
import { untouchedSinceSweep } from './task-lifecycle.ts';
import { startedLater } from './task-snapshot.ts';
import type { TaskSnapshot } from './task-snapshot.ts';

export function extendWorkSession(
  snap: TaskSnapshot,
  session: WorkSessionRow,
  nextStart: Millis | null,
  until: Millis,
  ctx: RuleContext,
): Result<Effect[]> {
  if (session.user_id !== ctx.actor.user_id) return err(forbidden('Only the person who did the work may extend their work session'));
  if (session.ended_at === null || session.ended_reason !== EndReason.staleTimeout) {
    return err(
      domainError('CONFLICT_INVALID_STATE', 'Only a work session closed because its device went quiet can be extended', {
        session_id: session.id,
        ended_reason: session.ended_reason,
      }),
    );
  }
  if (until < session.ended_at) {
    return err(domainError('INVALID_INPUT', `until is before the work session's end (${toIso(session.ended_at)})`, { session_id: session.id }));
  }
  if (until > ctx.serverNow) return err(domainError('INVALID_INPUT', 'until is in the future', { session_id: session.id }));

  const changedAfter = snap.last_closed_session?.id === session.id && !untouchedSinceSweep(snap, session) ? snap.task.updated_at : Infinity;
  const end = Math.min(until, nextStart ?? Infinity, changedAfter);
  const cut = end < until;
  if (end <= session.ended_at) return cut ? adjusted([], cutShort(session.ended_at)) : ok([]);
  const extended = extendClosed(snap, session, end, ctx, undefined, true);
  return cut ? adjusted([...extended.effects], cutShort(end)) : ok([...extended.effects]);
}

/** When the task's next session after `session` started, if one did (open or closed). */
export function nextSessionStart(state: State, session: WorkSessionRow): Millis | null {
  let next: Millis | null = null;
  for (const other of state.work_sessions.values()) {
    if (other.task_id !== session.task_id || other.id === session.id || !startedLater(other, session)) continue;
    if (next === null || other.started_at < next) next = other.started_at;
  }
  return next;
}
