/**
 * Every entity as the plain row it is stored as: snake_case names as in
 * Postgres and the Zero schema, timestamps as epoch milliseconds (UTC).
 * Rules read rows and return row changes (effects), so the same rule runs on
 * the server (SQL), in the client's local view (memory) and in Zero.
 */
import type { Millis } from './time.ts';

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

/** Seed 004's numeric statuses, used by checklist items and the numeric task view. */
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
} as const;
export type EndReason = (typeof EndReason)[keyof typeof EndReason];
export const END_REASONS: readonly EndReason[] = Object.values(EndReason);

export interface UserRow {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly created_at: Millis;
}

export interface TaskRow {
  readonly id: string;
  readonly title: string;
  readonly status: TaskStatus;
  readonly claimed_by: string | null;
  /** Pick-up time: set when the task is claimed or picked up (seed 000's task_assigned_date). */
  readonly assigned_at: Millis | null;
  /** Sum of closed session durations on this task (I4). */
  readonly time_spent_ms: number;
  readonly created_at: Millis;
  readonly updated_at: Millis;
}

export interface ChecklistItemRow {
  readonly id: string;
  readonly task_id: string;
  readonly title: string;
  readonly status: ChecklistStatus;
  readonly position: number;
  readonly deleted_at: Millis | null;
  readonly created_at: Millis;
  readonly updated_at: Millis;
}

/** A time interval on a task; the source of truth for time (I4). Open while ended_at is null. */
export interface WorkSessionRow {
  readonly id: string;
  readonly task_id: string;
  readonly user_id: string;
  readonly started_at: Millis;
  readonly last_heartbeat_at: Millis;
  readonly ended_at: Millis | null;
  readonly ended_reason: EndReason | null;
  /** The worker's IANA zone, so reports can split by local day. */
  readonly zone: string;
  /** True when the session was opened by an intent recorded offline. */
  readonly offline: boolean;
  readonly created_at: Millis;
}

/** Accumulated time per (user, task): the sum of that user's closed sessions on the task (I4). */
export interface UserTaskTotalRow {
  readonly user_id: string;
  readonly task_id: string;
  readonly accumulated_ms: number;
  readonly updated_at: Millis;
}

export const SopStatus = { draft: 'draft', confirmed: 'confirmed' } as const;
export type SopStatus = (typeof SopStatus)[keyof typeof SopStatus];

export interface SopStep {
  readonly id: string;
  readonly title: string;
  readonly requires_check: boolean;
}

export interface SopTask {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly SopStep[];
}

/** One immutable version of an SOP's content once confirmed; runs pin (sop_id, version). */
export interface SopVersionRow {
  readonly sop_id: string;
  readonly version: number;
  readonly title: string;
  readonly status: SopStatus;
  readonly tasks: readonly SopTask[];
  readonly created_at: Millis;
  readonly confirmed_at: Millis | null;
}

export interface SopRow {
  readonly id: string;
  readonly title: string;
  /** The newest version (draft or confirmed). */
  readonly latest_version: number;
  readonly created_by: string;
  readonly deleted_at: Millis | null;
  readonly created_at: Millis;
  readonly updated_at: Millis;
}

export const RunStatus = { inProgress: 'in_progress', paused: 'paused', completed: 'completed' } as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];
export const RUN_STATUSES: readonly RunStatus[] = Object.values(RunStatus);

/** Seed 001's "work session": a run of one SOP version by one worker. */
export interface ProcedureRunRow {
  readonly id: string;
  readonly sop_id: string;
  readonly sop_version: number;
  readonly worker_id: string;
  readonly status: RunStatus;
  readonly current_step_id: string | null;
  readonly started_at: Millis;
  readonly paused_at: Millis | null;
  readonly completed_at: Millis | null;
  readonly locked: boolean;
  readonly locked_by: string | null;
  readonly locked_at: Millis | null;
  readonly updated_at: Millis;
}

export const CheckResult = { passed: 'passed', failed: 'failed' } as const;
export type CheckResult = (typeof CheckResult)[keyof typeof CheckResult];

export interface SafetyCheckRow {
  readonly id: string;
  readonly run_id: string;
  readonly step_id: string;
  readonly result: CheckResult;
  readonly notes: string | null;
  readonly checked_by: string;
  readonly checked_at: Millis;
}

export const BookingStatus = {
  scheduled: 'SCHEDULED',
  ongoing: 'ONGOING',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
} as const;
export type BookingStatus = (typeof BookingStatus)[keyof typeof BookingStatus];
export const BOOKING_STATUSES: readonly BookingStatus[] = Object.values(BookingStatus);

/** Seed 002's scheduled session. */
export interface BookingRow {
  readonly id: string;
  readonly mentor_id: string;
  readonly student_id: string;
  readonly start_time: Millis;
  readonly end_time: Millis;
  readonly status: BookingStatus;
  readonly is_delayed: boolean;
  readonly started_at: Millis | null;
  readonly completed_at: Millis | null;
  readonly updated_at: Millis;
}

export const AuditSource = { online: 'online', offline: 'offline', scheduler: 'scheduler', cron: 'cron' } as const;
export type AuditSource = (typeof AuditSource)[keyof typeof AuditSource];

/** Append-only record of a change or a refused change. */
export interface AuditRow {
  readonly id: string;
  readonly at: Millis;
  readonly actor_id: string | null;
  readonly device_id: string | null;
  readonly source: AuditSource;
  readonly entity: string;
  readonly entity_id: string;
  readonly action: string;
  readonly old_value: unknown;
  readonly new_value: unknown;
  readonly reason: string | null;
}

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
