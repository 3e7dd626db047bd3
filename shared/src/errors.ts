/**
 * The one closed set of domain error codes. Every refusal anywhere in Stint
 * (HTTP route, sync push outcome, local view) carries one of these codes, and
 * `HTTP_STATUS` below is the one map from a code to an HTTP status.
 */
export const ErrorCode = {
  /** Input failed its schema (400). */
  INVALID_INPUT: 'INVALID_INPUT',
  /** One intent of a sync batch failed its schema (rejected outcome). */
  INVALID_INTENT: 'INVALID_INTENT',
  /** No token, or a token that does not verify (401). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Signed in, but the role or ownership does not allow this (403). */
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  /** The task is claimed by someone else, or not claimed by the caller (409). */
  CONFLICT_CLAIMED: 'CONFLICT_CLAIMED',
  /** The entity's current state does not allow this transition (409). */
  CONFLICT_INVALID_STATE: 'CONFLICT_INVALID_STATE',
  /** A create with a client-supplied id that already exists with other content (409). */
  CONFLICT_EXISTS: 'CONFLICT_EXISTS',
  /** Manual status write on a task whose status is derived from its checklist (400). */
  STATUS_DERIVED: 'STATUS_DERIVED',
  // The next three name runs "sessions", as the SOP wire does; codes are part of the contract.
  /** The worker already has an active procedure run (409). */
  ACTIVE_SESSION_EXISTS: 'ACTIVE_SESSION_EXISTS',
  /** An approved procedure run is locked (409). */
  SESSION_LOCKED: 'SESSION_LOCKED',
  /** An SOP with active runs cannot be deleted (400). */
  SOP_HAS_ACTIVE_SESSIONS: 'SOP_HAS_ACTIVE_SESSIONS',
  /** Runs start only from a confirmed SOP version (409). */
  SOP_NOT_CONFIRMED: 'SOP_NOT_CONFIRMED',
  /** A check names a step that is not the run's current step (409). */
  STEP_NOT_CURRENT: 'STEP_NOT_CURRENT',
  /** An intent depended on an earlier intent of the same device that was rejected (409). */
  DEPENDENCY_REJECTED: 'DEPENDENCY_REJECTED',
  /** Cron route called while no CRON_SECRET is configured (503). */
  NOT_CONFIGURED: 'NOT_CONFIGURED',
  /** Anything unexpected (500); its cause is logged, never sent. */
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

export type ErrorDetails = Readonly<Record<string, unknown>>;

/** A refusal by a rule. Plain data plus a code; safe to send to a client. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function domainError(code: ErrorCode, message: string, details?: ErrorDetails): DomainError {
  // eslint-disable-next-line no-restricted-syntax -- the one place a DomainError is constructed
  return new DomainError(code, message, details);
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** The HTTP status for each code: the single mapping the server uses. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  INVALID_INTENT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT_CLAIMED: 409,
  CONFLICT_INVALID_STATE: 409,
  CONFLICT_EXISTS: 409,
  STATUS_DERIVED: 400,
  ACTIVE_SESSION_EXISTS: 409,
  SESSION_LOCKED: 409,
  SOP_HAS_ACTIVE_SESSIONS: 400,
  SOP_NOT_CONFIRMED: 409,
  STEP_NOT_CURRENT: 409,
  DEPENDENCY_REJECTED: 409,
  NOT_CONFIGURED: 503,
  INTERNAL: 500,
};

/** The message seeds/004-checklist-derived-task-status.md requires, word for word. */
export const STATUS_DERIVED_MESSAGE =
  'Cannot set status for tasks with checklist items. Status is derived from checklist items.';
