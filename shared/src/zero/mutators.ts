/**
 * Zero custom mutators: one, `intent`, a way to hand a journaled intent to
 * the server over Zero's connection instead of `POST /api/v1/sync/push`
 * (DESIGN §4: "Intents may be handed to Zero custom mutators when connected;
 * whether they go through Zero's push or a Hono endpoint, dedupe by intent id
 * is ours").
 *
 * Invariants:
 *  1. On the client the mutator changes nothing: the local view (server state
 *     plus pending intents replayed through the shared rules) belongs to the
 *     client engine, not to Zero's optimistic store, so nothing is applied
 *     twice and nothing flickers when Zero rebases.
 *  2. On the server it runs the same executor as the push endpoint inside
 *     Zero's transaction: dedupe by intent id (applied_intents), lock+load,
 *     time correction, the shared rule, effects, the stored outcome. A
 *     rejection is a stored outcome, never a thrown error, so Zero commits it.
 *  3. The envelope is checked here (device, clock, zone, an intent id); the
 *     intent itself is checked by `parseIntent` on the server, so a malformed
 *     intent still gets its own rejected outcome (I9).
 */
import { defineMutatorWithType, defineMutatorsWithType } from '@rocicorp/zero';
import { z } from 'zod';
import { DeviceTimeSchema, IdSchema } from '../intents/arg-schemas.ts';
import { PushRequestSchema } from '../intents/push.ts';
import type { ZeroContext } from './queries.ts';
import type { ZeroSchema } from './schema.ts';

export const ZeroIntentArgsSchema = z.strictObject({
  device_id: IdSchema,
  /** The device's clock when it handed the intent to Zero (DESIGN §3 offset). */
  sent_at: DeviceTimeSchema,
  zone: PushRequestSchema.shape.zone,
  /** `{id, kind, args, occurred_at}` as journaled; only the id is checked here (invariant 3). */
  intent: z.object({ id: IdSchema }).catchall(z.json()),
});
export type ZeroIntentArgs = z.infer<typeof ZeroIntentArgsSchema>;

const defineMutator = defineMutatorWithType<ZeroSchema, ZeroContext>();

export const zeroMutators = defineMutatorsWithType<ZeroSchema>()({
  // Invariant 1: the client side is deliberately empty.
  intent: defineMutator(ZeroIntentArgsSchema, async () => {}),
});

export type ZeroMutators = typeof zeroMutators;
/** The mutator names the server's mutate endpoint accepts. */
export const ZERO_MUTATOR_NAMES = ['intent'] as const;
