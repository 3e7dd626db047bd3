/**
 * The React side of the runtime: one context for the signed-in person's
 * engine and replica, and hooks every view reads through.
 *
 *   const view = useView();                 // State: replica + my pending intents
 *   const act = useAct();                   // act('task.claim', {task_id})
 *   const now = useNow(1000);               // a clock that ticks for timers
 *
 * Invariants:
 *  1. Views read state only through these hooks (useSyncExternalStore over
 *     the engine's snapshots), so every view shows the same snapshot and
 *     re-renders only when it changes.
 *  2. An act the local rules refuse is not journaled (engine/act.ts
 *     invariant 1); `useAct` puts its reason in the notice line so the
 *     person sees why nothing happened.
 */
import { createContext, useCallback, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import type { IntentArgs, IntentKind, Millis, State, UserRow } from '@stint/shared';
import type { ActResult, InboxItem, SyncStatus } from '../engine/index.ts';
import type { Runtime } from './runtime.ts';
import type { SignIn } from './sign-in.ts';

export interface Notice {
  readonly id: number;
  readonly code: string;
  readonly message: string;
}

interface StintContextValue {
  readonly runtime: Runtime;
  readonly signOut: () => void;
  readonly notice: Notice | null;
  readonly setNotice: (notice: Notice | null) => void;
}

const StintContext = createContext<StintContextValue | null>(null);

export function StintProvider(props: { runtime: Runtime; signOut: () => void; children: ReactNode }): ReactNode {
  const [notice, setNotice] = useState<Notice | null>(null);
  return (
    <StintContext value={{ runtime: props.runtime, signOut: props.signOut, notice, setNotice }}>{props.children}</StintContext>
  );
}

function useStintContext(): StintContextValue {
  const value = useContext(StintContext);
  if (value === null) throw new Error('Stint hooks need a <StintProvider>');
  return value;
}

export function useRuntime(): Runtime {
  return useStintContext().runtime;
}

export function useSignIn(): SignIn {
  return useStintContext().runtime.signedIn;
}

export function useSignOut(): () => void {
  return useStintContext().signOut;
}

/** The local view: server state as the replica has it, plus my intents not yet reflected there. */
export function useView(): State {
  const { engine } = useRuntime();
  return useSyncExternalStore(engine.view.subscribe, engine.view.getSnapshot);
}

export function useSyncStatus(): SyncStatus {
  const { engine } = useRuntime();
  return useSyncExternalStore(engine.status.subscribe, engine.status.getSnapshot);
}

export function useInbox(): { readonly items: readonly InboxItem[]; readonly dismiss: (id: string) => Promise<void> } {
  const { engine } = useRuntime();
  const items = useSyncExternalStore(engine.inbox.subscribe, engine.inbox.getSnapshot);
  return { items, dismiss: engine.inbox.dismiss };
}

/** People this user may see (self, booking partners; everyone for supervisors), by id. */
export function useUsers(): ReadonlyMap<string, UserRow> {
  const { replica } = useRuntime();
  const subscribe = useCallback((listener: () => void) => replica.subscribe(listener), [replica]);
  return useSyncExternalStore(subscribe, useCallback(() => replica.users(), [replica]));
}

/** Whether the replica has the server's complete answer for every query yet. */
export function useReplicaStatus(): 'unknown' | 'complete' | 'error' {
  const { replica } = useRuntime();
  const subscribe = useCallback((listener: () => void) => replica.subscribe(listener), [replica]);
  return useSyncExternalStore(subscribe, useCallback(() => replica.status(), [replica]));
}

/** The device clock, re-read every `intervalMs` (timers, ages). */
export function useNow(intervalMs: number): Millis {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

let noticeIds = 0;

/** `act(kind, args)`: journal an intent; a local refusal shows in the notice line (invariant 2). */
export function useAct(): <K extends IntentKind>(kind: K, args: IntentArgs<K>) => Promise<ActResult> {
  const { runtime, setNotice } = useStintContext();
  return useCallback(
    async (kind, args) => {
      const result = await runtime.engine.act(kind, args);
      if (result.accepted) setNotice(null);
      else setNotice({ id: ++noticeIds, code: result.error.code, message: result.error.message });
      return result;
    },
    [runtime, setNotice],
  );
}

export function useNotice(): { readonly notice: Notice | null; readonly clear: () => void } {
  const { notice, setNotice } = useStintContext();
  return { notice, clear: () => setNotice(null) };
}
