/**
 * One valid row per table, all linked to each other (a worker's task with a
 * checklist item, a closed session and its total; an SOP version with a
 * run and a check; a booking; an audit entry), for tests that need real
 * rows in real tables. Times are fixed; override fields with spreads.
 */
import type { Tables, UserRow } from '@stint/shared';

const T0 = Date.UTC(2026, 0, 16, 12, 0, 0);
const MIN = 60_000;

export const SAMPLE_USERS: readonly UserRow[] = [
  { id: 'u-worker', name: 'Wanda Worker', role: 'worker', created_at: T0 },
  { id: 'u-super', name: 'Sam Supervisor', role: 'supervisor', created_at: T0 },
  { id: 'u-student', name: 'Stu Student', role: 'worker', created_at: T0 },
];

export const SAMPLE_ROWS: { readonly [T in keyof Tables]: Tables[T] } = {
  tasks: {
    id: 't-1',
    title: 'Inspect pump 7',
    status: 'on-hold',
    claimed_by: 'u-worker',
    assigned_at: T0,
    time_spent_ms: 25 * MIN + 1,
    created_at: T0 - MIN,
    updated_at: T0 + 30 * MIN,
  },
  checklist_items: {
    id: 'ci-1',
    task_id: 't-1',
    title: 'Check seals',
    status: 2,
    position: 1.5,
    deleted_at: null,
    created_at: T0,
    updated_at: T0 + 1,
  },
  work_sessions: {
    id: 'ws-1',
    task_id: 't-1',
    user_id: 'u-worker',
    started_at: T0 + 1,
    last_heartbeat_at: T0 + 20 * MIN,
    ended_at: T0 + 25 * MIN + 2,
    ended_reason: 'pause',
    zone: 'Europe/Madrid',
    offline: true,
    created_at: T0 + 1,
    closed_at: T0 + 25 * MIN + 2,
    extended_by_owner: true,
  },
  user_task_totals: { user_id: 'u-worker', task_id: 't-1', accumulated_ms: 25 * MIN + 1, updated_at: T0 + 25 * MIN + 2 },
  sops: {
    id: 'sop-1',
    title: 'Lockout / tagout',
    latest_version: 1,
    created_by: 'u-super',
    deleted_at: null,
    created_at: T0,
    updated_at: T0,
  },
  sop_versions: {
    sop_id: 'sop-1',
    version: 1,
    title: 'Lockout / tagout',
    status: 'confirmed',
    tasks: [
      {
        id: 'st-1',
        title: 'Isolate',
        steps: [
          { id: 'step-1', title: 'Switch off the breaker', requires_check: true },
          { id: 'step-2', title: 'Attach the tag "DO NOT OPERATE"', requires_check: false },
        ],
      },
    ],
    created_at: T0,
    confirmed_at: T0 + MIN,
  },
  procedure_runs: {
    id: 'run-1',
    sop_id: 'sop-1',
    sop_version: 1,
    worker_id: 'u-worker',
    status: 'in_progress',
    current_step_id: 'step-2',
    started_at: T0 + 2 * MIN,
    paused_at: null,
    completed_at: null,
    locked: false,
    locked_by: null,
    locked_at: null,
    updated_at: T0 + 3 * MIN,
  },
  safety_checks: {
    id: 'chk-1',
    run_id: 'run-1',
    step_id: 'step-1',
    result: 'passed',
    notes: 'Breaker off, verified with a tester',
    checked_by: 'u-worker',
    checked_at: T0 + 3 * MIN,
  },
  bookings: {
    id: 'b-1',
    mentor_id: 'u-super',
    student_id: 'u-student',
    start_time: T0 + 60 * MIN,
    end_time: T0 + 120 * MIN,
    status: 'SCHEDULED',
    is_delayed: false,
    started_at: null,
    completed_at: null,
    updated_at: T0,
  },
  audit_log: {
    id: 'a-1',
    at: T0 + 4 * MIN,
    actor_id: 'u-super',
    device_id: 'dev-1',
    source: 'online',
    entity: 'procedure_run',
    entity_id: 'run-1',
    action: 'approve',
    old_value: { locked: false, nested: [1, 'two', null] },
    new_value: { locked: true },
    reason: null,
  },
};
