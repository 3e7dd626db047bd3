/**
 * A small in-memory authority for engine tests: the same steps as the
 * server's executor (server/src/intents/execute.ts) over a `State` — dedupe
 * by intent id, DESIGN §3 time correction, the shared rule, store the
 * outcome — so unit tests exercise the engine against real rules without
 * Postgres. Integration tests in test/engine/ use the real server.
 *
 * Invariants:
 *  1. An intent id has exactly one outcome; resending it returns that
 *     outcome and changes nothing (`applyCount` counts real applications).
 *  2. A malformed batch is refused whole (TransportError 400), like the
 *     push route; a malformed intent gets its own INVALID_INTENT outcome.
 *  3. `sweep()` is the scheduler's stale sweep at the server's now; what
 *     arrives after it may extend what it closed (DESIGN §3.1), through the
 *     same shared rules.
 */
import {
  DEFAULT_LOOK_BACK_MS,
  DEFAULT_STALE_CUTOFF_MS,
  DEFAULT_TOLERANCE_MS,
  PushRequestSchema,
  applyEffects,
  applyIntent,
  correctTime,
  emptyState,
  estimateOffset,
  parseIntent,
  ruleContext,
  sweepStale,
  toIso,
} from '@stint/shared';
import type { Actor, IntentArgs, IntentKind, Millis, Outcome, PushRequest, PushResponse, State } from '@stint/shared';
import { TransportError } from '../transport.ts';
import type { Transport } from '../transport.ts';

export class MemoryServer {
  state: State;
  readonly outcomes = new Map<string, Outcome>();
  /** How many times each intent id changed state (must never exceed 1). */
  readonly applyCount = new Map<string, number>();
  /** Every batch received, in order. */
  readonly batches: PushRequest[] = [];
  clock: () => Millis;
  readonly staleCutoffMs: Millis;

  constructor(options: { readonly state?: State; readonly clock?: () => Millis; readonly staleCutoffMs?: Millis } = {}) {
    this.state = options.state ?? emptyState();
    this.clock = options.clock ?? Date.now;
    this.staleCutoffMs = options.staleCutoffMs ?? DEFAULT_STALE_CUTOFF_MS;
  }

  /** The scheduler's stale sweep now (invariant 3); returns how many work sessions it closed. */
  sweep(): number {
    const effects = sweepStale(this.state, this.staleCutoffMs, ruleContext('sweep', { now: this.clock(), actor: { user_id: 'scheduler', role: 'admin' } }));
    this.state = applyEffects(this.state, effects);
    return effects.filter((effect) => effect.table === 'work_sessions').length;
  }

  /** Runs one intent as if sent online now (a supervisor's REST call, a seed). */
  run<K extends IntentKind>(actor: Actor, id: string, kind: K, args: IntentArgs<K>): Outcome {
    const now = this.clock();
    return this.decide(actor, { id, kind, args, occurred_at: toIso(now) }, 0, now, 'UTC');
  }

  push(actor: Actor, raw: unknown): PushResponse {
    const parsed = PushRequestSchema.safeParse(raw);
    if (!parsed.success) throw new TransportError('refused', 'Malformed batch', 400, 'INVALID_INPUT');
    const request = parsed.data;
    this.batches.push(request);
    const now = this.clock();
    const offsetMs = estimateOffset(Date.parse(request.sent_at), now);
    const outcomes = request.intents.map((intent) => this.decide(actor, intent, offsetMs, now, request.zone ?? 'UTC'));
    return { server_time: toIso(now), outcomes };
  }

  /** A transport for one signed-in user, with switches to take it offline or make it fail. */
  transport(actor: Actor): MemoryTransport {
    return new MemoryTransport(this, actor);
  }

  private decide(actor: Actor, raw: { readonly id: string } & Record<string, unknown>, offsetMs: Millis, now: Millis, zone: string): Outcome {
    const stored = this.outcomes.get(raw.id);
    if (stored !== undefined) return stored;
    const parsed = parseIntent(raw);
    let outcome: Outcome;
    if (!parsed.ok) {
      outcome = { id: raw.id, status: 'rejected', code: parsed.error.code, message: parsed.error.message };
    } else {
      const intent = parsed.value;
      const time = correctTime({
        occurredAt: Date.parse(intent.occurred_at),
        offsetMs,
        serverNow: now,
        previousEventAt: null,
        lookBackMs: DEFAULT_LOOK_BACK_MS,
        toleranceMs: DEFAULT_TOLERANCE_MS,
      });
      const result = applyIntent(
        this.state,
        intent,
        ruleContext(intent.id, { now: time.effectiveAt, actor, zone, offline: time.timeSource !== 'server', serverNow: now, staleCutoffMs: this.staleCutoffMs }),
      );
      if (result.ok) {
        this.state = applyEffects(this.state, result.value);
        this.applyCount.set(intent.id, (this.applyCount.get(intent.id) ?? 0) + 1);
        const message = result.adjustment ?? (time.adjusted ? 'time corrected' : null);
        outcome =
          message === null
            ? { id: intent.id, status: 'accepted', effective_at: toIso(time.effectiveAt) }
            : { id: intent.id, status: 'accepted_with_adjustment', effective_at: toIso(time.effectiveAt), message };
      } else {
        outcome = { id: intent.id, status: 'rejected', code: result.error.code, message: result.error.message };
      }
    }
    this.outcomes.set(raw.id, outcome);
    return outcome;
  }
}

export class MemoryTransport implements Transport {
  /** false: every push throws a network error (device offline). */
  online = true;
  /** Thrown by the next pushes instead of answering, while set. */
  failWith: TransportError | null = null;
  /** Pushes attempted, answered or not. */
  attempts = 0;
  private gate: Promise<void> | null = null;
  private readonly server: MemoryServer;
  private readonly actor: Actor;

  constructor(server: MemoryServer, actor: Actor) {
    this.server = server;
    this.actor = actor;
  }

  /** Holds every answer (the server has already applied the batch) until the returned function is called. */
  hold(): () => void {
    let release = (): void => undefined;
    this.gate = new Promise((resolve) => {
      release = resolve;
    });
    return () => {
      this.gate = null;
      release();
    };
  }

  async push(request: PushRequest): Promise<PushResponse> {
    this.attempts += 1;
    await Promise.resolve();
    if (!this.online) throw new TransportError('network', 'offline');
    if (this.failWith !== null) throw this.failWith;
    const response = this.server.push(this.actor, JSON.parse(JSON.stringify(request)));
    if (this.gate !== null) await this.gate;
    return response;
  }
}
