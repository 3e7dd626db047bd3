/**
 * Every intent kind a device may journal, and the zod schema of its args.
 * The API's list (API.md "Sync push") plus what a worker needs offline:
 * creating a task, editing its checklist and starting a procedure run, plus
 * the supervisor's changes (SOPs, approvals, bookings), so every change in
 * Stint, REST or offline, goes through one path and one log.
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
  taskRename: 'task.rename',
  workStart: 'work.start',
  workPause: 'work.pause',
  workHeartbeat: 'work.heartbeat',
  workExtend: 'work.extend',
  checklistAdd: 'checklist.add',
  checklistSetStatus: 'checklist.set_status',
  checklistRename: 'checklist.rename',
  checklistDelete: 'checklist.delete',
  runStart: 'run.start',
  runCheck: 'run.check',
  runPause: 'run.pause',
  runResume: 'run.resume',
  runComplete: 'run.complete',
  runApprove: 'run.approve',
  sopCreate: 'sop.create',
  sopEdit: 'sop.edit',
  sopConfirm: 'sop.confirm',
  sopDelete: 'sop.delete',
  bookingCreate: 'booking.create',
  bookingCancel: 'booking.cancel',
  bookingStart: 'booking.start',
  bookingComplete: 'booking.complete',
} as const;
export type IntentKind = (typeof IntentKind)[keyof typeof IntentKind];
export const INTENT_KINDS: readonly IntentKind[] = Object.values(IntentKind);

export const MAX_ID_LENGTH = 128;
export const MAX_TITLE_LENGTH = 500;
export const MAX_NOTES_LENGTH = 4_000;
export const MAX_REASON_LENGTH = 1_000;

/** An ISO-8601 timestamp from a device: `Z` or a numeric offset, never a bare local time. */
export const DeviceTimeSchema = z.iso.datetime({ offset: true }).max(64);

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

/**
 * `alive_since`: the device's time when its unbroken run of beats on this
 * task began (no gap longer than the stale cutoff), so one journal row
 * stands for hours of beats (DESIGN §3.1). Not after the intent's occurred_at.
 */
export const WorkHeartbeatArgsSchema = z.strictObject({ ...taskRef, alive_since: DeviceTimeSchema.optional() });
/** The owner claims back time after a stale close: `until` in the device's time, like occurred_at. */
export const WorkExtendArgsSchema = z.strictObject({ session_id: IdSchema, until: DeviceTimeSchema });

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

export const TaskRenameArgsSchema = z.strictObject({ ...taskRef, title: TitleSchema });
export const RunApproveArgsSchema = z.strictObject({ ...runRef, reason: z.string().trim().min(1).max(MAX_REASON_LENGTH).optional() });

export const MAX_SOP_TASKS = 100;
export const MAX_SOP_STEPS = 200;
const SopStepInputSchema = z.strictObject({ id: IdSchema.optional(), title: TitleSchema, requires_check: z.boolean().optional() });
const SopTaskInputSchema = z.strictObject({ id: IdSchema.optional(), title: TitleSchema, steps: z.array(SopStepInputSchema).max(MAX_SOP_STEPS) });
const sopRef = { sop_id: IdSchema };
export const SopCreateArgsSchema = z.strictObject({ ...sopRef, title: TitleSchema, tasks: z.array(SopTaskInputSchema).max(MAX_SOP_TASKS) });
export const SopEditArgsSchema = z.strictObject({ ...sopRef, title: TitleSchema.optional(), tasks: z.array(SopTaskInputSchema).max(MAX_SOP_TASKS).optional() });
export const SopRefArgsSchema = z.strictObject(sopRef);

/** Booking times are ISO-8601 UTC on the wire, like every timestamp. */
export const BookingCreateArgsSchema = z.strictObject({
  ...bookingRef,
  mentor_id: IdSchema,
  student_id: IdSchema,
  start_time: z.iso.datetime({ offset: true }),
  end_time: z.iso.datetime({ offset: true }),
});

/** The args schema of each kind. */
export const INTENT_ARGS = {
  'task.create': TaskCreateArgsSchema,
  'task.set_status': TaskSetStatusArgsSchema,
  'task.claim': TaskRefArgsSchema,
  'task.release': TaskRefArgsSchema,
  'task.complete': TaskRefArgsSchema,
  'task.rename': TaskRenameArgsSchema,
  'work.start': TaskRefArgsSchema,
  'work.pause': TaskRefArgsSchema,
  'work.heartbeat': WorkHeartbeatArgsSchema,
  'work.extend': WorkExtendArgsSchema,
  'checklist.add': ChecklistAddArgsSchema,
  'checklist.set_status': ChecklistSetStatusArgsSchema,
  'checklist.rename': ChecklistRenameArgsSchema,
  'checklist.delete': ChecklistRefArgsSchema,
  'run.start': RunStartArgsSchema,
  'run.check': RunCheckArgsSchema,
  'run.pause': RunRefArgsSchema,
  'run.resume': RunRefArgsSchema,
  'run.complete': RunRefArgsSchema,
  'run.approve': RunApproveArgsSchema,
  'sop.create': SopCreateArgsSchema,
  'sop.edit': SopEditArgsSchema,
  'sop.confirm': SopRefArgsSchema,
  'sop.delete': SopRefArgsSchema,
  'booking.start': BookingRefArgsSchema,
  'booking.complete': BookingRefArgsSchema,
  'booking.create': BookingCreateArgsSchema,
  'booking.cancel': BookingRefArgsSchema,
} as const satisfies { readonly [K in IntentKind]: z.ZodType };

/** The parsed args of one kind, e.g. `IntentArgs<'run.check'>`. */
export type IntentArgs<K extends IntentKind> = z.infer<(typeof INTENT_ARGS)[K]>;
