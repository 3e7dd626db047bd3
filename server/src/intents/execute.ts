/**
 * The authority's one way to apply an intent, used by the sync push endpoint
 * and by every REST route that changes state (DESIGN §1 step 4): dedupe by
 * intent id, load and lock the aggregate, correct the time (DESIGN §3), run
 * the shared rule, apply its effects, record the outcome — all inside one
 * savepoint of the caller's transaction.
 *
 * Invariants (I9):
 *  1. An intent id has at most one stored outcome (applied_intents PK). Its
 *     row is inserted before any effect inside the savepoint, so a concurrent
 *     duplicate blocks on it and then returns the first one's outcome.
 *  2. A replayed id returns the stored outcome and changes nothing, from any
 *     device.
 *  3. A rejection rolls back only its own savepoint; the rejected outcome is
 *     then stored outside it, so it too is answered the same way on replay.
 *  4. A refused change to a locked run is written to the audit log (I7).
 *  5. What the database refuses is judged by `classifyDbError`: a constraint
 *     the rule did not foresee (I1, I5, I7 in the database) is a rejection
 *     with CONFLICT_INVALID_STATE, never a 500; a value Postgres cannot hold
 *     (e.g. a year-0 booking time) is an INVALID_INTENT rejection of that
 *     intent alone.
 *  6. An intent that Postgres could not even record (a NUL character or a
 *     lone surrogate anywhere, a time outside years 1–9999) is rejected INVALID_INTENT before
 *     it touches anything; what is stored of it is only what can be stored.
 *  7. An intent id is its author's: the same id from another user is refused
 *     (CONFLICT_EXISTS, not stored) instead of answering with someone else's
 *     outcome.
 *  8. A defect — the rule or the effect writer throwing (say on corrupt
 *     stored data) — is that intent's rejection with code INTERNAL, recorded
 *     and reported through `onInternalError`, never a failed batch: one bad
 *     intent must not block a device's whole journal (I9). Database errors
 *     that are not about the intent (lost connection, deadlock, serialisation)
 *     still propagate, so the caller can retry the whole transaction.
 */
import {
  DEFAULT_TOLERANCE_MS,
  OutcomeStatus,
  applyIntent,
  correctTime,
  domainError,
  estimateOffset,
  isDomainError,
  lockedAttemptAudit,
  parseIntent,
  put,
  ruleContext,
} from '@stint/shared';
import type { Actor, DomainError, Effect, Intent, Millis, Outcome, ProcedureRunRow, RuleContext } from '@stint/shared';
import type { Config } from '../config.ts';
import { applyEffects } from '../db/apply-effects.ts';
import { SQLSTATE, classifyDbError } from '../db/db-errors.ts';
import { isStorableText } from '../db/sql.ts';
import type { Tx } from '../db/sql.ts';
import { loadIntentState } from './load-state.ts';
import { findOutcome, insertOutcome, toOutcome } from './outcomes.ts';
import type { FoundOutcome, StoredOutcome } from './outcomes.ts';

export interface IntentTiming {
  /** Server time when the request arrived. */
  readonly receivedAt: Millis;
  /** Device clock offset estimated from the batch (0 for server-originated intents). */
  readonly offsetMs: Millis;
  /** The device's clock at send time, stored as sent; null for REST calls. */
  readonly sentAt: Millis | null;
  readonly lookBackMs: Millis;
  readonly toleranceMs: Millis;
  /** STALE_CUTOFF_S: how far apart evidence may be and still vouch for unbroken work (DESIGN §3.1). */
  readonly staleCutoffMs: Millis;
}

/**
 * The one way to build an intent's timing: a device's batch (`sentAt` from
 * its clock, the offset estimated from it) or a server-made change (REST,
 * no device clock: offset 0).
 */
export function intentTiming(config: Pick<Config, 'LOOK_BACK_S' | 'STALE_CUTOFF_S'>, receivedAt: Millis, sentAt: Millis | null = null): IntentTiming {
  return {
    receivedAt,
    offsetMs: sentAt === null ? 0 : estimateOffset(sentAt, receivedAt),
    sentAt,
    lookBackMs: config.LOOK_BACK_S * 1000,
    toleranceMs: DEFAULT_TOLERANCE_MS,
    staleCutoffMs: config.STALE_CUTOFF_S * 1000,
  };
}

export interface IntentRequest {
  /** One intent as received: parsed here, so a malformed one gets its own rejected outcome. */
  readonly raw: { readonly id: string } & Readonly<Record<string, unknown>>;
  readonly actor: Actor;
  readonly deviceId: string;
  readonly zone: string;
  readonly timing: IntentTiming;
  /** Told about a defect turned into an INTERNAL rejection (invariant 8), to log its cause. */
  readonly onInternalError?: (error: unknown) => void;
}

export interface ExecutedIntent {
  readonly outcome: Outcome;
  /** The effects applied now (empty on replay and rejection). */
  readonly effects: readonly Effect[];
  readonly replayed: boolean;
}

export async function executeIntent(tx: Tx, request: IntentRequest): Promise<ExecutedIntent> {
  const { raw, actor } = request;
  const stored = await findOutcome(tx, raw.id);
  if (stored !== undefined) return replay(stored, actor);

  if (containsUnstorableText(raw)) {
    return reject(tx, request, null, domainError('INVALID_INTENT', 'Malformed intent: text must not contain NUL characters or lone surrogates'), null);
  }
  const parsed = parseIntent(raw);
  if (!parsed.ok) return reject(tx, request, null, parsed.error, null);
  const intent = parsed.value;
  if (storableTime(Date.parse(intent.occurred_at)) === null) {
    return reject(tx, request, intent, domainError('INVALID_INTENT', 'Malformed intent: occurred_at must be between the years 1 and 9999'), null);
  }

  try {
    return await tx.savepoint(async (sp) => {
      // Claim the id first (invariant 1): a concurrent duplicate waits here.
      await insertOutcome(sp, pendingRow(request, intent));
      const loaded = await loadIntentState(sp, intent, actor);
      const time = correctTime({
        occurredAt: Date.parse(intent.occurred_at),
        offsetMs: request.timing.offsetMs,
        serverNow: request.timing.receivedAt,
        previousEventAt: loaded.previousEventAt,
        lookBackMs: request.timing.lookBackMs,
        toleranceMs: request.timing.toleranceMs,
      });
      const ctx = ruleContext(intent.id, {
        now: time.effectiveAt,
        actor,
        zone: request.zone,
        offline: time.timeSource !== 'server',
        serverNow: request.timing.receivedAt,
        staleCutoffMs: request.timing.staleCutoffMs,
      });
      const result = applyIntent(loaded.state, intent, ctx);
      if (!result.ok) throw new Rejected(result.error, time.effectiveAt, ctx, loaded.state.procedure_runs.get(runIdOf(intent) ?? ''));
      const effects = result.value.map((effect) => withDevice(effect, request.deviceId));
      await applyEffects(sp, effects);
      // A rule's own adjustment (an extension cut short) says more than a clock correction.
      const message = result.adjustment ?? (time.adjusted ? adjustmentMessage(time.clampedBy) : null);
      const outcome: StoredOutcome = {
        ...pendingRow(request, intent),
        effective_at: time.effectiveAt,
        time_source: time.timeSource,
        status: message === null ? OutcomeStatus.accepted : OutcomeStatus.acceptedWithAdjustment,
        code: null,
        message,
      };
      await insertOutcome(sp, outcome, { replace: true });
      return { outcome: toOutcome(outcome), effects, replayed: false };
    });
  } catch (error) {
    if (error instanceof Rejected) {
      const audit = error.error.code === 'SESSION_LOCKED' && error.run !== undefined
        ? withDevice(put('audit_log', lockedAttemptAudit(error.run, intent.kind, error.ctx)), request.deviceId)
        : null;
      return reject(tx, request, intent, error.error, error.effectiveAt, audit);
    }
    const failed = classifyDbError(error);
    switch (failed.kind) {
      case 'conflict': {
        if (failed.sqlstate === SQLSTATE.uniqueViolation && failed.constraint === 'applied_intents_pkey') {
          const first = await findOutcome(tx, raw.id);
          if (first !== undefined) return replay(first, actor);
        }
        const conflict = domainError('CONFLICT_INVALID_STATE', 'This change conflicts with a concurrent one; the current state does not allow it.', {
          constraint: failed.constraint,
        });
        return reject(tx, request, intent, conflict, null);
      }
      case 'invalid_input': {
        const invalid = domainError('INVALID_INTENT', 'Malformed intent: a value is out of the range the database can store', {
          sqlstate: failed.sqlstate,
        });
        return reject(tx, request, intent, invalid, null);
      }
      case 'defect': {
        request.onInternalError?.(error);
        const internal = domainError('INTERNAL', 'This change could not be applied because of an internal error; it was not applied.');
        return reject(tx, request, intent, internal, null);
      }
      case 'retry':
      case 'failure':
        // Not about this intent: the caller retries or fails the whole transaction.
        throw error;
    }
  }
}

/** A refusal carried out of the savepoint so it rolls back, with what the audit entry needs. */
class Rejected extends Error {
  readonly error: DomainError;
  readonly effectiveAt: Millis;
  readonly ctx: RuleContext;
  readonly run: ProcedureRunRow | undefined;

  constructor(error: DomainError, effectiveAt: Millis, ctx: RuleContext, run: ProcedureRunRow | undefined) {
    super(error.message);
    this.error = error;
    this.effectiveAt = effectiveAt;
    this.ctx = ctx;
    this.run = run;
  }
}

async function reject(
  tx: Tx,
  request: IntentRequest,
  intent: Intent | null,
  error: DomainError,
  effectiveAt: Millis | null,
  audit: Effect | null = null,
): Promise<ExecutedIntent> {
  const row: StoredOutcome = {
    ...pendingRow(request, intent),
    effective_at: effectiveAt,
    status: OutcomeStatus.rejected,
    code: error.code,
    message: error.message,
    details: isDomainError(error) && Object.keys(error.details).length > 0 ? error.details : null,
  };
  const inserted = await insertOutcome(tx, row, { ifAbsent: true });
  if (!inserted) {
    const first = await findOutcome(tx, request.raw.id);
    if (first !== undefined) return replay(first, request.actor);
  }
  if (audit !== null) await applyEffects(tx, [audit]);
  return { outcome: toOutcome(row), effects: [], replayed: false };
}

function pendingRow(request: IntentRequest, intent: Intent | null): StoredOutcome {
  const { raw, timing } = request;
  const occurred = typeof raw['occurred_at'] === 'string' ? storableTime(Date.parse(raw['occurred_at'])) : null;
  return {
    id: raw.id,
    user_id: request.actor.user_id,
    device_id: request.deviceId,
    kind: intent?.kind ?? (typeof raw['kind'] === 'string' ? raw['kind'].replaceAll('\u0000', '').slice(0, 64) : 'unknown'),
    args: intent?.args ?? null,
    occurred_at: occurred,
    sent_at: timing.sentAt,
    received_at: timing.receivedAt,
    effective_at: null,
    time_source: null,
    status: OutcomeStatus.rejected,
    code: 'INTERNAL',
    message: 'pending',
    details: null,
  };
}

/** A stored outcome answered again (invariants 2 and 7). */
function replay(stored: FoundOutcome, actor: Actor): ExecutedIntent {
  if (stored.user_id === actor.user_id) return { outcome: stored.outcome, effects: [], replayed: true };
  const outcome: Outcome = {
    id: stored.outcome.id,
    status: OutcomeStatus.rejected,
    code: 'CONFLICT_EXISTS',
    message: 'This intent id was already used by another user; give the intent a new id.',
  };
  return { outcome, effects: [], replayed: true };
}

/** The earliest and latest instants Postgres timestamptz and ISO-8601 (4-digit years) share. */
const MIN_STORABLE: Millis = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_STORABLE: Millis = Date.parse('9999-12-31T23:59:59.999Z');

/** The time if Postgres can store it (years 1–9999), else null. */
export function storableTime(ms: Millis): Millis | null {
  return Number.isFinite(ms) && ms >= MIN_STORABLE && ms <= MAX_STORABLE ? ms : null;
}

/** Whether any string (or key) in a JSON value holds NUL, which Postgres text and jsonb refuse. */
export function containsUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return !isStorableText(value);
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => containsUnstorableText(item, depth + 1));
  return Object.entries(value).some(([key, item]) => !isStorableText(key) || containsUnstorableText(item, depth + 1));
}

/** Audit rows a rule writes do not know the device; the executor does. */
function withDevice(effect: Effect, deviceId: string): Effect {
  return effect.table === 'audit_log' && effect.row.device_id === null ? put('audit_log', { ...effect.row, device_id: deviceId }) : effect;
}

function runIdOf(intent: Intent): string | undefined {
  return 'session_id' in intent.args ? intent.args.session_id : undefined;
}

function adjustmentMessage(clampedBy: string | null): string {
  switch (clampedBy) {
    case 'previous_event':
      return 'The recorded time was moved to just after the previous change to the same item.';
    case 'server_now':
      return 'The recorded time was in the future and was set to the server time.';
    case 'look_back':
      return 'The recorded time was older than the look-back window and was moved forward to its start.';
    default:
      return "The device clock was off; the time was corrected to the server's clock.";
  }
}

