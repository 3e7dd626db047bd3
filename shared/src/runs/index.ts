/**
 * SOP versions and procedure runs (I7). Named exports, so helper
 * names never collide with other aggregates'.
 */
export { allSteps, firstStep, stepAfter, stepById, stepCount } from './steps.ts';
export type { PlacedStep } from './steps.ts';
export type { SopStepInput, SopTaskInput } from './sop-content.ts';
export { createSop, editSop, confirmSop, deleteSop } from './sop-rules.ts';
export type { CreateSopArgs, EditSopArgs } from './sop-rules.ts';
export { RUN_ENTITY, runAccess, lockedError, lockedAttemptAudit } from './run-guard.ts';
export type { OverrideArgs, RunAccess } from './run-guard.ts';
export { startRun } from './run-start.ts';
export type { StartRunArgs } from './run-start.ts';
export { pauseRun, resumeRun, completeRun, approveRun } from './run-lifecycle.ts';
export type { ApproveRunArgs } from './run-lifecycle.ts';
export { activeRunOf, newestConfirmedVersion, runSnapshotOf } from './run-snapshot.ts';
export type { RunSnapshot } from './run-snapshot.ts';
export { recordCheck } from './run-check.ts';
export type { RecordCheckArgs } from './run-check.ts';
export { runView } from './run-view.ts';
export type { RunProgress, RunView } from './run-view.ts';
export { checkRunInvariants } from './run-invariants.ts';
