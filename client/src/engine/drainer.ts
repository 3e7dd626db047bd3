/**
 * The drain: sends the journal's pending intents to the server in seq order,
 * in batches, and stores each outcome on its row (DESIGN §4). Only the
 * leader tab runs one.
 *
 * Invariants:
 *  1. One pass at a time; a trigger during a pass runs one more pass after
 *     it, so nothing recorded meanwhile waits for the timer. `drainNow`
 *     during a failing pass still gets a pass of its own.
 *  2. Batches hold at most `batchSize` intents, oldest first. A rejected
 *     intent does not hold back the ones behind it: the server decides each
 *     on its own, and the next batch starts after the last one sent.
 *  3. A retryable failure (network, 5xx) schedules the next pass after
 *     `backoffDelay(failures)`; person-made triggers (act, journal changes)
 *     wait for it instead of hammering a server that is down. `online`
 *     events, `sync()` and a new leader start over from zero failures.
 *  4. A refused batch (4xx) halts the drain: nothing is retried until
 *     `sync()` is called, so a bug cannot loop forever; the intents stay
 *     pending (never dropped) and the error is reported.
 *  5. After `stop()`, an answer still in flight is ignored: it stores
 *     nothing. The server keeps its outcome, and whoever drains next gets it
 *     again by resending the same intent ids.
 */
import { toIso, unreachable } from '@stint/shared';
import type { Millis, PushResponse } from '@stint/shared';
import { backoffDelay } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';
import { markAttempt, pendingBatch, storeOutcomes } from './journal.ts';
import type { JournalDb, JournalRow, OpenRows } from './journal.ts';
import { intentOf } from './replay.ts';
import { asTransportError } from './transport.ts';
import type { Transport, TransportError } from './transport.ts';

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

/** Why a pass should run. */
export type DrainTrigger = 'start' | 'act' | 'journal' | 'timer' | 'online' | 'manual';

/** One contact with the server, for the sync status and the clock offset. */
export type Contact =
  | { readonly ok: true; readonly sentAt: Millis; readonly receivedAt: Millis; readonly response: PushResponse }
  | { readonly ok: false; readonly at: Millis; readonly error: TransportError; readonly retryInMs: Millis | null };

export interface DrainerOptions {
  readonly db: JournalDb;
  readonly transport: Transport;
  readonly deviceId: string;
  readonly zone: string;
  readonly clock: () => Millis;
  readonly random: () => number;
  readonly timers: Timers;
  readonly batchSize: number;
  readonly backoff: BackoffPolicy;
  /** Pause between passes while all is well (catches anything a trigger missed). */
  readonly intervalMs: Millis;
  /** Delay after an act, so a burst of taps goes in one batch. */
  readonly debounceMs: Millis;
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
  /** Consecutive retryable failures (0 when the last pass succeeded). */
  readonly failures: number;
  readonly halted: boolean;
}

type PassResult = 'idle' | 'failed' | 'stopped';

export function createDrainer(options: DrainerOptions): Drainer {
  const { db, transport, clock, timers } = options;
  let running: Promise<void> | null = null;
  let rerun = false;
  /** A `drainNow` during a pass: one more full pass after it, even if this one failed. */
  let forced = false;
  let failures = 0;
  let halted = false;
  let stopped = false;
  let timer: { handle: unknown; due: Millis } | null = null;
  /** The backoff delay decided by the last failed pass, scheduled when its run ends. */
  let retryInMs: Millis | null = null;

  const schedule = (ms: Millis): void => {
    if (stopped) return;
    const due = timers.now() + ms;
    if (timer !== null && timer.due <= due) return;
    clearTimer();
    const handle = timers.setTimeout(() => {
      timer = null;
      void run();
    }, ms);
    timer = { handle, due };
  };

  const clearTimer = (): void => {
    if (timer !== null) timers.clearTimeout(timer.handle);
    timer = null;
  };

  const run = (force = false): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (force) forced = true;
    if (running !== null) {
      rerun = true;
      return running;
    }
    clearTimer();
    running = (async () => {
      for (;;) {
        rerun = false;
        forced = false;
        const result = await pass();
        if (result === 'idle') await options.onIdle?.().catch(() => undefined);
        if (!stopped && (forced || (rerun && result === 'idle'))) continue;
        // Cleared here, synchronously with the last check: a trigger from now on starts a new run,
        // and the timer set below can only fire into a finished run.
        running = null;
        if (result === 'idle') schedule(options.intervalMs);
        if (result === 'failed') {
          // The backoff replaces any sooner timer (a debounce set while this pass was failing).
          clearTimer();
          if (retryInMs !== null) schedule(retryInMs);
        }
        return;
      }
    })();
    return running;
  };

  const pass = async (): Promise<PassResult> => {
    for (;;) {
      if (stopped || halted) return 'stopped';
      let batch: JournalRow[] = [];
      try {
        batch = await pendingBatch(db, options.batchSize);
        if (batch.length === 0 && options.knownOnline()) return 'idle';
        const sentAt = clock();
        const response = await transport.push({
          device_id: options.deviceId,
          sent_at: toIso(sentAt),
          zone: options.zone,
          intents: batch.map(intentOf),
        });
        if (stopped) return 'stopped';
        const receivedAt = clock();
        failures = 0;
        options.onContact({ ok: true, sentAt, receivedAt, response });
        if (batch.length === 0) return 'idle';
        options.onRows(await storeOutcomes(db, batch, response.outcomes, receivedAt));
      } catch (error) {
        if (stopped) return 'stopped';
        await fail(batch, asTransportError(error));
        return 'failed';
      }
    }
  };

  const fail = async (batch: readonly JournalRow[], error: TransportError): Promise<void> => {
    const at = clock();
    retryInMs = null;
    if (error.retryable) {
      failures += 1;
      retryInMs = backoffDelay(failures, options.random, options.backoff);
    } else {
      halted = true;
    }
    options.onContact({ ok: false, at, error, retryInMs });
    if (batch.length > 0) {
      try {
        options.onRows(await markAttempt(db, batch, error.message));
      } catch {
        // The journal is unreachable (closing); the rows stay pending as they were.
      }
    }
  };

  return {
    kick(trigger) {
      if (stopped) return;
      switch (trigger) {
        case 'manual':
          halted = false;
          failures = 0;
          void run(true);
          return;
        case 'start':
        case 'online':
          failures = 0;
          void run();
          return;
        case 'timer':
          void run();
          return;
        case 'act':
        case 'journal':
          // Invariant 3: wait for the backoff timer; invariant 4: a halt waits for sync().
          if (halted || failures > 0) return;
          schedule(options.debounceMs);
          return;
        default:
          return unreachable(trigger);
      }
    },
    drainNow() {
      halted = false;
      failures = 0;
      return run(true);
    },
    stop() {
      stopped = true;
      clearTimer();
    },
    get failures() {
      return failures;
    },
    get halted() {
      return halted;
    },
  };
}
