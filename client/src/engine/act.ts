/**
 * Acting: an action checked against the local view, then journaled.
 *
 * Invariants:
 *  1. A refusal (bad args, or the shared rule says no against the current
 *     local view) is returned and journaled NOT at all: the person sees it
 *     at once, and nothing is sent.
 *  2. An accepted act is committed to the journal (one transaction) before
 *     the view changes; if the commit fails, `act` rejects and the view
 *     never showed it.
 *  3. Acts are serialised: each is checked against a view that includes
 *     every earlier act.
 *  4. A heartbeat continuing an unbroken run of beats replaces the task's
 *     pending heartbeat instead of adding a row (heartbeat-evidence.ts),
 *     decided again inside the journal write, so two tabs beating at once
 *     still leave one row.
 */
import { INTENT_ARGS, MAX_REPORTED_ISSUES, applyIntent, domainError, toIso } from '@stint/shared';
import type { DomainError, Intent, IntentArgs, IntentKind, Millis, State } from '@stint/shared';
import { concernsTask, heartbeatArgs, lastBeatOf, planBeat } from './heartbeat-evidence.ts';
import { appendIntent, pendingRow } from './journal.ts';
import type { AppendPlan, Appended, JournalDb, JournalRow, NewJournalRow } from './journal.ts';
import type { LocalView, ReplicaSource } from './local-view.ts';
import { actContext } from './replay.ts';
import type { ReplayEnv } from './replay.ts';

export type ActResult =
  /** `replaced`: the id of the pending heartbeat this one stands in for (it left the journal unsent, or its answer is dropped). */
  | { readonly id: string; readonly accepted: true; readonly replaced?: string }
  | { readonly id: string; readonly accepted: false; readonly error: DomainError };

export type Act = <K extends IntentKind>(kind: K, args: IntentArgs<K>) => Promise<ActResult>;

export interface ActDeps {
  readonly db: JournalDb;
  readonly newId: () => string;
  readonly clock: () => Millis;
  readonly staleCutoffMs: Millis;
  readonly replica: ReplicaSource;
  readonly view: LocalView;
  readonly env: () => ReplayEnv;
  /** The journal rows this tab holds, in seq order. */
  readonly rows: () => readonly JournalRow[];
  /** Takes in a row this tab just committed; false when closed, or when a read already brought what it holds. */
  readonly committed: (appended: Appended) => boolean;
  /** After the view took in a committed act. */
  readonly shown: () => void;
  /** After every journaled act (the drain's cue). */
  readonly acted: () => void;
  readonly closed: () => boolean;
}

export interface Acting {
  readonly act: Act;
  /** Resolves once every act begun so far has finished. */
  finished(): Promise<void>;
}

export function createActing(deps: ActDeps): Acting {
  const { db, clock, view } = deps;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const act: Act = (kind, args) =>
    serial(async (): Promise<ActResult> => {
      if (deps.closed()) throw new Error('The engine is closed');
      const id = deps.newId();
      const schema = INTENT_ARGS[kind] as (typeof INTENT_ARGS)[IntentKind] | undefined;
      if (schema === undefined) return { id, accepted: false, error: domainError('INVALID_INPUT', `Unknown action ${String(kind)}`) };
      const parsed = schema.safeParse(args);
      if (!parsed.success) return { id, accepted: false, error: invalidArgs(parsed.error.issues) };
      const now = clock();
      const checkedAgainst = view.getSnapshot();
      const beat = kind === 'work.heartbeat' ? planHeartbeat(deps, checkedAgainst, parsed.data as IntentArgs<'work.heartbeat'>, now) : null;
      const checkedArgs = beat?.args ?? parsed.data;
      const intent = { id, kind, args: checkedArgs, occurred_at: toIso(now) } as Intent;
      const env = deps.env();
      const serverNow = now + env.offsetMs;
      const result = applyIntent(checkedAgainst, intent, actContext(id, serverNow, serverNow, env));
      if (!result.ok) return { id, accepted: false, error: result.error };

      const row = pendingRow(id, kind, checkedArgs, now);
      const appended = await appendIntent(db, row, beat?.plan(row));
      if (deps.committed(appended)) {
        // The checked effects stack on the replaced beat's, or on args the write changed: then the view replays the journal afresh.
        if (appended.replaced === null && appended.row.args === checkedArgs) view.append(checkedAgainst, result.value);
        else view.invalidate();
        deps.shown();
      }
      deps.acted();
      return appended.replaced === null ? { id, accepted: true } : { id, accepted: true, replaced: appended.replaced.id };
    });

  return {
    act,
    finished: async () => {
      await queue;
    },
  };
}

/** A heartbeat's args as checked (its run from the rows this tab holds), and its plan for the journal write, which decides again from the rows as they are then. */
function planHeartbeat(deps: ActDeps, checkedAgainst: State, beat: IntentArgs<'work.heartbeat'>, now: Millis): { args: IntentArgs<'work.heartbeat'>; plan: (row: NewJournalRow) => AppendPlan } {
  const shown = deps.replica.appliedIntentIds();
  const rows = deps.rows();
  const concerns = concernsTask(checkedAgainst, beat.task_id);
  const previous = lastBeatOf(rows, beat.task_id, shown);
  const later = previous === undefined ? [] : rows.filter((row) => row.seq > previous.seq);
  const args = heartbeatArgs(beat, planBeat(previous, later, now, deps.staleCutoffMs, concerns));
  return {
    args,
    plan: (row) => async (open, rowsAfter) => {
      const latest = lastBeatOf(open, beat.task_id, shown);
      const planned = planBeat(latest, latest === undefined ? [] : await rowsAfter(latest.seq), now, deps.staleCutoffMs, concerns);
      const written = heartbeatArgs(beat, planned);
      // Keep the checked args object when nothing changed, so the act can tell.
      return { row: { ...row, args: written.alive_since === args.alive_since ? args : written }, replaces: planned.replaces };
    },
  };
}

function invalidArgs(issues: readonly { path: readonly PropertyKey[]; message: string }[]): DomainError {
  const listed = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const first = listed[0];
  return domainError('INVALID_INPUT', first === undefined ? 'Invalid input' : `Invalid input: ${first.path === '' ? '' : `${first.path}: `}${first.message}`, { issues: listed });
}
