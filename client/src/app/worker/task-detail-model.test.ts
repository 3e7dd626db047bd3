import { describe, expect, test } from 'vitest';
import { ChecklistStatus, TaskStatus, WorkState } from '@stint/shared';
import { taskDetailModel, tapTarget } from './task-detail-model.ts';
import { ANA, LUIS, SUP, T0, world } from './testing.ts';

const MIN = 60_000;

function atomic() {
  return world().as(SUP, T0).act('task.create', { task_id: 't1', title: 'Revisar extintores' });
}

function withChecklist() {
  return world()
    .as(SUP, T0)
    .act('task.create', { task_id: 't1', title: 'Inventario' })
    .act('checklist.add', { checklist_item_id: 'c1', task_id: 't1', title: 'Estantería A' })
    .act('checklist.add', { checklist_item_id: 'c2', task_id: 't1', title: 'Estantería B' })
    .act('checklist.add', { checklist_item_id: 'c3', task_id: 't1', title: 'Estantería C' });
}

describe('task detail model', () => {
  test('a task not in the view gives null', () => {
    expect(taskDetailModel(atomic().state, ANA, T0, 'missing')).toBeNull();
  });

  test('an unclaimed atomic task offers claim, no start, and manual statuses the rules accept', () => {
    const model = taskDetailModel(atomic().state, ANA, T0, 't1');
    expect(model?.workState).toBe(WorkState.available);
    expect(model?.checklist).toBeNull();
    expect(model?.actions.claim).toBe(true);
    expect(model?.actions.start).toBe(false);
    expect(model?.statusOptions.map((o) => o.status)).toEqual([...Object.values(TaskStatus)]);
    expect(model?.statusOptions.find((o) => o.current)?.status).toBe(TaskStatus.todo);
    expect(model?.statusOptions.find((o) => o.status === TaskStatus.todo)?.allowed).toBe(false);
  });

  test('my running atomic task: live elapsed time, pause offered, in-progress is current and not offered again', () => {
    const state = atomic().as(ANA, T0).act('task.claim', { task_id: 't1' }).act('work.start', { task_id: 't1' }).state;
    const model = taskDetailModel(state, ANA, T0 + 4 * MIN, 't1');
    expect(model?.elapsedMs).toBe(4 * MIN);
    expect(taskDetailModel(state, ANA, T0 + 5 * MIN, 't1')?.elapsedMs).toBe(5 * MIN);
    expect(model?.running).toBe(true);
    expect(model?.actions.pause).toBe(true);
    const current = model?.statusOptions.find((o) => o.current);
    expect(current).toEqual({ status: TaskStatus.inProgress, current: true, allowed: false });
    expect(model?.statusOptions.find((o) => o.status === TaskStatus.onHold)?.allowed).toBe(true);
  });

  test("in-progress is refused on a task another worker claimed (their claim, I3)", () => {
    const state = atomic().as(LUIS, T0).act('task.claim', { task_id: 't1' }).state;
    const model = taskDetailModel(state, ANA, T0, 't1');
    expect(model?.statusOptions.find((o) => o.status === TaskStatus.inProgress)?.allowed).toBe(false);
    expect(model?.actions.claim).toBe(false);
    expect(model?.actions.release).toBe(false);
  });

  test('a checklist task shows the derived status with its counts and offers no manual status', () => {
    const state = withChecklist()
      .as(ANA, T0 + MIN)
      .act('task.claim', { task_id: 't1' })
      .act('checklist.set_status', { checklist_item_id: 'c1', status: ChecklistStatus.done })
      .act('checklist.set_status', { checklist_item_id: 'c2', status: ChecklistStatus.done }).state;
    const model = taskDetailModel(state, ANA, T0 + 2 * MIN, 't1');
    expect(model?.checklist).toEqual({ derived: ChecklistStatus.inProgress, done: 2, total: 3 });
    expect(model?.statusOptions).toEqual([]);
    expect(model?.actions.complete).toBe(false);
    expect(model?.items.map((i) => [i.id, i.status])).toEqual([
      ['c1', ChecklistStatus.done],
      ['c2', ChecklistStatus.done],
      ['c3', ChecklistStatus.planned],
    ]);
  });

  test('the big tap target moves an open item to done and a done item back to planned', () => {
    const state = withChecklist()
      .as(ANA, T0)
      .act('task.claim', { task_id: 't1' })
      .act('checklist.set_status', { checklist_item_id: 'c1', status: ChecklistStatus.done }).state;
    const model = taskDetailModel(state, ANA, T0, 't1');
    const [c1, c2] = model?.items ?? [];
    expect(c1 && tapTarget(c1)).toEqual({ status: ChecklistStatus.planned, current: false, allowed: true });
    expect(c2 && tapTarget(c2)).toEqual({ status: ChecklistStatus.done, current: false, allowed: true });
    expect(c2?.options.find((o) => o.current)?.status).toBe(ChecklistStatus.planned);
  });

  test('ticking the last item makes the derived status done; a deleted item is not shown and does not count', () => {
    const state = withChecklist()
      .as(SUP, T0)
      .act('checklist.delete', { checklist_item_id: 'c3' })
      .as(ANA, T0)
      .act('task.claim', { task_id: 't1' })
      .act('checklist.set_status', { checklist_item_id: 'c1', status: ChecklistStatus.done })
      .act('checklist.set_status', { checklist_item_id: 'c2', status: ChecklistStatus.done }).state;
    const model = taskDetailModel(state, ANA, T0, 't1');
    expect(model?.items.map((i) => i.id)).toEqual(['c1', 'c2']);
    expect(model?.checklist).toEqual({ derived: ChecklistStatus.done, done: 2, total: 2 });
    expect(model?.status).toBe(TaskStatus.done);
  });
});
