import { stateFrom } from '@stint/shared';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { boardModel } from './board-model.ts';
import { CreateTaskForm, LiveBoard } from './LiveBoard.tsx';
import type { CreateOutcome } from './LiveBoard.tsx';
import { T0, session, task, total, user } from './testing.ts';
import { renderWithI18n } from '../test-render.tsx';

afterEach(cleanup);

const MIN = 60_000;
const users = new Map([user('w1', 'Ana'), user('w2', 'Bruno'), user('w3', 'Carla')].map((u) => [u.id, u]));

function model(now: number) {
  const state = stateFrom({
    tasks: [task('t1', 'Pump', { status: 'in-progress', claimed_by: 'w1' }), task('t2', 'Valve', { status: 'in-progress', claimed_by: 'w1' }), task('t3', 'Fence')],
    work_sessions: [
      session('s1', 't1', 'w1', { started_at: T0, last_heartbeat_at: T0 }),
      session('s2', 't2', 'w1', { started_at: T0 + MIN, last_heartbeat_at: T0 + 4 * MIN, offline: true }),
    ],
    user_task_totals: [total('w1', 't1', 60 * MIN)],
  });
  return boardModel(state, users, now);
}

describe('live board component', () => {
  test('shows one card per working person with a timer per task, the idle workers and the counts', async () => {
    const now = T0 + 5 * MIN;
    await renderWithI18n(<LiveBoard model={model(now)} now={now} />);
    const cards = screen.getAllByTestId('board-worker');
    expect(cards.map((c) => c.dataset['userId'])).toEqual(['w1']);
    const sessions = within(cards[0] as HTMLElement).getAllByTestId('board-session');
    expect(sessions.map((s) => s.dataset['taskId'])).toEqual(['t1', 't2']);
    expect(within(sessions[0] as HTMLElement).getByTestId('board-timer').textContent).toBe('1:05:00');
    expect(within(sessions[1] as HTMLElement).getByTestId('board-timer').textContent).toBe('4:00');
    expect(within(sessions[1] as HTMLElement).getByTestId('board-offline').textContent).toBe('Recorded offline');
    expect(within(sessions[0] as HTMLElement).queryByTestId('board-offline')).toBeNull();
    expect(within(sessions[0] as HTMLElement).getByTestId('board-quiet').textContent).toBe('No heartbeat since 5 min ago');
    expect(screen.getAllByTestId('board-idle-worker').map((w) => w.textContent)).toEqual(['Bruno', 'Carla']);
    expect(screen.getByTestId('count-activeSessions').dataset['value']).toBe('2');
    expect(screen.getByTestId('count-unclaimedTasks').dataset['value']).toBe('1');
  });

  test('a later clock re-renders with the timers moved on', async () => {
    const view = await renderWithI18n(<LiveBoard model={model(T0 + 5 * MIN)} now={T0 + 5 * MIN} />);
    expect(screen.getAllByTestId('board-timer').map((el) => el.textContent)).toEqual(['1:05:00', '4:00']);
    const later = T0 + 6 * MIN + 7_000;
    view.rerender(<LiveBoard model={model(later)} now={later} />);
    expect(screen.getAllByTestId('board-timer').map((el) => el.textContent)).toEqual(['1:06:07', '5:07']);
  });

  test('marks time claimed back today: a list per worker, a count on the working card, a badge on a running session', async () => {
    const now = T0 + 5 * MIN;
    const state = stateFrom({
      tasks: [task('t1', 'Pump', { status: 'in-progress', claimed_by: 'w1' }), task('t2', 'Valve')],
      work_sessions: [
        session('s1', 't1', 'w1', { started_at: T0, last_heartbeat_at: now, extended_by_owner: true }),
        session('old', 't2', 'w1', { started_at: T0 - 60 * MIN, ended_at: T0 - 15 * MIN, ended_reason: 'stale_timeout', extended_by_owner: true }),
      ],
    });
    await renderWithI18n(<LiveBoard model={boardModel(state, users, now)} now={now} />);
    const [card] = screen.getAllByTestId('board-worker');
    expect(within(card as HTMLElement).getByTestId('board-claimed-back-count').textContent).toBe('1 claimed back today');
    expect(within(card as HTMLElement).getByTestId('board-claimed-back-badge').textContent).toBe('Time claimed back');
    const claimed = screen.getByTestId('board-claimed-back');
    expect(within(claimed).getAllByTestId('claimed-back-worker').map((w) => w.dataset['userId'])).toEqual(['w1']);
    expect(within(claimed).getByTestId('claimed-back-session').textContent).toMatch(/^Valve: .+–.+ \(45:00\)$/);
  });

  test('without claimed-back time there is no such list', async () => {
    await renderWithI18n(<LiveBoard model={model(T0 + 5 * MIN)} now={T0 + 5 * MIN} />);
    expect(screen.queryByTestId('board-claimed-back')).toBeNull();
    expect(screen.queryByTestId('board-claimed-back-count')).toBeNull();
    expect(screen.queryByTestId('board-claimed-back-badge')).toBeNull();
  });

  test('in Spanish, with nobody working', async () => {
    const empty = boardModel(stateFrom({}), new Map(), T0);
    await renderWithI18n(<LiveBoard model={empty} now={T0} />, 'es');
    expect(screen.getByTestId('board-none-working').textContent).toBe('Nadie está trabajando en este momento.');
    expect(screen.queryAllByTestId('board-worker')).toEqual([]);
  });

  test('the task form hands title and lines over, then clears and confirms', async () => {
    const calls: [string, string][] = [];
    const onCreate = (title: string, checklist: string): Promise<CreateOutcome> => {
      calls.push([title, checklist]);
      return Promise.resolve({ ok: true, title, items: 2 });
    };
    await renderWithI18n(<CreateTaskForm onCreate={onCreate} />);
    fireEvent.change(screen.getByTestId('create-task-title'), { target: { value: 'Pump' } });
    fireEvent.change(screen.getByTestId('create-task-checklist'), { target: { value: 'a\nb' } });
    fireEvent.submit(screen.getByTestId('create-task'));
    await waitFor(() => expect(screen.getByTestId('create-task-message').textContent).toBe('Created “Pump” with 2 checklist items.'));
    expect(calls).toEqual([['Pump', 'a\nb']]);
    expect((screen.getByTestId('create-task-title') as HTMLInputElement).value).toBe('');
  });
});
