/**
 * The stale prompt (DESIGN §3.1, I10): when the stale sweep closed one of my
 * work sessions because my device went quiet and nothing vouched for the
 * time after, the app asks once, the way time trackers ask about idle time:
 * "Closed at 10:02 because this device went quiet — were you working until
 * 12:05?" Keep claims the time back (`work.extend`); Discard leaves it.
 *
 * Invariants:
 *  1. Only my own work sessions closed with `stale_timeout`, not already
 *     claimed back, closed (closed_at, server time) within the last 24 h,
 *     are asked about.
 *  2. Not while a heartbeat of that task waits in the journal: late evidence
 *     may still extend the work session on its own.
 *  3. Asked once per device: an answer (keep or discard) is remembered per
 *     work session, and never asked again here.
 *  4. "Until" is the moment the app first raised the prompt (kept with the
 *     answer record so it does not drift as the prompt waits), never after
 *     now, and never past the start of the task's next work session: the
 *     question is about a gap, so it stops where other work began.
 *  5. A work session with no gap left to claim (until ≤ its end) is not
 *     asked about.
 */
import { EndReason, HOUR, nextSessionStart, rowsOfTable } from '@stint/shared';
import type { Millis, State } from '@stint/shared';

/** How long after the sweep closed a work session the app still asks about it. */
export const ASK_WITHIN_MS: Millis = 24 * HOUR;

export const StaleAnswer = { keep: 'keep', discard: 'discard' } as const;
export type StaleAnswer = (typeof StaleAnswer)[keyof typeof StaleAnswer];

/** What this device remembers of one prompt: when it was first raised (device time) and the answer, once given. */
export interface StalePromptRecord {
  readonly raised_at: Millis;
  readonly answer: StaleAnswer | null;
}

export interface StalePrompt {
  readonly sessionId: string;
  readonly taskId: string;
  /** The task's title, or null when the task row is not in the view. */
  readonly taskTitle: string | null;
  /** The work session's end: its last evidence before the device went quiet (server time). */
  readonly closedAt: Millis;
  /** Device time the person is asked about and Keep claims back to (invariant 4). */
  readonly until: Millis;
}

export interface StalePromptInput {
  readonly view: State;
  readonly userId: string;
  /** The device clock. */
  readonly now: Millis;
  /** Add to a device time to get server time (the engine's estimate). */
  readonly offsetMs: Millis;
  /** Tasks with a heartbeat still waiting in the journal (`SyncStatus.heartbeatsWaiting`). */
  readonly heartbeatsWaiting: readonly string[];
  readonly records: ReadonlyMap<string, StalePromptRecord>;
}

export interface StalePromptModel {
  /** Oldest close first. */
  readonly prompts: readonly StalePrompt[];
  /** Work sessions asked about for the first time: record `now` as their raised_at. */
  readonly raised: readonly string[];
}

export function stalePromptModel(input: StalePromptInput): StalePromptModel {
  const { view, userId, now, offsetMs, records } = input;
  const serverNow = now + offsetMs;
  const waiting = new Set(input.heartbeatsWaiting);
  const prompts: StalePrompt[] = [];
  const raised: string[] = [];
  for (const session of rowsOfTable(view, 'work_sessions')) {
    if (session.user_id !== userId || session.ended_reason !== EndReason.staleTimeout || session.extended_by_owner) continue;
    if (session.ended_at === null || session.closed_at === null || serverNow - session.closed_at > ASK_WITHIN_MS) continue;
    if (waiting.has(session.task_id)) continue;
    const record = records.get(session.id);
    if (record?.answer != null) continue;
    const next = nextSessionStart(view, session);
    const until = Math.min(record?.raised_at ?? now, now, next === null ? Infinity : next - offsetMs);
    if (until + offsetMs <= session.ended_at) continue;
    if (record === undefined) raised.push(session.id);
    prompts.push({ sessionId: session.id, taskId: session.task_id, taskTitle: view.tasks.get(session.task_id)?.title ?? null, closedAt: session.ended_at, until });
  }
  prompts.sort((a, b) => a.closedAt - b.closedAt || (a.sessionId < b.sessionId ? -1 : 1));
  return { prompts, raised };
}

/** The records after the prompts in `raised` were raised at `now`. */
export function withRaised(records: ReadonlyMap<string, StalePromptRecord>, raised: readonly string[], now: Millis): Map<string, StalePromptRecord> {
  const next = new Map(records);
  for (const id of raised) if (!next.has(id)) next.set(id, { raised_at: now, answer: null });
  return next;
}

/** The records after the person answered the prompt of one work session. */
export function withAnswer(records: ReadonlyMap<string, StalePromptRecord>, sessionId: string, answer: StaleAnswer, now: Millis): Map<string, StalePromptRecord> {
  const next = new Map(records);
  next.set(sessionId, { raised_at: records.get(sessionId)?.raised_at ?? now, answer });
  return next;
}

/** Records older than anything still asked about are forgotten, so the store stays small. */
export function withoutExpired(records: ReadonlyMap<string, StalePromptRecord>, now: Millis): Map<string, StalePromptRecord> {
  return new Map([...records].filter(([, record]) => now - record.raised_at <= 2 * ASK_WITHIN_MS));
}
