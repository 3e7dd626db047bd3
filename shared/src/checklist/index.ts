/**
 * Checklist items and the task status derived from them (I6).
 * Named exports, so helper names never collide with other aggregates'.
 */
export { deriveTaskStatus, numericStatus, taskStatusFor, liveItems, isAtomic, displayedStatus } from './derive.ts';
export { followItems } from './follow-items.ts';
export { addChecklistItem, setChecklistItemStatus, renameChecklistItem, deleteChecklistItem } from './checklist-rules.ts';
export type { AddChecklistItemArgs } from './checklist-rules.ts';
