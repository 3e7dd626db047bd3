/**
 * The rejection inbox (I9: a rejection reaches the person who made it, with
 * a reason): every rejected intent not yet dismissed, with the server's code
 * and message and a hint of what to do about it.
 *
 * Invariants:
 *  1. Every error code has a hint (the record is total over ErrorCode); a
 *     code a newer server sends that this version does not know gets a
 *     generic one, and the server's message is shown as for any other.
 *  2. Items are in journal order; an item names the earlier rejected intent
 *     on the same aggregate it probably followed from (`follows`), so a UI
 *     can fold "start" under the refused "claim" that it needed.
 *  3. Heartbeats are never items: the app made them, not the person (a
 *     refused one is settled when its outcome is stored; journal.ts).
 */
import { isKnownErrorCode, sharesAggregate } from '@stint/shared';
import type { ErrorCode, IntentKind, Millis, RejectionCode } from '@stint/shared';
import { isHeartbeat } from './journal.ts';
import type { JournalRow } from './journal.ts';
import { intentOf } from './replay.ts';

export interface InboxItem {
  readonly id: string;
  readonly kind: IntentKind;
  readonly args: unknown;
  /** The device's clock when the person acted. */
  readonly occurredAt: Millis;
  readonly code: RejectionCode;
  /** The server's reason. */
  readonly message: string;
  /** What the person can do about it. */
  readonly hint: string;
  readonly details: Readonly<Record<string, unknown>> | null;
  /** Id of an earlier rejected intent in the inbox on the same task/item/run, if any. */
  readonly follows: string | null;
}

export const REJECTION_HINTS: { readonly [C in ErrorCode]: string } = {
  INVALID_INPUT: 'The app sent something the server could not accept. Update the app; if it keeps happening, report it.',
  INVALID_INTENT: 'The app sent something the server could not read. Update the app; if it keeps happening, report it.',
  UNAUTHENTICATED: 'You were signed out. Sign in again; changes made since then were kept and will be sent.',
  FORBIDDEN: 'Your role does not allow this. Ask a supervisor to make the change.',
  NOT_FOUND: 'It no longer exists: it was removed, or was never created on the server. Nothing to redo.',
  CONFLICT_CLAIMED: 'Someone else has this task. Ask your supervisor to reassign it, or pick another task.',
  CONFLICT_INVALID_STATE: 'It changed while you were offline. Look at its current state and redo the step if it is still needed.',
  CONFLICT_EXISTS: 'Something with the same id already exists. Look for it before creating it again.',
  STATUS_DERIVED: "This task's status follows its checklist: update the checklist items instead.",
  ACTIVE_SESSION_EXISTS: 'You already have a procedure run in progress. Finish or pause it before starting another.',
  SESSION_LOCKED: 'This run was approved and is locked. Ask a supervisor to make the change with a reason.',
  SOP_HAS_ACTIVE_SESSIONS: 'Runs of this procedure are still active. Finish them before deleting it.',
  SOP_NOT_CONFIRMED: 'This procedure has no confirmed version yet. Ask a supervisor to confirm it.',
  STEP_NOT_CURRENT: 'The run moved on from this step. Open the run to see its current step.',
  DEPENDENCY_REJECTED: 'An earlier change this one relied on was refused. Resolve that one first.',
  NOT_CONFIGURED: 'The server is not set up for this. Tell your administrator.',
  INTERNAL: 'The server failed on this change. Try it again later; if it keeps happening, report it.',
};

/** For a code a newer server sent that this version does not know (invariant 1). */
export const UNKNOWN_REJECTION_HINT = 'The server refused this for a reason this version of the app does not know yet. Read its message; updating the app may help.';

export function hintFor(code: RejectionCode): string {
  return isKnownErrorCode(code) ? REJECTION_HINTS[code] : UNKNOWN_REJECTION_HINT;
}

/** The inbox items among open journal rows (sorted by seq). */
export function inboxItems(rows: readonly JournalRow[]): InboxItem[] {
  const items: InboxItem[] = [];
  const earlier: JournalRow[] = [];
  for (const row of rows) {
    if (row.status !== 'rejected' || row.dismissed_at !== null || isHeartbeat(row)) continue;
    const code = row.code ?? 'INTERNAL';
    const intent = intentOf(row);
    const cause = earlier.findLast((other) => sharesAggregate(intentOf(other), intent));
    items.push({
      id: row.id,
      kind: row.kind,
      args: row.args,
      occurredAt: row.occurred_at,
      code,
      message: row.message ?? '',
      hint: hintFor(code),
      details: row.details,
      follows: cause?.id ?? null,
    });
    earlier.push(row);
  }
  return items;
}

/** `previous` itself when it lists the same items with the same `follows`. */
export function sameInbox(previous: readonly InboxItem[] | undefined, next: readonly InboxItem[]): readonly InboxItem[] {
  if (previous === undefined || previous.length !== next.length) return next;
  return previous.every((item, i) => item.id === next[i]?.id && item.follows === next[i]?.follows) ? previous : next;
}
