import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ANA, SUP, T0, world } from './testing.ts';
import { renderWithI18n } from '../test-render.tsx';
import { NowWorkingList, WorkHomeView } from './WorkHome.tsx';
import { workHomeModel } from './work-home-model.ts';

afterEach(cleanup);

const MIN = 60_000;

/** Ana claims and starts `running` tasks (of 4 created), one minute apart. */
function running(count: number) {
  let w = world().as(SUP, T0);
  for (const n of [1, 2, 3, 4]) w = w.act('task.create', { task_id: `t${n}`, title: `Tarea ${n}` });
  for (let n = 1; n <= count; n++) {
    w = w.as(ANA, T0 + n * MIN).act('task.claim', { task_id: `t${n}` }).act('work.start', { task_id: `t${n}` });
  }
  return w.state;
}

function entries() {
  return screen.queryAllByTestId('now-working-entry');
}

describe('Now Working list', () => {
  test('with no open session it shows the empty state and no timer', async () => {
    await renderWithI18n(<NowWorkingList entries={workHomeModel(running(0), ANA, T0).nowWorking} onPause={() => {}} />);
    expect(entries()).toHaveLength(0);
    expect(screen.getByTestId('now-working').textContent).toBe('No timer running. Start a task below.');
    expect(screen.queryByRole('timer')).toBeNull();
  });

  test('one entry: its timer advances with now', async () => {
    const state = running(1);
    const pause = vi.fn();
    const view = await renderWithI18n(<NowWorkingList entries={workHomeModel(state, ANA, T0 + 3 * MIN + 5000).nowWorking} onPause={pause} />);
    expect(entries()).toHaveLength(1);
    expect(screen.getByRole('timer').textContent).toBe('2:05');
    view.rerender(<NowWorkingList entries={workHomeModel(state, ANA, T0 + 63 * MIN + 7000).nowWorking} onPause={pause} />);
    expect(screen.getByRole('timer').textContent).toBe('1:02:07');
  });

  test('many entries: one timer each, oldest first, and each pause calls back with its own task id', async () => {
    const pause = vi.fn();
    await renderWithI18n(<NowWorkingList entries={workHomeModel(running(3), ANA, T0 + 10 * MIN).nowWorking} onPause={pause} />);
    const list = entries();
    expect(list.map((li) => li.dataset['taskId'])).toEqual(['t1', 't2', 't3']);
    expect(list.map((li) => within(li).getByRole('timer').textContent)).toEqual(['9:00', '8:00', '7:00']);
    expect(list.map((li) => within(li).getByRole('link').textContent)).toEqual(['Tarea 1', 'Tarea 2', 'Tarea 3']);
    const second = list[1];
    if (second === undefined) throw new Error('no second entry');
    fireEvent.click(within(second).getByTestId('pause'));
    expect(pause).toHaveBeenCalledTimes(1);
    expect(pause).toHaveBeenCalledWith('t2');
  });

  test('an entry whose task is not in the view yet still shows, named by its id', async () => {
    await renderWithI18n(
      <NowWorkingList entries={[{ taskId: 'x9', title: null, startedAt: T0, accumulatedMs: 0, elapsedMs: 1000 }]} onPause={() => {}} />,
    );
    expect(entries()[0]?.textContent).toContain('Task x9');
  });

  test('in Spanish', async () => {
    await renderWithI18n(<NowWorkingList entries={workHomeModel(running(1), ANA, T0 + 2 * MIN).nowWorking} onPause={() => {}} />, 'es');
    expect(screen.getByTestId('pause').textContent).toBe('Pausar');
  });
});

describe('work home', () => {
  test('claim in the pool and start / release on my task call back with the action and the task id', async () => {
    const state = world()
      .as(SUP, T0)
      .act('task.create', { task_id: 'a', title: 'Poda' })
      .act('task.create', { task_id: 'b', title: 'Riego' })
      .as(ANA, T0)
      .act('task.claim', { task_id: 'a' }).state;
    const onAction = vi.fn();
    await renderWithI18n(<WorkHomeView model={workHomeModel(state, ANA, T0)} onAction={onAction} />);
    const pool = screen.getByTestId('open-pool');
    const mine = screen.getByTestId('my-tasks');
    expect(within(pool).getAllByTestId('task-card').map((c) => c.dataset['taskId'])).toEqual(['b']);
    fireEvent.click(within(pool).getByTestId('claim'));
    fireEvent.click(within(mine).getByTestId('start'));
    fireEvent.click(within(mine).getByTestId('release'));
    expect(onAction.mock.calls).toEqual([
      ['claim', 'b'],
      ['start', 'a'],
      ['release', 'a'],
    ]);
    expect(within(mine).queryByTestId('claim')).toBeNull();
    expect(screen.getByTestId('now-working').dataset['count']).toBe('0');
  });

  test('a task in the open pool shows Claim and never Complete or Release', async () => {
    const state = world().as(SUP, T0).act('task.create', { task_id: 'a', title: 'Poda' }).state;
    await renderWithI18n(<WorkHomeView model={workHomeModel(state, ANA, T0)} onAction={() => {}} />);
    const pool = screen.getByTestId('open-pool');
    expect(within(pool).getAllByRole('button').map((button) => button.dataset['testid'])).toEqual(['claim']);
  });
});
