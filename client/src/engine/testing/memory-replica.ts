/**
 * A real, small replica for engine tests: it holds a server state and the
 * ids of intents that state already reflects, and tells its subscribers
 * when either changes — the interface the Zero replica implements.
 */
import { emptyState } from '@stint/shared';
import type { State } from '@stint/shared';
import type { ReplicaSource } from '../local-view.ts';
import type { MemoryServer } from './memory-server.ts';

export class MemoryReplica implements ReplicaSource {
  private state: State;
  private applied: ReadonlySet<string> = new Set();
  private readonly listeners = new Set<() => void>();
  private readonly server: MemoryServer | null;

  constructor(server: MemoryServer | null = null, state: State = emptyState()) {
    this.server = server;
    this.state = state;
  }

  getState = (): State => this.state;

  appliedIntentIds = (): ReadonlySet<string> => this.applied;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(state: State, applied: ReadonlySet<string>): void {
    this.state = state;
    this.applied = applied;
    for (const listener of [...this.listeners]) listener();
  }

  /** Catches up with the server, as a replication round would. */
  pull(): void {
    if (this.server === null) throw new Error('MemoryReplica.pull: no server');
    this.set(this.server.state, new Set(this.server.outcomes.keys()));
  }

  close(): void {
    this.listeners.clear();
  }
}
