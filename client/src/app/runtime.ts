/**
 * Everything one signed-in person's app runs on: a Zero client and its
 * replica (the read path) and the client engine (journal, local view,
 * drain). Started once per sign-in, closed on sign-out.
 *
 * Invariants:
 *  1. One IndexedDB journal and one Zero store per user on this device
 *     (`stint-${user.id}`): two people sharing a tablet never see or send
 *     each other's intents.
 *  2. The engine is the only writer: the app never calls Zero mutators or
 *     REST routes to change state (the audit log and other read-only REST
 *     reads are the exception, and they only read).
 */
import { createEngine, httpTransport } from '../engine/index.ts';
import type { Engine } from '../engine/index.ts';
import { createStintZero, ZeroReplica } from '../replica/index.ts';
import type { Replica, StintZero } from '../replica/index.ts';
import type { SignIn } from './sign-in.ts';

export interface Runtime {
  readonly signedIn: SignIn;
  readonly engine: Engine;
  readonly replica: Replica;
  readonly zero: StintZero;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Origin of zero-cache; default: this page's host on the sign-in's zero port. */
  readonly cacheURL?: string;
}

export function zeroCacheUrl(signedIn: SignIn, location: Pick<Location, 'protocol' | 'hostname'>): string {
  const port = signedIn.zero.port ?? 4848;
  return `${location.protocol}//${location.hostname}:${port}`;
}

export async function startRuntime(signedIn: SignIn, options: RuntimeOptions = {}): Promise<Runtime> {
  const user = { user_id: signedIn.user.id, role: signedIn.user.role };
  const zero = createStintZero({
    cacheURL: options.cacheURL ?? zeroCacheUrl(signedIn, window.location),
    token: signedIn.token,
    user,
    kvStore: 'idb',
  });
  const replica = new ZeroReplica(zero);
  const engine = await createEngine({
    dbName: `stint-${signedIn.user.id}`,
    user: { id: signedIn.user.id, role: signedIn.user.role },
    zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    transport: httpTransport({ baseUrl: '', token: signedIn.token }),
    replica,
    staleCutoffMs: signedIn.stale_cutoff_s * 1000,
  });
  return {
    signedIn,
    engine,
    replica,
    zero,
    async close() {
      await engine.close();
      replica.close();
      await zero.close();
    },
  };
}
