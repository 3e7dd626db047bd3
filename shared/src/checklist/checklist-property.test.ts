/**
 * Random checklist operations mixed with task status operations (set status,
 * claim, release, complete, start, pause) by two workers and a supervisor,
 * through the real rules and the shared effect applier. After every step:
 * the task invariants I1–I6 hold (checkTaskInvariants), the outcome is the
 * one a naive reference predicts, and every non-atomic task's status means
 * what the reference's own derivation (a lookup table, not the rule) says.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Effect } from '../effects.ts';
import type { Result } from '../result.ts';
import { TASK_STATUSES } from '../rows.ts';
import type { ChecklistStatus, TaskStatus } from '../rows.ts';
import { applyEffects, stateFrom } from '../state.ts';
import type { State } from '../state.ts';
import { checkTaskInvariants, taskTablesOf } from '../tasks/task-invariants.ts';
import { applyIntent } from '../intents/apply-intent.ts';
import { snapshotOf } from '../tasks/task-snapshot.ts';
import { actor, asIntent, contextAt, T0, taskRow } from '../tasks/testing.ts';
import { addChecklistItem, deleteChecklistItem, renameChecklistItem, setChecklistItemStatus } from './checklist-rules.ts';
import { numericStatus } from './derive.ts';

const ACTORS = [actor('w1'), actor('w2'), actor('s1', 'supervisor')] as const;
const TASKS = ['t1', 't2'] as const;

type Op =
  | { kind: 'add'; who: number; task: number; status: number }
  | { kind: 'set'; who: number; task: number; item: number; status: number }
  | { kind: 'rename' | 'delete'; who: number; task: number; item: number }
  | { kind: 'task'; who: number; task: number; op: 'task.claim' | 'task.release' | 'task.complete' | 'work.start' | 'work.pause' }
  | { kind: 'set_task'; who: number; task: number; status: TaskStatus };

const who = fc.nat({ max: ACTORS.length - 1 });
const task = fc.nat({ max: TASKS.length - 1 });
/** Mostly valid statuses 1–4, sometimes 0 or 5. */
const status = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 5) });
/** An index into all items ever created (any task), or past the end: an unknown id. */
const item = fc.nat({ max: 12 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), who, task, status }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), who, task, item, status }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('rename' as const, 'delete' as const), who, task, item }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('task' as const), who, task, op: fc.constantFrom('task.claim' as const, 'task.release' as const, 'task.complete' as const, 'work.start' as const, 'work.pause' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('set_task' as const), who, task, status: fc.constantFrom(...TASK_STATUSES) }) },
);

// ---- naive reference -----------------------------------------------------------

interface RefItem { id: string; task: string; status: number; deleted: boolean; title: string }

/** The derived status as a table over which statuses are present (bits: 1 planned, 2 in progress, 4 done, 8 skipped). */
function refDerive(statuses: readonly number[]): number {
  const mask = statuses.reduce((m, s) => m | (1 << (s - 1)), 0);
  if (mask & 2 || (mask & 1 && mask & 4)) return 2;
  const table: Record<number, number> = { 1: 1, 4: 3, 8: 4, 9: 1, 12: 3 };
  return table[mask]!;
}

/** The outcome the reference expects for a checklist op, updating its items when accepted. */
function refChecklist(items: RefItem[], op: Exclude<Op, { kind: 'task' | 'set_task' }>, claimedBy: string | null, n: number): string {
  const me = ACTORS[op.who]!;
  const taskId = TASKS[op.task]!;
  const allowed = claimedBy === null || claimedBy === me.user_id || me.role !== 'worker';
  const valid = (s: number) => s >= 1 && s <= 4;
  if (op.kind === 'add') {
    if (!allowed) return 'CONFLICT_CLAIMED';
    if (!valid(op.status)) return 'INVALID_INPUT';
    items.push({ id: `item${n}`, task: taskId, status: op.status, deleted: false, title: 'new' });
    return 'ok';
  }
  const target = items[op.item];
  const ofTask = target !== undefined && target.task === taskId;
  if (op.kind === 'set' && !valid(op.status)) return 'INVALID_INPUT';
  if (op.kind === 'delete') {
    if (!ofTask) return 'NOT_FOUND';
    if (!allowed) return 'CONFLICT_CLAIMED';
    target.deleted = true;
    return 'ok';
  }
  if (!ofTask || target.deleted) return 'NOT_FOUND';
  if (!allowed) return 'CONFLICT_CLAIMED';
  if (op.kind === 'set') target.status = op.status;
  else target.title = `renamed ${n}`;
  return 'ok';
}

// ---- the property ------------------------------------------------------------------

describe('checklist property', () => {
  test('random checklist and task operations keep I1, I2 and I6 and match the naive reference', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 50, size: 'max' }), (ops) => {
        let state: State = stateFrom({ tasks: TASKS.map((id) => taskRow({ id })) });
        const items: RefItem[] = [];
        for (const [i, op] of ops.entries()) {
          const n = i + 1;
          const ctx = contextAt(T0 + n * 1_000, ACTORS[op.who]!, { idPrefix: `op${n}:` });
          const taskId = TASKS[op.task]!;
          const snap = snapshotOf(state, taskId)!;
          const itemId = 'item' in op ? (items[op.item]?.id ?? 'unknown') : '';
          let result: Result<Effect[]>;
          switch (op.kind) {
            case 'add':
              result = addChecklistItem(snap, { id: `item${n}`, title: 'new', status: op.status as ChecklistStatus }, ctx);
              break;
            case 'set':
              result = setChecklistItemStatus(snap, { item_id: itemId, status: op.status as ChecklistStatus }, ctx);
              break;
            case 'rename':
              result = renameChecklistItem(snap, { item_id: itemId, title: `renamed ${n}` }, ctx);
              break;
            case 'delete':
              result = deleteChecklistItem(snap, { item_id: itemId }, ctx);
              break;
            case 'task':
              result = applyIntent(state, asIntent({ kind: op.op, args: { task_id: taskId } }, ctx.now), ctx);
              break;
            case 'set_task':
              result = applyIntent(state, asIntent({ kind: 'task.set_status', args: { task_id: taskId, status: op.status } }, ctx.now), ctx);
              break;
          }
          if (op.kind !== 'task' && op.kind !== 'set_task') {
            const expected = refChecklist(items, op, snap.task.claimed_by, n);
            expect(result.ok ? 'ok' : result.error.code, `op ${n}: ${JSON.stringify(op)}`).toBe(expected);
          }
          if (result.ok) state = applyEffects(state, result.value);
          expect(checkTaskInvariants(taskTablesOf(state))).toEqual([]);
          const sutLive = [...state.checklist_items.values()].filter((it) => it.deleted_at === null).map((it) => `${it.task_id}/${it.id}/${it.status}/${it.title}`);
          const refLive = items.filter((it) => !it.deleted).map((it) => `${it.task}/${it.id}/${it.status}/${it.title}`);
          expect(sutLive.sort()).toEqual(refLive.sort());
          for (const id of TASKS) {
            const live = items.filter((it) => it.task === id && !it.deleted).map((it) => it.status);
            if (live.length > 0) expect(numericStatus(state.tasks.get(id)!.status), `task ${id}`).toBe(refDerive(live));
          }
        }
      }),
      { numRuns: 1000 },
    );
  }, 60_000); // 1000 random histories take a few seconds; shared CI machines are noisy
});
