/**
 * Seed 003's heartbeats from the app: while it is open, every active session
 * of the signed-in person gets a `work.heartbeat` intent every 60 s (the
 * stale sweep closes sessions whose heartbeats stop).
 *
 * Invariants:
 *  1. Only this person's open sessions are beaten, read from the local view
 *     at each beat (a session paused on another device gets none once the
 *     replica shows it closed).
 *  2. Heartbeats are intents like any other: journaled offline, sent when
 *     the network returns, with the device time they were made.
 */
import { useEffect, useRef } from 'react';
import { rowsOfTable } from '@stint/shared';
import type { State } from '@stint/shared';
import type { Engine } from '../engine/index.ts';

export const HEARTBEAT_INTERVAL_MS = 60_000;

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

export function useHeartbeats(engine: Engine, userId: string, intervalMs: number = HEARTBEAT_INTERVAL_MS): void {
  const beating = useRef(false);
  useEffect(() => {
    const timer = setInterval(() => {
      if (beating.current) return;
      beating.current = true;
      void beat(engine, userId).finally(() => (beating.current = false));
    }, intervalMs);
    return () => clearInterval(timer);
  }, [engine, userId, intervalMs]);
}
