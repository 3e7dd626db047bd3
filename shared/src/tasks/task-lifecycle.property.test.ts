/**
 * Model-based property tests of the task lifecycle. Random sequences of every
 * task intent (several users of every role, a few tasks, one checklist task
 * whose items drive it through moveTask, stale sweeps) run through the rules
 * on an in-memory state, and in parallel through a naive reference: a plain
 * mutable model written from the specs that records each closed session as an
 * interval. After every step: same outcome (accepted, or the same error
 * code), "no change" exactly when the reference says nothing happens, same
 * task rows, time totals equal to the sum of the reference's intervals, and
 * no invariant I1–I6 broken.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { deriveTaskStatus, taskStatusFor } from '../checklist/derive.ts';
import { applyIntent } from '../intents/apply-intent.ts';
import type { Actor } from '../context.ts';
import { put } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { err } from '../result.ts';
import type { Result } from '../result.ts';
import { ChecklistStatus, TASK_STATUSES } from '../rows.ts';
import type { ChecklistItemRow, ChecklistStatus as Numeric, TaskStatus as Status } from '../rows.ts';
import { applyEffects, rowsOfTable, stateFrom } from '../state.ts';
import type { State } from '../state.ts';
import { MINUTE, SECOND } from '../time.ts';
import { isStale, sweepStale } from './stale-sweep.ts';
import { checkTaskInvariants, taskTablesOf } from './task-invariants.ts';
import { moveTask } from './task-lifecycle.ts';
import { snapshotOf } from './task-snapshot.ts';
import { actor, asIntent, contextAt, itemRow, T0, taskRow } from './testing.ts';
import type { Act } from './testing.ts';

const USERS: readonly Actor[] = [actor('w1'), actor('w2'), actor('s1', 'supervisor'), actor('a1', 'admin')];
const TASK_IDS = ['A', 'B', 'C', 'D'] as const; // D does not exist until created
const ITEM_IDS = ['c1', 'c2'] as const; // C's checklist

type TaskKind = 'task.create' | 'task.set_status' | 'task.claim' | 'task.release' | 'task.complete' | 'work.start' | 'work.pause' | 'work.heartbeat';
/** A task or work intent, a checklist item change, or a stale sweep. */
type Op =
  | Extract<Act, { readonly kind: TaskKind }>
  | { readonly kind: 'item'; readonly item_id: string; readonly status: Numeric }
  | { readonly kind: 'sweep'; readonly cutoff: number };
interface Step {
  readonly dt: number;
  readonly who: number;
  readonly op: Op;
}

const opArb = (ids: readonly string[]): fc.Arbitrary<Op> => {
  const taskId = fc.constantFrom(...ids);
  return fc.oneof(
  fc.record({ kind: fc.constant('task.create' as const), args: fc.record({ task_id: taskId, title: fc.constantFrom('T', 'U') }) }),
  fc.record({ kind: fc.constant('task.create' as const), args: fc.record({ task_id: taskId, title: fc.constant('T'), status: fc.constantFrom(...TASK_STATUSES) }) }),
  fc.record({ kind: fc.constant('task.set_status' as const), args: fc.record({ task_id: taskId, status: fc.constantFrom(...TASK_STATUSES) }) }),
  fc.record({ kind: fc.constantFrom('task.claim' as const, 'task.release' as const, 'task.complete' as const), args: fc.record({ task_id: taskId }) }),
  fc.record({ kind: fc.constantFrom('work.start' as const, 'work.pause' as const, 'work.heartbeat' as const), args: fc.record({ task_id: taskId }) }),
  fc.record({ kind: fc.constantFrom('work.start' as const, 'task.claim' as const), args: fc.record({ task_id: taskId }) }), // weight pick-ups up
  fc.record({ kind: fc.constant('item' as const), item_id: fc.constantFrom(...ITEM_IDS), status: fc.constantFrom(...([1, 2, 3, 4] as const)) }),
  fc.record({ kind: fc.constant('sweep' as const), cutoff: fc.constantFrom(MINUTE, 3 * MINUTE) }),
  );
};
// Equal timestamps are common on purpose: same-millisecond events are where off-by-one rules hide.
const stepArb = (maxDt: number, users: readonly number[] = [0, 1, 2, 3], ids: readonly string[] = TASK_IDS): fc.Arbitrary<Step> =>
  fc.record({ dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: maxDt })), who: fc.constantFrom(...users), op: opArb(ids) });

function initialState(): State {
  return stateFrom({
    tasks: ['A', 'B', 'C'].map((id) => taskRow({ id, title: 'T' })),
    checklist_items: ITEM_IDS.map((id, position) => itemRow({ id, task_id: 'C', position })),
  });
}

/** The system under test: the rules plus the test-only checklist and sweep drivers. */
function apply(state: State, op: Op, now: number, who: Actor, n: number): Result<Effect[]> {
  // The rules' cutoff is the shortest the sweeps use, as on a server (one STALE_CUTOFF_S for both):
  // then no intent made online can pass for late evidence.
  const ctx = contextAt(now, who, { idPrefix: `${n}-`, staleCutoffMs: MINUTE });
  if (op.kind === 'sweep') return { ok: true, value: sweepStale(state, op.cutoff, ctx) };
  if (op.kind !== 'item') return applyIntent(state, asIntent(op, now), ctx);
  // Stands in for the checklist rules: change the item, then move the task to the status its items derive.
  const item = state.checklist_items.get(op.item_id)!;
  const snap = snapshotOf(state, item.task_id)!;
  const changed: ChecklistItemRow = { ...item, status: op.status, updated_at: now };
  const items = snap.items.map((i) => (i.id === changed.id ? changed : i));
  const target = taskStatusFor(deriveTaskStatus(items), snap.task.status);
  const moved = moveTask({ ...snap, items }, target, ctx, 'status_change');
  return moved.ok ? { ok: true, value: [put('checklist_items', changed), ...moved.value] } : err(moved.error);
}

// ---- The reference: a mutable model written straight from the specs. ----

interface MTask {
  title: string;
  status: Status;
  claimedBy: string | null;
  assignedAt: number | null;
  updatedAt: number;
  open: { user: string; start: number; hb: number } | null;
}
interface Model {
  tasks: Map<string, MTask>;
  items: Map<string, Numeric>;
  intervals: { task: string; user: string; start: number; end: number }[];
}
class Refused extends Error {
  readonly code: string;
  constructor(code: string) {
    super(code);
    this.code = code;
  }
}
const NOTHING = 'nothing'; // accepted without any change

function initialModel(): Model {
  const task = (): MTask => ({ title: 'T', status: 'todo', claimedBy: null, assignedAt: null, updatedAt: T0, open: null });
  return { tasks: new Map([['A', task()], ['B', task()], ['C', task()]]), items: new Map(ITEM_IDS.map((id) => [id, ChecklistStatus.planned])), intervals: [] };
}

function modelStep(m: Model, op: Op, now: number, who: Actor): typeof NOTHING | 'changed' {
  const boss = who.role !== 'worker';
  const hasItems = (id: string): boolean => id === 'C';
  const close = (id: string, t: MTask, end: number): void => {
    if (t.open) m.intervals.push({ task: id, user: t.open.user, start: t.open.start, end });
    t.open = null;
  };
  const move = (id: string, t: MTask, target: Status): typeof NOTHING | 'changed' => {
    if (target === t.status) return NOTHING;
    if (target === 'in-progress') {
      if (t.status === 'done') throw new Refused('CONFLICT_INVALID_STATE');
      if (t.claimedBy !== null && t.claimedBy !== who.user_id) throw new Refused('CONFLICT_CLAIMED');
      close(id, t, now);
      t.open = { user: who.user_id, start: now, hb: now };
      t.claimedBy = who.user_id;
      t.assignedAt = now;
    } else {
      if (!boss && t.claimedBy !== null && t.claimedBy !== who.user_id) throw new Refused('CONFLICT_CLAIMED');
      close(id, t, now);
    }
    t.status = target;
    t.updatedAt = now;
    return 'changed';
  };
  if (op.kind === 'sweep') {
    let any: typeof NOTHING | 'changed' = NOTHING;
    for (const [id, t] of m.tasks) {
      if (t.open && t.open.hb < now - op.cutoff) {
        close(id, t, t.open.hb);
        if (t.status === 'in-progress') t.status = 'on-hold';
        t.updatedAt = now;
        any = 'changed';
      }
    }
    return any;
  }
  if (op.kind === 'task.create') {
    const { task_id, title, status } = op.args;
    if (!boss) throw new Refused('FORBIDDEN');
    const existing = m.tasks.get(task_id);
    if (existing) {
      if (existing.title === title) return NOTHING;
      throw new Refused('CONFLICT_EXISTS');
    }
    const t: MTask = { title, status: 'todo', claimedBy: null, assignedAt: null, updatedAt: now, open: null };
    m.tasks.set(task_id, t);
    if (status === 'in-progress') move(task_id, t, status);
    else t.status = status ?? 'todo';
    return 'changed';
  }
  const id = op.kind === 'item' ? 'C' : op.args.task_id;
  const t = m.tasks.get(id);
  if (!t) throw new Refused('NOT_FOUND');
  const mine = t.open !== null && t.open.user === who.user_id;
  switch (op.kind) {
    case 'item': {
      m.items.set(op.item_id, op.status);
      move(id, t, taskStatusFor(deriveTaskStatus([...m.items.values()].map((status) => ({ status }))), t.status));
      return 'changed'; // the item itself changed
    }
    case 'task.set_status': {
      const { status } = op.args;
      if (hasItems(id)) throw new Refused('STATUS_DERIVED');
      if (status === t.status) {
        // Restating a status is judged like a change: in-progress is the claimer's alone.
        const others = t.claimedBy !== null && t.claimedBy !== who.user_id;
        if (status === 'in-progress' ? t.claimedBy !== who.user_id : others && !boss) throw new Refused('CONFLICT_CLAIMED');
      }
      return move(id, t, status);
    }
    case 'task.claim':
      if (t.status === 'done') throw new Refused('CONFLICT_INVALID_STATE');
      if (t.claimedBy === who.user_id) return NOTHING;
      if (t.claimedBy !== null) throw new Refused('CONFLICT_CLAIMED');
      Object.assign(t, { claimedBy: who.user_id, assignedAt: now, updatedAt: now });
      return 'changed';
    case 'task.release':
      if (t.claimedBy === null) return NOTHING;
      if (t.claimedBy !== who.user_id && !boss) throw new Refused('CONFLICT_CLAIMED');
      close(id, t, now);
      if (t.status === 'in-progress') t.status = 'on-hold';
      Object.assign(t, { claimedBy: null, assignedAt: null, updatedAt: now });
      return 'changed';
    case 'task.complete':
      if (t.status === 'done') return NOTHING;
      if (hasItems(id)) throw new Refused('STATUS_DERIVED');
      if (!boss && t.claimedBy !== who.user_id) throw new Refused('CONFLICT_CLAIMED');
      return move(id, t, 'done');
    case 'work.start': {
      if (t.status === 'done') throw new Refused('CONFLICT_INVALID_STATE');
      if (t.claimedBy !== who.user_id) throw new Refused('CONFLICT_CLAIMED');
      if (mine) return NOTHING;
      const derived = deriveTaskStatus([...m.items.values()].map((status) => ({ status })));
      if (hasItems(id) && derived !== ChecklistStatus.inProgress) throw new Refused('STATUS_DERIVED');
      return move(id, t, 'in-progress');
    }
    case 'work.pause':
      return mine ? move(id, t, 'on-hold') : NOTHING;
    case 'work.heartbeat':
      if (!mine) throw new Refused('CONFLICT_INVALID_STATE');
      if (t.open!.hb >= now) return NOTHING;
      t.open!.hb = now;
      return 'changed';
    default:
      throw new Error(`unknown op ${JSON.stringify(op satisfies never)}`);
  }
}

function sumOf(intervals: Model['intervals'], keep: (i: Model['intervals'][number]) => boolean): number {
  return intervals.filter(keep).reduce((sum, i) => sum + (i.end - i.start), 0);
}

function expectAgrees(state: State, model: Model): void {
  for (const [id, t] of model.tasks) {
    const row = state.tasks.get(id);
    expect(row).toMatchObject({ title: t.title, status: t.status, claimed_by: t.claimedBy, assigned_at: t.assignedAt, updated_at: t.updatedAt });
    expect(row?.time_spent_ms).toBe(sumOf(model.intervals, (i) => i.task === id));
    const open = rowsOfTable(state, 'work_sessions').filter((s) => s.task_id === id && s.ended_at === null);
    expect(open.map((s) => ({ user: s.user_id, start: s.started_at, hb: s.last_heartbeat_at }))).toEqual(t.open ? [t.open] : []);
  }
  expect(state.tasks.size).toBe(model.tasks.size);
  const closed = rowsOfTable(state, 'work_sessions')
    .filter((s) => s.ended_at !== null)
    .map((s) => ({ task: s.task_id, user: s.user_id, start: s.started_at, end: s.ended_at }));
  const byKey = (a: { task: string; user: string; start: number }, b: typeof a): number =>
    a.task.localeCompare(b.task) || a.user.localeCompare(b.user) || a.start - b.start;
  expect(closed.sort(byKey)).toEqual([...model.intervals].sort(byKey));
  const pairs = new Set(model.intervals.map((i) => JSON.stringify([i.user, i.task])));
  expect(rowsOfTable(state, 'user_task_totals').map((r) => JSON.stringify([r.user_id, r.task_id])).sort()).toEqual([...pairs].sort());
  for (const total of state.user_task_totals.values()) {
    expect(total.accumulated_ms).toBe(sumOf(model.intervals, (i) => i.user === total.user_id && i.task === total.task_id));
  }
}

describe('task lifecycle properties', () => {
  test('random intents by several users agree with the reference model and never break I1–I6', () => {
    fc.assert(
      fc.property(fc.array(stepArb(5 * MINUTE), { minLength: 1, maxLength: 40 }), (steps) => {
        let state = initialState();
        let model = initialModel();
        let now = T0;
        steps.forEach(({ dt, who, op }, n) => {
          now += dt;
          const user = USERS[who]!;
          const result = apply(state, op, now, user, n);
          const draft = structuredClone(model);
          let expected: string;
          try {
            expected = modelStep(draft, op, now, user);
            model = draft;
          } catch (e) {
            if (!(e instanceof Refused)) throw e;
            expected = e.code;
          }
          expect(result.ok ? (result.value.length === 0 ? NOTHING : 'changed') : result.error.code).toBe(expected);
          if (result.ok) state = applyEffects(state, result.value);
          expect(checkTaskInvariants(taskTablesOf(state))).toEqual([]);
          expectAgrees(state, model);
        });
      }),
      { numRuns: 1000 },
    );
  }, 30_000); // 1,000 sequences checked step by step: seconds alone, more while the whole suite runs

  test('with a clock that jumps backwards (late offline intents) I1–I6 still hold after every step', () => {
    fc.assert(
      fc.property(// Two users (a worker, a supervisor) on two tasks, so the same person often reworks a task out of time order.
      fc.array(fc.tuple(stepArb(0, [0, 2], ['A', 'C']), fc.integer({ min: 0, max: 30 * MINUTE })), { minLength: 1, maxLength: 40 }), (steps) => {
        let state = initialState();
        steps.forEach(([{ who, op }, offset], n) => {
          const result = apply(state, op, T0 + offset, USERS[who]!, n);
          if (result.ok) state = applyEffects(state, result.value);
          expect(checkTaskInvariants(taskTablesOf(state))).toEqual([]);
        });
      }),
      { numRuns: 1000 },
    );
  });

  test('after a sweep no open session is stale, and sweeping again changes nothing', () => {
    fc.assert(
      fc.property(fc.array(stepArb(2 * MINUTE), { maxLength: 30 }), fc.integer({ min: 0, max: 10 * MINUTE }), (steps, later) => {
        let state = initialState();
        let now = T0;
        steps.forEach(({ dt, who, op }, n) => {
          now += dt;
          const result = apply(state, op, now, USERS[who]!, n);
          if (result.ok) state = applyEffects(state, result.value);
        });
        const ctx = contextAt(now + later, actor('system', 'admin'));
        const swept = applyEffects(state, sweepStale(state, 90 * SECOND, ctx));
        expect([...swept.work_sessions.values()].some((s) => isStale(s, 90 * SECOND, ctx.now))).toBe(false);
        expect(sweepStale(swept, 90 * SECOND, ctx)).toEqual([]);
        expect(checkTaskInvariants(taskTablesOf(swept))).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
