/**
 * Heartbeats from the app: while it is open, every active work
 * session of the signed-in person gets a `work.heartbeat` intent every
 * 60 s, and one at once when the page becomes visible again, is shown from
 * the back/forward cache, or the network returns (DESIGN §3.1): those are
 * the moments a sleeping phone or a dead zone ends, and the sooner the
 * server hears, the less the stale sweep cuts.
 *
 * Invariants:
 *  1. Only this person's open work sessions are beaten, read from the local
 *     view at each beat (a work session paused on another device gets none
 *     once the replica shows it closed).
 *  2. Heartbeats are intents like any other: journaled offline, sent when
 *     the network returns, with the device time they were made. The engine
 *     keeps one row per task for an unbroken run of beats.
 *  3. One beat at a time: a trigger while a beat is being journaled is
 *     dropped (the beat under way is just as fresh).
 */
import { useEffect } from 'react';
import { rowsOfTable } from '@stint/shared';
import type { State } from '@stint/shared';
import type { Engine } from '../engine/index.ts';

export const HEARTBEAT_INTERVAL_MS = 60_000;

type Listening = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/** Where beats come from: the page (visibility), the window (pageshow, online) and a timer; the browser's by default. */
export interface HeartbeatTriggers {
  readonly page: Listening & { readonly visibilityState: DocumentVisibilityState };
  readonly window: Listening;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Task ids of the person's open work sessions in a view. */
export function openSessionTaskIds(view: State, userId: string): string[] {
  return rowsOfTable(view, 'work_sessions')
    .filter((session) => session.user_id === userId && session.ended_at === null)
    .map((session) => session.task_id);
}

export async function beat(engine: Engine, userId: string): Promise<number> {
  const taskIds = openSessionTaskIds(engine.view.getSnapshot(), userId);
  for (const task_id of taskIds) await engine.act('work.heartbeat', { task_id });
  return taskIds.length;
}

/** Starts beating; returns the function that stops it. */
export function startHeartbeats(engine: Engine, userId: string, triggers: HeartbeatTriggers = browserTriggers(), intervalMs: number = HEARTBEAT_INTERVAL_MS): () => void {
  let beating = false;
  const beatNow = (): void => {
    if (beating) return;
    beating = true;
    // A closed engine (signing out) refuses; the next sign-in beats again.
    void beat(engine, userId)
      .catch(() => undefined)
      .finally(() => (beating = false));
  };
  const onVisibility = (): void => {
    if (triggers.page.visibilityState === 'visible') beatNow();
  };
  const timer = triggers.setInterval(beatNow, intervalMs);
  triggers.page.addEventListener('visibilitychange', onVisibility);
  triggers.window.addEventListener('pageshow', beatNow);
  triggers.window.addEventListener('online', beatNow);
  return () => {
    triggers.clearInterval(timer);
    triggers.page.removeEventListener('visibilitychange', onVisibility);
    triggers.window.removeEventListener('pageshow', beatNow);
    triggers.window.removeEventListener('online', beatNow);
  };
}

export function useHeartbeats(engine: Engine, userId: string, intervalMs: number = HEARTBEAT_INTERVAL_MS): void {
  useEffect(() => startHeartbeats(engine, userId, browserTriggers(), intervalMs), [engine, userId, intervalMs]);
}

function browserTriggers(): HeartbeatTriggers {
  return {
    page: document,
    window,
    setInterval: (callback, ms) => window.setInterval(callback, ms),
    clearInterval: (handle) => window.clearInterval(handle as number),
  };
}
