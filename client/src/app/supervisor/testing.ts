/** Row builders for the supervisor views' tests: whole rows with plain defaults, JSON-shaped like Zero sends them. */
import type { BookingRow, ProcedureRunRow, SafetyCheckRow, SopVersionRow, TaskRow, UserRow, UserTaskTotalRow, WorkSessionRow } from '@stint/shared';

export const T0 = Date.parse('2025-03-10T08:00:00Z');

export function user(id: string, name: string, role: UserRow['role'] = 'worker'): UserRow {
  return { id, name, role, created_at: T0 };
}

export function task(id: string, title: string, over: Partial<TaskRow> = {}): TaskRow {
  return { id, title, status: 'todo', claimed_by: null, assigned_at: null, time_spent_ms: 0, created_at: T0, updated_at: T0, ...over };
}

export function session(id: string, taskId: string, userId: string, over: Partial<WorkSessionRow> = {}): WorkSessionRow {
  return {
    id,
    task_id: taskId,
    user_id: userId,
    started_at: T0,
    last_heartbeat_at: T0,
    ended_at: null,
    ended_reason: null,
    zone: 'Europe/Madrid',
    offline: false,
    created_at: T0,
    closed_at: over.ended_at ?? null,
    extended_by_owner: false,
    ...over,
  };
}

export function total(userId: string, taskId: string, ms: number): UserTaskTotalRow {
  return { user_id: userId, task_id: taskId, accumulated_ms: ms, updated_at: T0 };
}

export function version(sopId: string, title: string, steps: readonly { id: string; title: string }[]): SopVersionRow {
  return {
    sop_id: sopId,
    version: 1,
    title,
    status: 'confirmed',
    tasks: [{ id: `${sopId}-t1`, title: 'Main', steps: steps.map((s) => ({ ...s, requires_check: true })) }],
    created_at: T0,
    confirmed_at: T0,
  };
}

export function run(id: string, sopId: string, workerId: string, over: Partial<ProcedureRunRow> = {}): ProcedureRunRow {
  return {
    id,
    sop_id: sopId,
    sop_version: 1,
    worker_id: workerId,
    status: 'completed',
    current_step_id: null,
    started_at: T0,
    paused_at: null,
    completed_at: T0 + 600_000,
    locked: false,
    locked_by: null,
    locked_at: null,
    updated_at: T0 + 600_000,
    ...over,
  };
}

export function check(id: string, runId: string, stepId: string, over: Partial<SafetyCheckRow> = {}): SafetyCheckRow {
  return { id, run_id: runId, step_id: stepId, result: 'passed', notes: null, checked_by: 'w1', checked_at: T0 + 60_000, ...over };
}

export function booking(id: string, mentorId: string, studentId: string, over: Partial<BookingRow> = {}): BookingRow {
  return {
    id,
    mentor_id: mentorId,
    student_id: studentId,
    start_time: T0 + 3_600_000,
    end_time: T0 + 7_200_000,
    status: 'SCHEDULED',
    is_delayed: false,
    started_at: null,
    completed_at: null,
    updated_at: T0,
    ...over,
  };
}
