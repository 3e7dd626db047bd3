/**
 * The drain: sends the journal's pending intents to the server in seq order,
 * in batches, and stores each outcome on its row (DESIGN §4). Only the
 * leader tab runs one. When a pass runs is decided by drain-state.ts; this
 * file does what its effects ask for.
 *
 * Invariants:
 *  1. Batches hold at most `batchSize` intents, oldest first. A rejected
 *     intent does not hold back the ones behind it: the server decides each
 *     on its own, and the next batch starts after the last one sent.
 *  2. A refused batch leaves its intents pending (never dropped) and is
 *     reported; drain-state.ts halts until `sync()`, so a bug cannot loop.
 *  3. After `stop()`, an answer still in flight is ignored: it stores
 *     nothing. The server keeps its outcome, and whoever drains next gets it
 *     again by resending the same intent ids.
 */
import { toIso, unreachable } from '@stint/shared';
import type { Millis, PushResponse } from '@stint/shared';
import { INITIAL_DRAIN_STATE, drainTransition } from './drain-state.ts';
import type { DrainEffect, DrainEvent, DrainPolicy, DrainState, DrainTrigger } from './drain-state.ts';
import { markAttempt, pendingBatch, storeOutcomes } from './journal.ts';
import type { JournalDb, JournalRow, OpenRows } from './journal.ts';
import { intentOf } from './replay.ts';
import { asTransportError } from './transport.ts';
import type { Transport, TransportError } from './transport.ts';

export type { DrainTrigger } from './drain-state.ts';

/**
 * Timer functions, injectable so tests control time. `now` is the timers'
 * own monotonic clock: deciding which of two timers fires first must not
 * use the device clock, which a person (or a test) can move.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): Millis;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
  now: () => performance.now(),
};

/** One contact with the server, for the sync status and the clock offset. */
export type Contact =
  | { readonly ok: true; readonly sentAt: Millis; readonly receivedAt: Millis; readonly response: PushResponse }
  | { readonly ok: false; readonly at: Millis; readonly error: TransportError };

export interface DrainerOptions extends DrainPolicy {
  readonly db: JournalDb;
  readonly transport: Transport;
  readonly deviceId: string;
  readonly zone: string;
  readonly clock: () => Millis;
  readonly random: () => number;
  readonly timers: Timers;
  readonly batchSize: number;
  /** Whether the server was reached lately; if not, an empty batch is sent to find out (and to sample the clock). */
  readonly knownOnline: () => boolean;
  readonly onRows: (open: OpenRows) => void;
  readonly onContact: (contact: Contact) => void;
  /** After a pass that left nothing pending. */
  readonly onIdle?: () => Promise<void>;
}

export interface Drainer {
  kick(trigger: DrainTrigger): void;
  /** Runs a pass now (clearing a halt and the backoff) and resolves when it is done. */
  drainNow(): Promise<void>;
  stop(): void;
  readonly state: DrainState;
}

const DRAINED: DrainEvent = { type: 'drained' };

export function createDrainer(options: DrainerOptions): Drainer {
  const { db, transport, clock, timers } = options;
  const transition = drainTransition(options);
  let state = INITIAL_DRAIN_STATE;
  let timer: unknown = null;
  /** `drainNow` callers, resolved when no pass runs any more. */
  let waiting: (() => void)[] = [];

  const dispatch = (event: DrainEvent): void => {
    const step = transition(state, event, timers.now());
    state = step.state;
    for (const effect of step.effects) execute(effect);
    if (state.phase !== 'passing' && waiting.length > 0) {
      const done = waiting;
      waiting = [];
      for (const resolve of done) resolve();
    }
  };

  const execute = (effect: DrainEffect): void => {
    switch (effect.type) {
      case 'pass':
        void runPass();
        return;
      case 'setTimer':
        clearTimer();
        timer = timers.setTimeout(() => {
          timer = null;
          dispatch({ type: 'trigger', trigger: 'timer' });
        }, effect.ms);
        return;
      case 'clearTimer':
        clearTimer();
        return;
      default:
        return unreachable(effect);
    }
  };

  const clearTimer = (): void => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  };

  const stopped = (): boolean => state.phase === 'stopped';

  const runPass = async (): Promise<void> => {
    const end = await pass();
    if (end === null) return;
    if (end === DRAINED) await options.onIdle?.().catch(() => undefined);
    dispatch(end);
  };

  /** Batches until nothing is left to send; null once stopped. */
  const pass = async (): Promise<DrainEvent | null> => {
    for (;;) {
      if (stopped()) return null;
      let batch: JournalRow[] = [];
      try {
        batch = await pendingBatch(db, options.batchSize);
        if (batch.length === 0 && options.knownOnline()) return DRAINED;
        const sentAt = clock();
        const response = await transport.push({
          device_id: options.deviceId,
          sent_at: toIso(sentAt),
          zone: options.zone,
          intents: batch.map(intentOf),
        });
        if (stopped()) return null;
        const receivedAt = clock();
        dispatch({ type: 'answered' });
        options.onContact({ ok: true, sentAt, receivedAt, response });
        if (batch.length === 0) return DRAINED;
        options.onRows(await storeOutcomes(db, batch, response.outcomes, receivedAt));
      } catch (error) {
        if (stopped()) return null;
        return fail(batch, asTransportError(error));
      }
    }
  };

  const fail = async (batch: readonly JournalRow[], error: TransportError): Promise<DrainEvent> => {
    const end: DrainEvent = error.retryable ? { type: 'failed', jitter: options.random() } : { type: 'refused' };
    options.onContact({ ok: false, at: clock(), error });
    if (batch.length > 0) {
      try {
        options.onRows(await markAttempt(db, batch, error.message));
      } catch {
        // The journal is unreachable (closing); the rows stay pending as they were.
      }
    }
    return end;
  };

  return {
    kick(trigger) {
      dispatch({ type: 'trigger', trigger });
    },
    drainNow() {
      dispatch({ type: 'trigger', trigger: 'manual' });
      if (state.phase !== 'passing') return Promise.resolve();
      return new Promise((resolve) => waiting.push(resolve));
    },
    stop() {
      dispatch({ type: 'stop' });
    },
    get state() {
      return state;
    },
  };
}
