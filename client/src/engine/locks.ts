/**
 * Leader election for draining (DESIGN §4): one tab at a time holds the
 * drain lock. In browsers that is the Web Locks API (`navigator.locks`),
 * which hands the lock to the next waiting tab when the holder closes or
 * crashes; where it does not exist (Node, old browsers) an in-process lock
 * with the same queueing does the job for every engine in the process.
 *
 * Invariants:
 *  1. At most one callback per lock name runs at a time; the lock is held
 *     until the callback's promise settles.
 *  2. Waiters are granted in request order.
 */

/** The part of the Web Locks `LockManager` the engine uses. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** A lock manager for one JavaScript process, queueing like Web Locks. */
export function inProcessLocks(): LockManagerLike {
  const tails = new Map<string, Promise<void>>();
  return {
    async request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const previous = tails.get(name) ?? Promise.resolve();
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => held);
      tails.set(name, tail);
      await previous;
      try {
        return await callback();
      } finally {
        release();
        if (tails.get(name) === tail) tails.delete(name);
      }
    },
  };
}

/** Shared by every engine of this process that is given no lock manager, as tabs share `navigator.locks`. */
export const processLocks: LockManagerLike = inProcessLocks();

/** `navigator.locks` where it exists, else the process-wide in-process locks. */
export function defaultLocks(): LockManagerLike {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? processLocks;
}

/** The lock name of one journal's drain. */
export function drainLockName(dbName: string): string {
  return `stint-drain-${dbName}`;
}
