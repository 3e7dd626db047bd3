/**
 * Task lifecycle rules (DESIGN §2 I1–I6). Named exports,
 * not `export *`, so helper names here never collide with other aggregates'.
 */
export { isStale, closeStale, sweepStale } from './stale-sweep.ts';
export { claimTask, releaseTask, completeTask } from './task-claim.ts';
export { createTask, renameTask } from './task-create.ts';
export type { CreateTaskArgs } from './task-create.ts';
export { checkTaskInvariants, taskTablesOf } from './task-invariants.ts';
export type { InvariantViolation, TaskInvariant, TaskTables } from './task-invariants.ts';
export { moveTask, planMove, closeOpenSession, transitionTime, planEffects, lastEventAt, untouchedSinceSweep } from './task-lifecycle.ts';
export type { TaskPlan } from './task-lifecycle.ts';
export { snapshotOf, startedLater } from './task-snapshot.ts';
export type { TaskSnapshot } from './task-snapshot.ts';
export { setTaskStatus } from './task-status.ts';
export { startWork, pauseWork, heartbeatWork } from './work-session.ts';
export { WorkState, WORK_STATES, workState, ongoingBy, elapsedMs, activeSessionsOf } from './work-views.ts';
export type { ActiveSessionView } from './work-views.ts';
export { applyEvidence, evidenceAt, withEvidence, staleSessionOf, extendClosed, ExtensionAction } from './evidence.ts';
export type { Evidence, EvidenceOptions } from './evidence.ts';
export { extendWorkSession, nextSessionStart } from './work-extend.ts';
