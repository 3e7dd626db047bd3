/**
 * One sync push (API.md "Sync push", DESIGN §3–§4): a device's batch of
 * journaled intents, applied in order in ONE transaction, each through
 * `executeIntent` in its own savepoint.
 *
 * Invariants:
 *  1. Exactly one outcome per intent of the batch, in the batch's order
 *     (a repeated id answers the stored outcome of its first copy).
 *  2. A rejection undoes nothing else: each intent has its own savepoint,
 *     and its rejected outcome is recorded outside it.
 *  3. The device's clock offset is estimated once per batch, from `sent_at`
 *     and the server's receive time, and applies to every intent in it.
 *  4. A batch that loses a deadlock or a serialisation conflict with another
 *     batch (intents lock their aggregates in journal order, so two batches
 *     can take the same locks in opposite orders) is retried from the start
 *     as a whole: its first attempt rolled back entirely, so retrying cannot
 *     apply anything twice. Only after `MAX_ATTEMPTS` does the error surface.
 */
import { toIso } from '@stint/shared';
import type { Actor, Millis, PushRequest, PushResponse } from '@stint/shared';
import { classifyDbError } from '../db/db-errors.ts';
import type { AppDeps } from '../http/env.ts';
import { executeIntent, intentTiming } from './execute.ts';
import type { ExecutedIntent } from './execute.ts';

export const MAX_ATTEMPTS = 5;

/** What the batch needs of the app: the database, the clock, the look-back window; metrics if any. */
export type PushDeps = Pick<AppDeps, 'sql' | 'clock' | 'config'> & Partial<Pick<AppDeps, 'metrics' | 'logger'>>;

export async function pushBatch(deps: PushDeps, actor: Actor, batch: PushRequest): Promise<PushResponse> {
  const receivedAt = deps.clock();
  const timing = intentTiming(deps.config, receivedAt, Date.parse(batch.sent_at));
  const zone = knownZone(batch.zone);

  const executed = await withRetry(() =>
    deps.sql.begin(async (tx) => {
      const done: ExecutedIntent[] = [];
      for (const raw of batch.intents) {
        const onInternalError = (err: unknown): void => deps.logger?.error({ err, intent_id: raw.id, device_id: batch.device_id }, 'intent rejected by an internal error');
        done.push(await executeIntent(tx, { raw, actor, deviceId: batch.device_id, zone, timing, onInternalError }));
      }
      return done;
    }),
  );
  // Counted once committed, and only when recorded now: a replay is not a second outcome.
  for (const { outcome, replayed } of executed) if (!replayed) deps.metrics?.recordOutcome(outcome);
  return { server_time: toIso(deps.clock()), outcomes: executed.map((e) => e.outcome) };
}

/**
 * The device's zone if this runtime knows it, else UTC. A zone the server's
 * ICU does not know (newer than its tz data) must not make every push of that
 * device fail forever; its sessions are then recorded in UTC.
 */
export function knownZone(zone: string | undefined): string {
  if (zone === undefined) return 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

/** Runs a whole transaction again after a deadlock or serialisation failure (its first attempt rolled back entirely). */
export async function withRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= MAX_ATTEMPTS || classifyDbError(error).kind !== 'retry') throw error;
      await pause(backoffMs(n));
    }
  }
}

/** Short, jittered: the other transaction usually commits within milliseconds. */
function backoffMs(attempt: number): Millis {
  return Math.round((2 ** attempt) * 5 * (0.5 + Math.random()));
}

function pause(ms: Millis): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
