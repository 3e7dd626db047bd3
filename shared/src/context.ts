import type { Role } from './rows.ts';
import type { Millis } from './time.ts';

/** Who is acting. */
export interface Actor {
  readonly user_id: string;
  readonly role: Role;
}

/**
 * Everything a rule may know about the world besides its snapshot: the time
 * the change takes effect (server-assigned or corrected, DESIGN §3), who acts,
 * and a way to name new rows. `newId(tag)` is deterministic (derived from the
 * intent id by the caller), so a client's optimistic row and the server's row
 * get the same id.
 */
export interface RuleContext {
  readonly now: Millis;
  readonly actor: Actor;
  readonly newId: (tag: string) => string;
  /** The worker's IANA time zone, stored with sessions. */
  readonly zone: string;
  /** True when the intent was recorded offline (time corrected from the device clock). */
  readonly offline: boolean;
}

export function isSupervisor(actor: Actor): boolean {
  return actor.role === 'supervisor' || actor.role === 'admin';
}
