import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ChecklistStatus, TaskStatus } from '@stint/shared';
import { BookingsView } from './Bookings.tsx';
import { bookingsModel } from './bookings-model.ts';
import { RunnerView } from './RunRunner.tsx';
import { runRunnerModel } from './run-runner-model.ts';
import { RunsView } from './Runs.tsx';
import { runsModel } from './runs-model.ts';
import { TaskDetailView } from './TaskDetail.tsx';
import { taskDetailModel } from './task-detail-model.ts';
import { ANA, SUP, T0, USERS, withSop, world } from './testing.ts';
import { renderWithI18n } from '../test-render.tsx';

afterEach(cleanup);

const noop = (): void => {};

describe('task detail view', () => {
  function checklistTask() {
    return world()
      .as(SUP, T0)
      .act('task.create', { task_id: 't1', title: 'Inventario' })
      .act('checklist.add', { checklist_item_id: 'c1', task_id: 't1', title: 'Estantería A' })
      .act('checklist.add', { checklist_item_id: 'c2', task_id: 't1', title: 'Estantería B' })
      .as(ANA, T0)
      .act('task.claim', { task_id: 't1' })
      .act('checklist.set_status', { checklist_item_id: 'c1', status: ChecklistStatus.done }).state;
  }

  test('a checklist task shows the derived badge, no manual status buttons, and a tap on an item sets its status', async () => {
    const onSetItem = vi.fn();
    await renderWithI18n(
      <TaskDetailView model={taskDetailModel(checklistTask(), ANA, T0, 't1')} me="ana" users={USERS} onAction={noop} onSetStatus={noop} onSetItem={onSetItem} />,
    );
    expect(screen.getByTestId('derived-badge').textContent).toBe('Status from checklist: 1 of 2 items done');
    expect(screen.queryByTestId('status-options')).toBeNull();
    expect(screen.queryByTestId(/^set-status-/)).toBeNull();
    const items = screen.getAllByTestId('checklist-item');
    expect(items.map((li) => [li.dataset['itemId'], li.dataset['status']])).toEqual([
      ['c1', '3'],
      ['c2', '1'],
    ]);
    const second = items[1];
    if (second === undefined) throw new Error('no item c2');
    fireEvent.click(within(second).getByTestId('check-item'));
    fireEvent.click(within(second).getByTestId('item-status-4'));
    expect(onSetItem.mock.calls).toEqual([
      ['c2', ChecklistStatus.done],
      ['c2', ChecklistStatus.skipped],
    ]);
  });

  test('an atomic task offers the status buttons the rules allow; the current one is pressed and disabled', async () => {
    const state = world().as(SUP, T0).act('task.create', { task_id: 't1', title: 'Revisar' }).as(ANA, T0).act('task.claim', { task_id: 't1' }).state;
    const onSetStatus = vi.fn();
    const onAction = vi.fn();
    await renderWithI18n(
      <TaskDetailView model={taskDetailModel(state, ANA, T0, 't1')} me="ana" users={USERS} onAction={onAction} onSetStatus={onSetStatus} onSetItem={noop} />,
    );
    const todo = screen.getByTestId('set-status-todo') as HTMLButtonElement;
    expect(todo.getAttribute('aria-pressed')).toBe('true');
    expect(todo.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('set-status-on-hold'));
    fireEvent.click(screen.getByTestId('start'));
    expect(onSetStatus).toHaveBeenCalledWith(TaskStatus.onHold);
    expect(onAction).toHaveBeenCalledWith('start', 't1');
    expect(screen.queryByTestId('derived-badge')).toBeNull();
  });

  test('a missing task says so', async () => {
    await renderWithI18n(<TaskDetailView model={null} me="ana" users={USERS} onAction={noop} onSetStatus={noop} onSetItem={noop} />, 'es');
    expect(screen.getByTestId('task-detail').textContent).toContain('Esta tarea no está (todavía) en este dispositivo.');
  });
});

describe('procedures and the SOP runner', () => {
  test('the procedures list starts a confirmed SOP by its id', async () => {
    const onStart = vi.fn();
    await renderWithI18n(<RunsView model={runsModel(withSop(world(), T0).state, ANA, T0)} onStart={onStart} />);
    fireEvent.click(screen.getByTestId('start-run'));
    expect(onStart).toHaveBeenCalledWith('sop1');
    expect(screen.getByTestId('my-runs').dataset['count']).toBe('0');
  });

  test('step 1 of 3 requires a check: Fail sends the notes, then they are cleared once accepted', async () => {
    const state = withSop(world(), T0).as(ANA, T0).act('run.start', { session_id: 'r1', sop_id: 'sop1' }).state;
    const onCheck = vi.fn(() => Promise.resolve(true));
    await renderWithI18n(<RunnerView model={runRunnerModel(state, ANA, T0, 'r1')} onCheck={onCheck} onPause={noop} onResume={noop} onComplete={noop} />);
    expect(screen.getByTestId('run-progress').textContent).toBe('Step 1 of 3');
    expect(screen.getByTestId('run-step').dataset['stepId']).toBe('sop1-s1');
    expect(screen.queryByTestId('step-done')).toBeNull();
    const notes = screen.getByTestId('check-notes') as HTMLTextAreaElement;
    fireEvent.change(notes, { target: { value: '  Sigue con tensión ' } });
    fireEvent.click(screen.getByTestId('check-fail'));
    expect(onCheck).toHaveBeenCalledWith('sop1-s1', 'failed', 'Sigue con tensión');
    await waitFor(() => expect(notes.value).toBe(''));
    fireEvent.click(screen.getByTestId('check-pass'));
    expect(onCheck).toHaveBeenLastCalledWith('sop1-s1', 'passed', '');
  });

  test('a step without a check has one Done button that records a pass', async () => {
    const state = withSop(world(), T0)
      .as(ANA, T0)
      .act('run.start', { session_id: 'r1', sop_id: 'sop1' })
      .act('run.check', { session_id: 'r1', step_id: 'sop1-s1', result: 'passed' }).state;
    const onCheck = vi.fn(() => Promise.resolve(true));
    await renderWithI18n(<RunnerView model={runRunnerModel(state, ANA, T0, 'r1')} onCheck={onCheck} onPause={noop} onResume={noop} onComplete={noop} />);
    expect(screen.getByTestId('run-progress').textContent).toBe('Step 2 of 3');
    expect(screen.queryByTestId('check-pass')).toBeNull();
    fireEvent.click(screen.getByTestId('step-done'));
    expect(onCheck).toHaveBeenCalledWith('sop1-s2', 'passed', '');
  });

  test('an approved run shows the locked banner and no actions', async () => {
    const state = withSop(world(), T0)
      .as(ANA, T0)
      .act('run.start', { session_id: 'r1', sop_id: 'sop1' })
      .act('run.complete', { session_id: 'r1' })
      .as(SUP, T0 + 1000)
      .act('run.approve', { session_id: 'r1' }).state;
    await renderWithI18n(<RunnerView model={runRunnerModel(state, ANA, T0, 'r1')} onCheck={() => Promise.resolve(true)} onPause={noop} onResume={noop} onComplete={noop} />, 'es');
    expect(screen.getByTestId('locked-banner').textContent).toContain('bloqueado');
    expect(screen.queryByTestId('check-pass')).toBeNull();
    expect(screen.queryByTestId('complete')).toBeNull();
    expect(screen.queryByTestId('pause')).toBeNull();
  });

  test('finishing early asks first and does nothing when declined', async () => {
    const state = withSop(world(), T0).as(ANA, T0).act('run.start', { session_id: 'r1', sop_id: 'sop1' }).state;
    const onComplete = vi.fn();
    const answers = [false, true];
    await renderWithI18n(
      <RunnerView
        model={runRunnerModel(state, ANA, T0, 'r1')}
        onCheck={() => Promise.resolve(true)}
        onPause={noop}
        onResume={noop}
        onComplete={onComplete}
        confirm={() => answers.shift() ?? false}
      />,
    );
    fireEvent.click(screen.getByTestId('complete'));
    expect(onComplete).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('complete'));
    expect(onComplete).toHaveBeenCalledTimes(1);
  });
});

describe('bookings view', () => {
  test('shows the local time range, the partner and the live status; start calls back with the booking id', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const state = world()
      .as(SUP, T0)
      .act('booking.create', { booking_id: 'b1', mentor_id: 'luis', student_id: 'ana', start_time: iso(T0 + 3_600_000), end_time: iso(T0 + 7_200_000) }).state;
    const onStart = vi.fn();
    await renderWithI18n(<BookingsView cards={bookingsModel(state, ANA, T0, USERS)} onStart={onStart} onComplete={noop} timeZone="Europe/Madrid" />);
    const card = screen.getByTestId('booking-card');
    expect(card.dataset['status']).toBe('SCHEDULED');
    // 09:00Z–10:00Z is 10:00–11:00 in Madrid (CET, UTC+1, in March before the change).
    expect(within(card).getByTestId('booking-time').textContent).toMatch(/10:00.*11:00/);
    expect(within(card).getByTestId('booking-partner').textContent).toBe('Mentor: Luis Pérez');
    expect(within(card).queryByTestId('complete')).toBeNull();
    fireEvent.click(within(card).getByTestId('start'));
    expect(onStart).toHaveBeenCalledWith('b1');
  });

  test('no bookings: the empty state', async () => {
    await renderWithI18n(<BookingsView cards={[]} onStart={noop} onComplete={noop} />, 'es');
    expect(screen.getByTestId('bookings').textContent).toBe('No tienes reservas.');
  });
});
