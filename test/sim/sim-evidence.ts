/**
 * DESIGN §3.1 judged by what the devices observed, not by the rules: every
 * beat a device sent carries the unbroken run of beats it closes
 * (`alive_since`, measured on the device's own clock), so after convergence
 * the server's record can be held against the devices' truth.
 *
 *  1. Nothing worked is lost: when a beat's run spans the recorded end of
 *     its owner's stale-closed session on that task (run start ≤ end < beat),
 *     the device saw work go on past that end, so the session must end at
 *     the beat or later — unless a later event bounds it: another session of
 *     the task starts, or an accepted intent other than a beat takes effect
 *     on the task, between the end and the beat.
 *  2. Nothing unworked is added: a stale-closed session the owner did not
 *     claim back ends at its start, at the time an accepted intent on its
 *     task took effect (its owner's evidence, or the change that bounded
 *     it), or at the start of another session of the task.
 */
import type { Millis, State, WorkSessionRow } from '@stint/shared';
import type { Sql } from '../../server/src/db/sql.ts';

export interface IntentOnTask {
  readonly id: string;
  readonly user_id: string;
  readonly kind: string;
  readonly task_id: string;
  readonly status: string;
  readonly effective_at: Millis | null;
  /** For a beat: where its run began, on the server's clock (effective time minus the device-measured run). */
  readonly since: Millis | null;
}

export async function evidenceViolations(sql: Sql, state: State): Promise<string[]> {
  return evidenceViolationsOf(await intentsOnTasks(sql, state), state);
}

/** The two checks over decided intents already read (pure, so a test can hand it a world). */
export function evidenceViolationsOf(intents: readonly IntentOnTask[], state: State): string[] {
  const byTask = new Map<string, IntentOnTask[]>();
  for (const intent of intents) byTask.set(intent.task_id, [...(byTask.get(intent.task_id) ?? []), intent]);
  const sessionsByTask = new Map<string, WorkSessionRow[]>();
  for (const s of state.work_sessions.values()) sessionsByTask.set(s.task_id, [...(sessionsByTask.get(s.task_id) ?? []), s]);

  const out: string[] = [];
  for (const session of state.work_sessions.values()) {
    const end = session.ended_at;
    if (end === null || session.ended_reason !== 'stale_timeout') continue;
    const onTask = byTask.get(session.task_id) ?? [];
    const others = (sessionsByTask.get(session.task_id) ?? []).filter((s) => s.id !== session.id);
    const bounded = (from: Millis, to: Millis): boolean =>
      // A session starting right at the end leaves nothing to add: it bounds too.
      others.some((s) => s.started_at >= from && s.started_at <= to) ||
      onTask.some((i) => i.kind !== 'work.heartbeat' && i.status !== 'rejected' && i.effective_at !== null && i.effective_at > from && i.effective_at <= to);

    for (const beat of onTask) {
      if (beat.kind !== 'work.heartbeat' || beat.user_id !== session.user_id || beat.effective_at === null || beat.since === null) continue;
      if (beat.since < session.started_at || beat.since > end || beat.effective_at <= end) continue;
      if (bounded(end, beat.effective_at)) continue;
      out.push(
        `§3.1 evidence lost: ${beat.id} (${beat.status}) shows work on ${session.task_id} unbroken from ${iso(beat.since)} to ${iso(beat.effective_at)}, ` +
          `but session ${session.id} ends at ${iso(end)} and nothing bounds it`,
      );
    }

    if (session.extended_by_owner) continue;
    const vouched = end === session.started_at || others.some((s) => s.started_at === end) || onTask.some((i) => i.status !== 'rejected' && i.effective_at === end);
    if (!vouched) out.push(`§3.1 time invented: session ${session.id} on ${session.task_id} ends at ${iso(end)}, a time no evidence, change or session vouches for`);
  }
  return out;
}

/** Every decided intent that names a task (directly, through a checklist item, or through a work session), with beats' runs. */
async function intentsOnTasks(sql: Sql, state: State): Promise<IntentOnTask[]> {
  const rows = await sql<{ id: string; user_id: string; kind: string; status: string; args: Record<string, unknown> | null; occurred_at: Date | null; effective_at: Date | null }[]>`
    SELECT id, user_id, kind, status, args, occurred_at, effective_at FROM applied_intents WHERE args IS NOT NULL`;
  const out: IntentOnTask[] = [];
  for (const row of rows) {
    const args = row.args ?? {};
    const task = taskOf(args, state);
    if (task === null) continue;
    const effective = row.effective_at?.getTime() ?? null;
    const alive = typeof args['alive_since'] === 'string' ? Date.parse(args['alive_since']) : null;
    const occurred = row.occurred_at?.getTime() ?? null;
    const since = row.kind !== 'work.heartbeat' || effective === null ? null : alive === null || occurred === null ? effective : effective - (occurred - alive);
    out.push({ id: row.id, user_id: row.user_id, kind: row.kind, task_id: task, status: row.status, effective_at: effective, since });
  }
  return out;
}

function taskOf(args: Record<string, unknown>, state: State): string | null {
  if (typeof args['task_id'] === 'string') return args['task_id'];
  if (typeof args['checklist_item_id'] === 'string') return state.checklist_items.get(args['checklist_item_id'])?.task_id ?? null;
  if (typeof args['session_id'] === 'string') return state.work_sessions.get(args['session_id'])?.task_id ?? null;
  return null;
}

function iso(ms: Millis): string {
  return new Date(ms).toISOString();
}
