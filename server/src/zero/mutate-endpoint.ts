/**
 * ZERO_MUTATE_URL: zero-cache forwards a client's Zero mutations here. The one
 * mutator, `intent` (shared/src/zero/mutators.ts), runs the same executor as
 * `POST /api/v1/sync/push` inside Zero's transaction.
 *
 * Invariants:
 *  1. The actor is the user of the forwarded bearer token (the route's
 *     requireUser; 401 otherwise), never anything in the mutation.
 *  2. Dedupe by intent id is ours (applied_intents, in the same transaction
 *     as the effects): an intent sent through Zero and again through the push
 *     endpoint (or from another device) applies once and has one outcome.
 *     Zero's per-client mutation ids only order one client's mutations.
 *  3. A rule's refusal is a stored rejected outcome, returned normally, so
 *     Zero commits it with its mutation id; only a malformed envelope or an
 *     unknown mutator is a Zero application error (nothing stored).
 *  4. Time: the intent's device clock is corrected with the offset between
 *     the envelope's `sent_at` and the server's receive time (DESIGN §3).
 */
import type { ReadonlyJSONValue } from '@rocicorp/zero';
import { handleMutateRequest } from '@rocicorp/zero/server';
import type { MutateResponse } from '@rocicorp/zero/server';
import { zeroPostgresJS } from '@rocicorp/zero/server/adapters/postgresjs';
import type { Actor, UserRow } from '@stint/shared';
import { ZeroIntentArgsSchema, zeroSchema } from '@stint/shared/zero';
import type { AppDeps } from '../http/env.ts';
import { isStorableText } from '../db/sql.ts';
import { executeIntent, intentTiming, storableTime } from '../intents/execute.ts';
import { knownZone } from '../intents/push-batch.ts';

/** `user` is the authenticated caller (requireUser checked the forwarded bearer token). */
export type ZeroMutateHandler = (
  user: Pick<UserRow, 'id' | 'role'>,
  query: Readonly<Record<string, string>>,
  body: ReadonlyJSONValue,
) => Promise<MutateResponse>;

export function zeroMutateHandler(deps: Pick<AppDeps, 'sql' | 'clock' | 'config'>): ZeroMutateHandler {
  const db = zeroPostgresJS(zeroSchema, deps.sql);
  return (user, query, body) => {
    const actor: Actor = { user_id: user.id, role: user.role };
    return handleMutateRequest({
      dbProvider: db,
      handler: (transact) =>
        transact(async (tx, name, args) => {
          if (name !== 'intent') throw new Error(`Unknown mutator "${name}": Stint's only Zero mutator is "intent"`);
          const parsed = ZeroIntentArgsSchema.safeParse(args);
          if (!parsed.success) throw new Error(`Malformed intent envelope: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
          const envelope = parsed.data;
          if (!isStorableText(envelope.device_id)) throw new Error('Malformed intent envelope: device_id must not contain NUL characters or lone surrogates');
          const receivedAt = deps.clock();
          const sentAt = storableTime(Date.parse(envelope.sent_at));
          if (sentAt === null) throw new Error('Malformed intent envelope: sent_at must be between the years 1 and 9999');
          await executeIntent(tx.dbTransaction.wrappedTransaction, {
            raw: envelope.intent,
            actor,
            deviceId: envelope.device_id,
            zone: knownZone(envelope.zone),
            timing: intentTiming(deps.config, receivedAt, sentAt),
          });
        }),
      query: { ...query },
      body,
      userID: user.id,
      logLevel: 'error',
    });
  };
}
