/**
 * Everything one signed-in person's app runs on: a Zero client and its
 * replica (the read path) and the client engine (journal, local view,
 * drain). Started once per session, closed on sign-out.
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
import type { Session } from './session.ts';

export interface Runtime {
  readonly session: Session;
  readonly engine: Engine;
  readonly replica: Replica;
  readonly zero: StintZero;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Origin of zero-cache; default: this page's host on the session's zero port. */
  readonly cacheURL?: string;
}

export function zeroCacheUrl(session: Session, location: Pick<Location, 'protocol' | 'hostname'>): string {
  const port = session.zero.port ?? 4848;
  return `${location.protocol}//${location.hostname}:${port}`;
}

export async function startRuntime(session: Session, options: RuntimeOptions = {}): Promise<Runtime> {
  const user = { user_id: session.user.id, role: session.user.role };
  const zero = createStintZero({
    cacheURL: options.cacheURL ?? zeroCacheUrl(session, window.location),
    token: session.token,
    user,
    kvStore: 'idb',
  });
  const replica = new ZeroReplica(zero);
  const engine = await createEngine({
    dbName: `stint-${session.user.id}`,
    user: { id: session.user.id, role: session.user.role },
    zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    transport: httpTransport({ baseUrl: '', token: session.token }),
    replica,
    staleCutoffMs: session.stale_cutoff_s * 1000,
  });
  return {
    session,
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
