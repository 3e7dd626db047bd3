/**
 * The Zero schema: the tables the app reads through zero-cache (DESIGN §4,
 * read path), their columns as Zero types and the relationships the synced
 * queries (queries.ts) filter on.
 *
 * Invariants:
 *  1. Every table's row has the SAME shape as its row type in rows.ts (the
 *     type-level test in schema.test.ts proves it): snake_case columns,
 *     timestamps as epoch-ms numbers (Zero maps timestamptz to epoch ms),
 *     jsonb as json, nullable columns as `.optional()` (read as `T | null`).
 *  2. Primary keys equal TABLE_KEYS, so a Zero row and the in-memory State
 *     (state.ts) key rows the same way.
 *  3. audit_log and server_settings are not here: the audit trail is not
 *     synced to devices and secrets never leave the server. zero-cache's
 *     publication lists exactly these tables (ZERO_TABLES).
 *  4. Legacy (non-synced) queries and CRUD mutators stay off: what a user
 *     sees is decided by the synced queries, and writes go through intents.
 */
import { boolean, createSchema, enumeration, json, number, relationships, string, table } from '@rocicorp/zero';
import type { ReadonlyJSONValue, Row } from '@rocicorp/zero';
import type { ErrorCode } from '../errors.ts';
import type { OutcomeStatus } from '../intents/push.ts';
import type {
  BookingStatus,
  CheckResult,
  ChecklistStatus,
  EndReason,
  Role,
  RunStatus,
  SopStatus,
  SopTask,
  TaskStatus,
} from '../rows.ts';
import type { TimeSource } from '../sync/time-correction.ts';

const users = table('users')
  .columns({
    id: string(),
    name: string(),
    role: enumeration<Role>(),
    created_at: number(),
  })
  .primaryKey('id');

const tasks = table('tasks')
  .columns({
    id: string(),
    title: string(),
    status: enumeration<TaskStatus>(),
    claimed_by: string().optional(),
    assigned_at: number().optional(),
    time_spent_ms: number(),
    created_at: number(),
    updated_at: number(),
  })
  .primaryKey('id');

const checklistItems = table('checklist_items')
  .columns({
    id: string(),
    task_id: string(),
    title: string(),
    status: number<ChecklistStatus>(),
    position: number(),
    deleted_at: number().optional(),
    created_at: number(),
    updated_at: number(),
  })
  .primaryKey('id');

const workSessions = table('work_sessions')
  .columns({
    id: string(),
    task_id: string(),
    user_id: string(),
    started_at: number(),
    last_heartbeat_at: number(),
    ended_at: number().optional(),
    ended_reason: enumeration<EndReason>().optional(),
    zone: string(),
    offline: boolean(),
    created_at: number(),
    closed_at: number().optional(),
    extended_by_owner: boolean(),
  })
  .primaryKey('id');

const userTaskTotals = table('user_task_totals')
  .columns({
    user_id: string(),
    task_id: string(),
    accumulated_ms: number(),
    updated_at: number(),
  })
  .primaryKey('user_id', 'task_id');

const sops = table('sops')
  .columns({
    id: string(),
    title: string(),
    latest_version: number(),
    created_by: string(),
    deleted_at: number().optional(),
    created_at: number(),
    updated_at: number(),
  })
  .primaryKey('id');

const sopVersions = table('sop_versions')
  .columns({
    sop_id: string(),
    version: number(),
    title: string(),
    status: enumeration<SopStatus>(),
    tasks: json<readonly SopTask[]>(),
    created_at: number(),
    confirmed_at: number().optional(),
  })
  .primaryKey('sop_id', 'version');

const procedureRuns = table('procedure_runs')
  .columns({
    id: string(),
    sop_id: string(),
    sop_version: number(),
    worker_id: string(),
    status: enumeration<RunStatus>(),
    current_step_id: string().optional(),
    started_at: number(),
    paused_at: number().optional(),
    completed_at: number().optional(),
    locked: boolean(),
    locked_by: string().optional(),
    locked_at: number().optional(),
    updated_at: number(),
  })
  .primaryKey('id');

const safetyChecks = table('safety_checks')
  .columns({
    id: string(),
    run_id: string(),
    step_id: string(),
    result: enumeration<CheckResult>(),
    notes: string().optional(),
    checked_by: string(),
    checked_at: number(),
  })
  .primaryKey('id');

const bookings = table('bookings')
  .columns({
    id: string(),
    mentor_id: string(),
    student_id: string(),
    start_time: number(),
    end_time: number(),
    status: enumeration<BookingStatus>(),
    is_delayed: boolean(),
    started_at: number().optional(),
    completed_at: number().optional(),
    updated_at: number(),
  })
  .primaryKey('id');

/**
 * The stored outcome of each intent (I9), as far as a device needs it: its
 * own rows tell it the server decided an intent. The device's own copies of
 * args and clocks are not synced back (it has them in its journal).
 */
const appliedIntents = table('applied_intents')
  .columns({
    id: string(),
    user_id: string(),
    device_id: string(),
    kind: string(),
    received_at: number(),
    effective_at: number().optional(),
    time_source: enumeration<TimeSource>().optional(),
    status: enumeration<OutcomeStatus>(),
    code: enumeration<ErrorCode>().optional(),
    message: string().optional(),
    details: json<{ readonly [key: string]: ReadonlyJSONValue }>().optional(),
  })
  .primaryKey('id');

const taskRelationships = relationships(tasks, ({ many, one }) => ({
  checklistItems: many({ sourceField: ['id'], destField: ['task_id'], destSchema: checklistItems }),
  sessions: many({ sourceField: ['id'], destField: ['task_id'], destSchema: workSessions }),
  claimer: one({ sourceField: ['claimed_by'], destField: ['id'], destSchema: users }),
}));
const checklistItemRelationships = relationships(checklistItems, ({ one }) => ({
  task: one({ sourceField: ['task_id'], destField: ['id'], destSchema: tasks }),
}));
const workSessionRelationships = relationships(workSessions, ({ one }) => ({
  task: one({ sourceField: ['task_id'], destField: ['id'], destSchema: tasks }),
}));
const userTaskTotalRelationships = relationships(userTaskTotals, ({ one }) => ({
  task: one({ sourceField: ['task_id'], destField: ['id'], destSchema: tasks }),
}));
const sopRelationships = relationships(sops, ({ many }) => ({
  versions: many({ sourceField: ['id'], destField: ['sop_id'], destSchema: sopVersions }),
  runs: many({ sourceField: ['id'], destField: ['sop_id'], destSchema: procedureRuns }),
}));
const sopVersionRelationships = relationships(sopVersions, ({ many, one }) => ({
  sop: one({ sourceField: ['sop_id'], destField: ['id'], destSchema: sops }),
  /** Runs pinned to exactly this version (I7). */
  runs: many({ sourceField: ['sop_id', 'version'], destField: ['sop_id', 'sop_version'], destSchema: procedureRuns }),
}));
const procedureRunRelationships = relationships(procedureRuns, ({ many, one }) => ({
  checks: many({ sourceField: ['id'], destField: ['run_id'], destSchema: safetyChecks }),
  sopVersion: one({ sourceField: ['sop_id', 'sop_version'], destField: ['sop_id', 'version'], destSchema: sopVersions }),
}));
const safetyCheckRelationships = relationships(safetyChecks, ({ one }) => ({
  run: one({ sourceField: ['run_id'], destField: ['id'], destSchema: procedureRuns }),
}));
const userRelationships = relationships(users, ({ many }) => ({
  mentorBookings: many({ sourceField: ['id'], destField: ['mentor_id'], destSchema: bookings }),
  studentBookings: many({ sourceField: ['id'], destField: ['student_id'], destSchema: bookings }),
}));

export const zeroSchema = createSchema({
  tables: [
    users,
    tasks,
    checklistItems,
    workSessions,
    userTaskTotals,
    sops,
    sopVersions,
    procedureRuns,
    safetyChecks,
    bookings,
    appliedIntents,
  ],
  relationships: [
    taskRelationships,
    checklistItemRelationships,
    workSessionRelationships,
    userTaskTotalRelationships,
    sopRelationships,
    sopVersionRelationships,
    procedureRunRelationships,
    safetyCheckRelationships,
    userRelationships,
  ],
  enableLegacyQueries: false,
  enableLegacyMutators: false,
});

export type ZeroSchema = typeof zeroSchema;
export type ZeroTableName = keyof ZeroSchema['tables'] & string;
/** A row of a Zero table as the client reads it. */
export type ZeroRow<T extends ZeroTableName> = Row<ZeroSchema['tables'][T]>;
/** An applied_intents row as synced: the outcome of one of the user's intents. */
export type AppliedIntentRow = ZeroRow<'applied_intents'>;

/** The Postgres tables zero-cache replicates (invariant 3): its publication lists exactly these. */
export const ZERO_TABLES: readonly ZeroTableName[] = Object.keys(zeroSchema.tables) as ZeroTableName[];
