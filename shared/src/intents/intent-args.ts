/**
 * Every intent kind a device may journal, and the zod schema of its args.
 * The API's list (API.md "Sync push") plus what a worker needs offline:
 * creating a task, editing its checklist and starting a procedure run.
 *
 * Invariants:
 * 1. Every kind has exactly one args schema (`INTENT_ARGS` is total over
 *    `IntentKind`, checked by the compiler).
 * 2. Args are strict: an unknown key is an error, never silently dropped, so a
 *    client and the server cannot disagree about what an intent meant.
 * 3. Every string is bounded, so one intent cannot be arbitrarily large.
 */
import { z } from 'zod';
import { CheckResult, ChecklistStatus, TaskStatus } from '../rows.ts';

export const IntentKind = {
  taskCreate: 'task.create',
  taskSetStatus: 'task.set_status',
  taskClaim: 'task.claim',
  taskRelease: 'task.release',
  taskComplete: 'task.complete',
  workStart: 'work.start',
  workPause: 'work.pause',
  workHeartbeat: 'work.heartbeat',
  checklistAdd: 'checklist.add',
  checklistSetStatus: 'checklist.set_status',
  checklistRename: 'checklist.rename',
  checklistDelete: 'checklist.delete',
  runStart: 'run.start',
  runCheck: 'run.check',
  runPause: 'run.pause',
  runResume: 'run.resume',
  runComplete: 'run.complete',
  bookingStart: 'booking.start',
  bookingComplete: 'booking.complete',
} as const;
export type IntentKind = (typeof IntentKind)[keyof typeof IntentKind];
export const INTENT_KINDS: readonly IntentKind[] = Object.values(IntentKind);

export const MAX_ID_LENGTH = 128;
export const MAX_TITLE_LENGTH = 500;
export const MAX_NOTES_LENGTH = 4_000;
export const MAX_REASON_LENGTH = 1_000;

/** A client-made id (UUID, ULID, …): non-empty, bounded. */
export const IdSchema = z.string().min(1).max(MAX_ID_LENGTH);
/** A title as people type it: trimmed, non-empty, bounded. */
export const TitleSchema = z.string().trim().min(1).max(MAX_TITLE_LENGTH);

const taskRef = { task_id: IdSchema };
const itemRef = { checklist_item_id: IdSchema };
/** Seed 001 calls a procedure run a "session"; the API keeps its name. */
const runRef = { session_id: IdSchema };
/** A supervisor's reason to change a locked run or another worker's run (DESIGN I7). */
const override = { override_reason: z.string().trim().min(1).max(MAX_REASON_LENGTH).optional() };
const bookingRef = { booking_id: IdSchema };

export const TaskCreateArgsSchema = z.strictObject({ ...taskRef, title: TitleSchema, status: z.enum(TaskStatus).optional() });
export const TaskSetStatusArgsSchema = z.strictObject({ ...taskRef, status: z.enum(TaskStatus) });
export const TaskRefArgsSchema = z.strictObject(taskRef);

export const ChecklistAddArgsSchema = z.strictObject({
  ...itemRef,
  ...taskRef,
  title: TitleSchema,
  status: z.enum(ChecklistStatus).optional(),
});
export const ChecklistSetStatusArgsSchema = z.strictObject({ ...itemRef, status: z.enum(ChecklistStatus) });
export const ChecklistRenameArgsSchema = z.strictObject({ ...itemRef, title: TitleSchema });
export const ChecklistRefArgsSchema = z.strictObject(itemRef);

export const RunStartArgsSchema = z.strictObject({ ...runRef, sop_id: IdSchema });
export const RunCheckArgsSchema = z.strictObject({
  ...runRef,
  step_id: IdSchema,
  result: z.enum(CheckResult),
  notes: z.string().max(MAX_NOTES_LENGTH).optional(),
  ...override,
});
export const RunRefArgsSchema = z.strictObject({ ...runRef, ...override });

export const BookingRefArgsSchema = z.strictObject(bookingRef);

/** The args schema of each kind. */
export const INTENT_ARGS = {
  'task.create': TaskCreateArgsSchema,
  'task.set_status': TaskSetStatusArgsSchema,
  'task.claim': TaskRefArgsSchema,
  'task.release': TaskRefArgsSchema,
  'task.complete': TaskRefArgsSchema,
  'work.start': TaskRefArgsSchema,
  'work.pause': TaskRefArgsSchema,
  'work.heartbeat': TaskRefArgsSchema,
  'checklist.add': ChecklistAddArgsSchema,
  'checklist.set_status': ChecklistSetStatusArgsSchema,
  'checklist.rename': ChecklistRenameArgsSchema,
  'checklist.delete': ChecklistRefArgsSchema,
  'run.start': RunStartArgsSchema,
  'run.check': RunCheckArgsSchema,
  'run.pause': RunRefArgsSchema,
  'run.resume': RunRefArgsSchema,
  'run.complete': RunRefArgsSchema,
  'booking.start': BookingRefArgsSchema,
  'booking.complete': BookingRefArgsSchema,
} as const satisfies { readonly [K in IntentKind]: z.ZodType };

/** The parsed args of one kind, e.g. `IntentArgs<'run.check'>`. */
export type IntentArgs<K extends IntentKind> = z.infer<(typeof INTENT_ARGS)[K]>;
