/**
 * Every entity as the plain row it is stored as: snake_case names as in
 * Postgres and the Zero schema, timestamps as epoch milliseconds (UTC).
 * Rules read rows and return row changes (effects), so the same rule runs on
 * the server (SQL), in the client's local view (memory) and in Zero.
 *
 * Zod first: each row is a zod object schema (`TaskRowSchema`, …) and its
 * type is `Readonly<z.infer<…>>`, so the type and the runtime check cannot
 * drift apart. The schemas are plain `z.object`s (not `.readonly()`), so
 * callers can still `.pick()` / `.extend()` them for route bodies; parsing
 * strips unknown keys, so a row read with extra columns still parses.
 */
import { z } from 'zod';

export const Role = { worker: 'worker', supervisor: 'supervisor', admin: 'admin' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = Object.values(Role);

export const TaskStatus = {
  backlog: 'backlog',
  todo: 'todo',
  inProgress: 'in-progress',
  onHold: 'on-hold',
  done: 'done',
  skipped: 'skipped',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];
export const TASK_STATUSES: readonly TaskStatus[] = Object.values(TaskStatus);

/** Numeric statuses 1–4, used by checklist items and the numeric task view. */
export const ChecklistStatus = { planned: 1, inProgress: 2, done: 3, skipped: 4 } as const;
export type ChecklistStatus = (typeof ChecklistStatus)[keyof typeof ChecklistStatus];
export const CHECKLIST_STATUSES: readonly ChecklistStatus[] = Object.values(ChecklistStatus);

/** Why a work session ended. */
export const EndReason = {
  pause: 'pause',
  statusChange: 'status_change',
  complete: 'complete',
  release: 'release',
  staleTimeout: 'stale_timeout',
  /** A closed session synthesised from a legacy accumulated total (the migration of legacy now-working time), so I4 holds for migrated time. */
  migrated: 'migrated',
} as const;
export type EndReason = (typeof EndReason)[keyof typeof EndReason];
export const END_REASONS: readonly EndReason[] = Object.values(EndReason);

export const SopStatus = { draft: 'draft', confirmed: 'confirmed' } as const;
export type SopStatus = (typeof SopStatus)[keyof typeof SopStatus];

export const RunStatus = { inProgress: 'in_progress', paused: 'paused', completed: 'completed' } as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];
export const RUN_STATUSES: readonly RunStatus[] = Object.values(RunStatus);

export const CheckResult = { passed: 'passed', failed: 'failed' } as const;
export type CheckResult = (typeof CheckResult)[keyof typeof CheckResult];

export const BookingStatus = {
  scheduled: 'SCHEDULED',
  ongoing: 'ONGOING',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
} as const;
export type BookingStatus = (typeof BookingStatus)[keyof typeof BookingStatus];
export const BOOKING_STATUSES: readonly BookingStatus[] = Object.values(BookingStatus);

export const AuditSource = { online: 'online', offline: 'offline', scheduler: 'scheduler', cron: 'cron' } as const;
export type AuditSource = (typeof AuditSource)[keyof typeof AuditSource];

/** Epoch milliseconds, UTC. Whole numbers: storage never rounds, but nothing finer than a millisecond exists. */
export const MillisSchema = z.int();
/** A duration in milliseconds; never negative (I5). */
const durationMs = z.int().nonnegative();
const id = z.string().min(1);

export const UserRowSchema = z.object({
  id,
  name: z.string(),
  role: z.enum(Role),
  created_at: MillisSchema,
});
export type UserRow = Readonly<z.infer<typeof UserRowSchema>>;

export const TaskRowSchema = z.object({
  id,
  title: z.string(),
  status: z.enum(TaskStatus),
  claimed_by: id.nullable(),
  /** Pick-up time: set when the task is claimed or picked up (`task_assigned_date` on the task status wire). */
  assigned_at: MillisSchema.nullable(),
  /** Sum of closed session durations on this task (I4). */
  time_spent_ms: durationMs,
  created_at: MillisSchema,
  updated_at: MillisSchema,
});
export type TaskRow = Readonly<z.infer<typeof TaskRowSchema>>;

export const ChecklistItemRowSchema = z.object({
  id,
  task_id: id,
  title: z.string(),
  status: z.enum(ChecklistStatus),
  position: z.number(),
  deleted_at: MillisSchema.nullable(),
  created_at: MillisSchema,
  updated_at: MillisSchema,
});
export type ChecklistItemRow = Readonly<z.infer<typeof ChecklistItemRowSchema>>;

/** A time interval on a task; the source of truth for time (I4). Open while ended_at is null. */
export const WorkSessionRowSchema = z.object({
  id,
  task_id: id,
  user_id: id,
  started_at: MillisSchema,
  last_heartbeat_at: MillisSchema,
  ended_at: MillisSchema.nullable(),
  ended_reason: z.enum(EndReason).nullable(),
  /** The worker's IANA zone, so reports can split by local day. */
  zone: z.string(),
  /** True when the session was opened by an intent recorded offline. */
  offline: z.boolean(),
  created_at: MillisSchema,
  /**
   * When the authority recorded the close (for a stale close, the sweep's
   * time; ended_at is the last evidence). A task changed after it was changed
   * by something else since (DESIGN §3.1). Null while open.
   */
  closed_at: MillisSchema.nullable(),
  /** The owner claimed back time after a stale close (`work.extend`); reports show it. */
  extended_by_owner: z.boolean(),
});
export type WorkSessionRow = Readonly<z.infer<typeof WorkSessionRowSchema>>;

/** Accumulated time per (user, task): the sum of that user's closed sessions on the task (I4). */
export const UserTaskTotalRowSchema = z.object({
  user_id: id,
  task_id: id,
  accumulated_ms: durationMs,
  updated_at: MillisSchema,
});
export type UserTaskTotalRow = Readonly<z.infer<typeof UserTaskTotalRowSchema>>;

// Nested values are `.readonly()` so the inferred types keep readonly fields
// and readonly arrays all the way down, as rows are never mutated in place.
export const SopStepSchema = z.object({
  id,
  title: z.string(),
  requires_check: z.boolean(),
});
export type SopStep = Readonly<z.infer<typeof SopStepSchema>>;

export const SopTaskSchema = z.object({
  id,
  title: z.string(),
  steps: z.array(SopStepSchema.readonly()).readonly(),
});
export type SopTask = Readonly<z.infer<typeof SopTaskSchema>>;

/** One immutable version of an SOP's content once confirmed; runs pin (sop_id, version). */
export const SopVersionRowSchema = z.object({
  sop_id: id,
  version: z.int(),
  title: z.string(),
  status: z.enum(SopStatus),
  tasks: z.array(SopTaskSchema.readonly()).readonly(),
  created_at: MillisSchema,
  confirmed_at: MillisSchema.nullable(),
});
export type SopVersionRow = Readonly<z.infer<typeof SopVersionRowSchema>>;

export const SopRowSchema = z.object({
  id,
  title: z.string(),
  /** The newest version (draft or confirmed). */
  latest_version: z.int(),
  created_by: id,
  deleted_at: MillisSchema.nullable(),
  created_at: MillisSchema,
  updated_at: MillisSchema,
});
export type SopRow = Readonly<z.infer<typeof SopRowSchema>>;

/** A procedure run: one pass of one worker through one SOP version (a "work session" on the SOP wire). */
export const ProcedureRunRowSchema = z.object({
  id,
  sop_id: id,
  sop_version: z.int(),
  worker_id: id,
  status: z.enum(RunStatus),
  current_step_id: id.nullable(),
  started_at: MillisSchema,
  paused_at: MillisSchema.nullable(),
  completed_at: MillisSchema.nullable(),
  locked: z.boolean(),
  locked_by: id.nullable(),
  locked_at: MillisSchema.nullable(),
  updated_at: MillisSchema,
});
export type ProcedureRunRow = Readonly<z.infer<typeof ProcedureRunRowSchema>>;

export const SafetyCheckRowSchema = z.object({
  id,
  run_id: id,
  step_id: id,
  result: z.enum(CheckResult),
  notes: z.string().nullable(),
  checked_by: id,
  checked_at: MillisSchema,
});
export type SafetyCheckRow = Readonly<z.infer<typeof SafetyCheckRowSchema>>;

/** A scheduled mentor/student slot (a "session" on the booking wire). */
export const BookingRowSchema = z.object({
  id,
  mentor_id: id,
  student_id: id,
  start_time: MillisSchema,
  end_time: MillisSchema,
  status: z.enum(BookingStatus),
  is_delayed: z.boolean(),
  started_at: MillisSchema.nullable(),
  completed_at: MillisSchema.nullable(),
  updated_at: MillisSchema,
});
export type BookingRow = Readonly<z.infer<typeof BookingRowSchema>>;

/** Append-only record of a change or a refused change. */
export const AuditRowSchema = z.object({
  id,
  at: MillisSchema,
  actor_id: id.nullable(),
  device_id: id.nullable(),
  source: z.enum(AuditSource),
  entity: z.string(),
  entity_id: id,
  action: z.string(),
  old_value: z.unknown(),
  new_value: z.unknown(),
  reason: z.string().nullable(),
});
export type AuditRow = Readonly<z.infer<typeof AuditRowSchema>>;

/** Every table rules may change, with its key columns. */
export interface Tables {
  tasks: TaskRow;
  checklist_items: ChecklistItemRow;
  work_sessions: WorkSessionRow;
  user_task_totals: UserTaskTotalRow;
  sops: SopRow;
  sop_versions: SopVersionRow;
  procedure_runs: ProcedureRunRow;
  safety_checks: SafetyCheckRow;
  bookings: BookingRow;
  audit_log: AuditRow;
}
export type TableName = keyof Tables;

export const TABLE_KEYS: { readonly [T in TableName]: readonly (keyof Tables[T] & string)[] } = {
  tasks: ['id'],
  checklist_items: ['id'],
  work_sessions: ['id'],
  user_task_totals: ['user_id', 'task_id'],
  sops: ['id'],
  sop_versions: ['sop_id', 'version'],
  procedure_runs: ['id'],
  safety_checks: ['id'],
  bookings: ['id'],
  audit_log: ['id'],
};

/** The schema of every table's row, e.g. to check rows read back from storage or a replica. */
export const ROW_SCHEMAS: { readonly [T in TableName]: z.ZodType<Tables[T]> } = {
  tasks: TaskRowSchema,
  checklist_items: ChecklistItemRowSchema,
  work_sessions: WorkSessionRowSchema,
  user_task_totals: UserTaskTotalRowSchema,
  sops: SopRowSchema,
  sop_versions: SopVersionRowSchema,
  procedure_runs: ProcedureRunRowSchema,
  safety_checks: SafetyCheckRowSchema,
  bookings: BookingRowSchema,
  audit_log: AuditRowSchema,
};
