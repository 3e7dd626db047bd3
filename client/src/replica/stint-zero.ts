/**
 * A Zero client set up for Stint: our schema, synced queries (through the
 * auth context) and the one `intent` mutator, authenticated with the user's
 * bearer token (zero-cache forwards it to the server's query and mutate
 * endpoints, which check it).
 *
 * Invariants:
 *  1. The context is the signed-in user's `{user_id, role}`, the same one the
 *     server derives from the token, so the client's local evaluation of a
 *     query and the server's agree on visibility.
 *  2. Zero's storage is per user (userID), so two people on one device never
 *     read each other's replica.
 */
import { Zero } from '@rocicorp/zero';
import type { ZeroOptions } from '@rocicorp/zero';
import { zeroMutators, zeroSchema } from '@stint/shared/zero';
import type { ZeroContext, ZeroSchema } from '@stint/shared/zero';

// Mutators defined with defineMutators are a registry, not legacy
// CustomMutatorDefs: Zero's second type parameter stays undefined and
// `zero.mutate(zeroMutators.intent(args))` is how the intent mutator is called.
export type StintZero = Zero<ZeroSchema, undefined, ZeroContext>;

export interface StintZeroOptions {
  /** zero-cache, e.g. `http://localhost:3001` (GET /api/zero/config gives its port). */
  readonly cacheURL: string;
  /** The user's bearer token (POST /api/v1/users/:id/tokens). */
  readonly token: string;
  /** The signed-in user (GET /api/v1/me): id and role. */
  readonly user: ZeroContext;
  /** 'idb' (default) keeps the replica across reloads; 'mem' for Node and tests. */
  readonly kvStore?: 'idb' | 'mem';
  /** Anything else Zero accepts (e.g. onUpdateNeeded, logLevel) except what is set here. */
  readonly zero?: Omit<ZeroOptions<ZeroSchema, undefined, ZeroContext>, 'cacheURL' | 'auth' | 'userID' | 'schema' | 'mutators' | 'context' | 'kvStore'>;
}

export function createStintZero(options: StintZeroOptions): StintZero {
  return new Zero<ZeroSchema, undefined, ZeroContext>({
    logLevel: 'error',
    ...options.zero,
    cacheURL: options.cacheURL,
    auth: options.token,
    userID: options.user.user_id,
    schema: zeroSchema,
    mutators: zeroMutators,
    context: { user_id: options.user.user_id, role: options.user.role },
    kvStore: options.kvStore ?? 'idb',
  });
}
