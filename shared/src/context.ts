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
 * intent id by `ruleContext`), so a client's optimistic row and the server's
 * row get the same id.
 */
export interface RuleContext {
  readonly now: Millis;
  readonly actor: Actor;
  readonly newId: (tag: string) => string;
  /** The worker's IANA time zone, stored with sessions. */
  readonly zone: string;
  /** True when the intent was recorded offline (time corrected from the device clock). */
  readonly offline: boolean;
  /**
   * The authority's time when it records the change (≥ now; now is earlier
   * for an intent queued offline). Late evidence within the stale cutoff of
   * it reopens a session the sweep closed (DESIGN §3.1).
   */
  readonly serverNow: Millis;
  /** STALE_CUTOFF_S in ms: evidence this far apart still vouches for unbroken work. */
  readonly staleCutoffMs: Millis;
}

/** The stale cutoff when none is configured (API.md: STALE_CUTOFF_S = 180). */
export const DEFAULT_STALE_CUTOFF_MS: Millis = 180_000;

export interface RuleContextFields {
  readonly now: Millis;
  readonly actor: Actor;
  readonly zone?: string;
  readonly offline?: boolean;
  /** Default: `now` (an online change). */
  readonly serverNow?: Millis;
  readonly staleCutoffMs?: Millis;
}

/**
 * The one way to build a rule context: ids of the rows an intent creates are
 * `<intent id>:<tag>` on every executor (server, local view, simulation), so
 * an optimistic row and the row the server writes share a key.
 */
export function ruleContext(intentId: string, fields: RuleContextFields): RuleContext {
  return {
    now: fields.now,
    actor: fields.actor,
    newId: (tag) => `${intentId}:${tag}`,
    zone: fields.zone ?? 'UTC',
    offline: fields.offline ?? false,
    serverNow: fields.serverNow ?? fields.now,
    staleCutoffMs: fields.staleCutoffMs ?? DEFAULT_STALE_CUTOFF_MS,
  };
}

export function isSupervisor(actor: Actor): boolean {
  return actor.role === 'supervisor' || actor.role === 'admin';
}
