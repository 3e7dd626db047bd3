import { stateFrom } from '@stint/shared';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { reportsModel } from './reports-model.ts';
import type { DayRange } from './reports-model.ts';
import { Reports } from './Reports.tsx';
import { session, task, user } from './testing.ts';
import { renderWithI18n } from '../test-render.tsx';

afterEach(cleanup);

const utc = (iso: string): number => Date.parse(iso);
const users = new Map([user('w1', 'Ana'), user('w2', 'Bruno')].map((u) => [u.id, u]));
const now = utc('2025-01-16T00:00:00Z');
const state = stateFrom({
  tasks: [task('t1', 'Pump'), task('t2', 'Valve')],
  work_sessions: [
    session('s1', 't1', 'w1', { started_at: utc('2025-01-14T21:00:00Z'), ended_at: utc('2025-01-15T01:00:00Z'), ended_reason: 'pause' }),
    session('s2', 't2', 'w2', { started_at: utc('2025-01-14T09:00:00Z'), ended_at: utc('2025-01-14T10:30:00Z'), ended_reason: 'pause' }),
  ],
});

describe('reports component', () => {
  test('draws one bar per task and stacked bars per worker per day, from the model', async () => {
    const range = { from: '', to: '' };
    await renderWithI18n(<Reports model={reportsModel(state, users, now, range)} range={range} onRange={() => {}} onExport={() => {}} fixedChartWidth={600} />);
    const perTask = screen.getByTestId('chart-per-task');
    expect(perTask.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(2);
    expect(within(perTask).getByText('Pump')).toBeTruthy();
    expect(within(perTask).getByText('Valve')).toBeTruthy();
    const perDay = screen.getByTestId('chart-per-worker-day');
    // Two days (14th, 15th) × two workers, minus Bruno's empty 15th.
    expect(perDay.querySelectorAll('.recharts-bar-rectangle').length).toBeGreaterThanOrEqual(3);
    expect(within(perDay).getByText('2025-01-14')).toBeTruthy();
    expect(within(perDay).getByText('Ana')).toBeTruthy();
    expect(screen.getByTestId('report-summary').textContent).toMatch(/^2 sessions, 5:30:00 in total/);
  });

  test('says how many sessions and how much time rest on a worker’s claim, and nothing when none do', async () => {
    const range = { from: '', to: '' };
    const claimed = stateFrom({
      tasks: [task('t1', 'Pump')],
      work_sessions: [session('s1', 't1', 'w1', { started_at: utc('2025-01-14T08:00:00Z'), ended_at: utc('2025-01-14T10:00:00Z'), ended_reason: 'stale_timeout', extended_by_owner: true })],
    });
    const view = await renderWithI18n(<Reports model={reportsModel(claimed, users, now, range)} range={range} onRange={() => {}} onExport={() => {}} fixedChartWidth={600} />);
    expect(screen.getByTestId('report-claimed-back').textContent).toBe('1 session includes time its worker claimed back after the device went quiet (2:00:00).');
    view.rerender(<Reports model={reportsModel(state, users, now, range)} range={range} onRange={() => {}} onExport={() => {}} fixedChartWidth={600} />);
    expect(screen.queryByTestId('report-claimed-back')).toBeNull();
  });

  test('an empty range says there is no data instead of drawing empty charts', async () => {
    const range = { from: '2024-01-01', to: '2024-01-02' };
    await renderWithI18n(<Reports model={reportsModel(state, users, now, range)} range={range} onRange={() => {}} onExport={() => {}} />, 'es');
    expect(screen.queryByTestId('chart-per-task')).toBeNull();
    expect(screen.getAllByText('No hay tiempo de trabajo en este intervalo.')).toHaveLength(2);
  });

  test('changing a date reports the new range; the export button calls the export', async () => {
    const ranges: DayRange[] = [];
    let exported = 0;
    const range = { from: '2025-01-10', to: '2025-01-16' };
    await renderWithI18n(
      <Reports model={reportsModel(state, users, now, range)} range={range} onRange={(r) => ranges.push(r)} onExport={() => (exported += 1)} />,
    );
    fireEvent.change(screen.getByTestId('report-from'), { target: { value: '2025-01-15' } });
    fireEvent.click(screen.getByTestId('export-csv'));
    expect(ranges).toEqual([{ from: '2025-01-15', to: '2025-01-16' }]);
    expect(exported).toBe(1);
  });
});
