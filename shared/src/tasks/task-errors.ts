/**
 * The refusals of task rules, written once so every rule (and every executor
 * showing them) says the same thing with the same details.
 */
import { domainError, STATUS_DERIVED_MESSAGE } from '../errors.ts';
import type { DomainError } from '../errors.ts';
import type { TaskRow } from '../rows.ts';

/** I3: someone else holds the claim, or the caller holds none where one is needed (409). */
export function claimedConflict(task: TaskRow, message?: string): DomainError {
  const text =
    message ?? (task.claimed_by === null ? 'Task is not claimed by you' : 'Task is claimed by another user');
  return domainError('CONFLICT_CLAIMED', text, { task_id: task.id, claimed_by: task.claimed_by });
}

/** The task's status does not allow this transition (409). */
export function invalidState(task: TaskRow, message: string): DomainError {
  return domainError('CONFLICT_INVALID_STATE', message, { task_id: task.id, status: task.status });
}

/** I6: a manual status write on a task whose status is derived from its checklist (400, STATUS_DERIVED_MESSAGE). */
export function statusDerived(task: TaskRow): DomainError {
  return domainError('STATUS_DERIVED', STATUS_DERIVED_MESSAGE, { task_id: task.id });
}

export function forbidden(message: string): DomainError {
  return domainError('FORBIDDEN', message);
}

export function taskNotFound(taskId: string): DomainError {
  return domainError('NOT_FOUND', 'Task not found', { task_id: taskId });
}
