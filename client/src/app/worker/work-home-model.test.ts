import { describe, expect, test } from 'vitest';
import { ChecklistStatus, WorkState } from '@stint/shared';
import { ANA, LUIS, SUP, T0, world } from './testing.ts';
import { poolCard, workHomeModel } from './work-home-model.ts';

const MIN = 60_000;

/** Three tasks by the supervisor: t1, t2, t3 (created in that order). */
function tasks() {
  return world()
    .as(SUP, T0)
    .act('task.create', { task_id: 't1', title: 'Podar el seto' })
    .as(SUP, T0 + 1)
    .act('task.create', { task_id: 't2', title: 'Regar el huerto' })
    .as(SUP, T0 + 2)
    .act('task.create', { task_id: 't3', title: 'Limpiar la nave' });
}

describe('work home model', () => {
  test('with nothing claimed, Now Working and my tasks are empty and the pool has every open task, oldest first', () => {
    const model = workHomeModel(tasks().state, ANA, T0 + MIN);
    expect(model.nowWorking).toEqual([]);
    expect(model.myTasks).toEqual([]);
    expect(model.openPool.map((c) => c.id)).toEqual(['t1', 't2', 't3']);
    expect(model.openPool.every((c) => c.actions.claim && !c.actions.start && !c.actions.release)).toBe(true);
  });

  test('a pool entry offers claim and start only, whatever the rules would accept of an unclaimed task', () => {
    const [card] = workHomeModel(tasks().state, ANA, T0 + MIN).openPool;
    expect(card?.actions).toEqual({ claim: true, start: false, release: false, pause: false, complete: false });
    const everything = { claim: true, release: true, start: true, pause: true, complete: true };
    expect(card === undefined ? null : poolCard({ ...card, actions: everything }).actions).toEqual({ claim: true, start: true, release: false, pause: false, complete: false });
  });

  test('a claimed task leaves the pool for my tasks, where start and release are offered but not claim', () => {
    const state = tasks().as(ANA, T0 + MIN).act('task.claim', { task_id: 't2' }).state;
    const model = workHomeModel(state, ANA, T0 + 2 * MIN);
    expect(model.openPool.map((c) => c.id)).toEqual(['t1', 't3']);
    expect(model.myTasks.map((c) => c.id)).toEqual(['t2']);
    const card = model.myTasks[0];
    expect(card?.workState).toBe(WorkState.claimed);
    expect(card?.actions).toEqual({ claim: false, release: true, start: true, pause: false, complete: true });
  });

  test("another worker's claimed task is neither in my tasks nor in the pool", () => {
    const state = tasks().as(LUIS, T0 + MIN).act('task.claim', { task_id: 't1' }).state;
    const model = workHomeModel(state, ANA, T0 + 2 * MIN);
    expect(model.myTasks).toEqual([]);
    expect(model.openPool.map((c) => c.id)).toEqual(['t2', 't3']);
  });

  test('one running task: its timer is the time since start and it advances with now', () => {
    const state = tasks().as(ANA, T0 + MIN).act('task.claim', { task_id: 't1' }).act('work.start', { task_id: 't1' }).state;
    const at5 = workHomeModel(state, ANA, T0 + 6 * MIN);
    expect(at5.nowWorking).toEqual([{ taskId: 't1', title: 'Podar el seto', startedAt: T0 + MIN, accumulatedMs: 0, elapsedMs: 5 * MIN }]);
    expect(workHomeModel(state, ANA, T0 + 7 * MIN).nowWorking[0]?.elapsedMs).toBe(6 * MIN);
    expect(at5.myTasks[0]?.running).toBe(true);
    expect(at5.myTasks[0]?.actions.pause).toBe(true);
    expect(at5.myTasks[0]?.actions.start).toBe(false);
  });

  test('several tasks run at once, oldest first, each timer adds my accumulated time on that task', () => {
    const state = tasks()
      .as(ANA, T0 + MIN)
      .act('task.claim', { task_id: 't1' })
      .act('task.claim', { task_id: 't2' })
      .act('work.start', { task_id: 't2' })
      .as(ANA, T0 + 11 * MIN)
      .act('work.pause', { task_id: 't2' }) // 10 min closed on t2
      .as(ANA, T0 + 12 * MIN)
      .act('work.start', { task_id: 't1' })
      .as(ANA, T0 + 13 * MIN)
      .act('work.start', { task_id: 't2' }).state;
    const model = workHomeModel(state, ANA, T0 + 20 * MIN);
    expect(model.nowWorking.map((e) => [e.taskId, e.accumulatedMs, e.elapsedMs])).toEqual([
      ['t1', 0, 8 * MIN],
      ['t2', 10 * MIN, 17 * MIN],
    ]);
    expect(model.myTasks.filter((c) => c.running).map((c) => c.elapsedMs)).toEqual([8 * MIN, 17 * MIN]);
  });

  test("another worker's open session is not in my Now Working", () => {
    const state = tasks().as(LUIS, T0).act('task.claim', { task_id: 't1' }).act('work.start', { task_id: 't1' }).state;
    expect(workHomeModel(state, ANA, T0 + MIN).nowWorking).toEqual([]);
    expect(workHomeModel(state, LUIS, T0 + MIN).nowWorking).toHaveLength(1);
  });

  test('a paused task keeps its accumulated time on the card and is no longer in Now Working', () => {
    const state = tasks()
      .as(ANA, T0)
      .act('task.claim', { task_id: 't1' })
      .act('work.start', { task_id: 't1' })
      .as(ANA, T0 + 3 * MIN)
      .act('work.pause', { task_id: 't1' }).state;
    const model = workHomeModel(state, ANA, T0 + 60 * MIN);
    expect(model.nowWorking).toEqual([]);
    expect(model.myTasks[0]?.elapsedMs).toBe(3 * MIN);
    expect(model.myTasks[0]?.running).toBe(false);
  });

  test('a done task leaves the pool; a checklist task shows its derived summary and cannot be completed by hand', () => {
    const state = tasks()
      .as(SUP, T0)
      .act('task.complete', { task_id: 't3' })
      .act('checklist.add', { checklist_item_id: 'c1', task_id: 't1', title: 'Cortar ramas' })
      .act('checklist.add', { checklist_item_id: 'c2', task_id: 't1', title: 'Recoger' })
      .as(ANA, T0 + MIN)
      .act('task.claim', { task_id: 't1' })
      .act('checklist.set_status', { checklist_item_id: 'c1', status: ChecklistStatus.done }).state;
    const model = workHomeModel(state, ANA, T0 + 2 * MIN);
    expect(model.openPool.map((c) => c.id)).toEqual(['t2']);
    expect(model.myTasks[0]?.checklist).toEqual({ derived: ChecklistStatus.inProgress, done: 1, total: 2 });
    expect(model.myTasks[0]?.actions.complete).toBe(false);
  });
});
