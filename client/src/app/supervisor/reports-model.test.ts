import { stateFrom } from '@stint/shared';
import { describe, expect, test } from 'vitest';
import { lastDays, reportsModel, toHours } from './reports-model.ts';
import { session, task, user } from './testing.ts';

const H = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);
const users = new Map([user('w1', 'Ana'), user('w.2', 'Bruno')].map((u) => [u.id, u]));
const all = { from: '', to: '' };

function world() {
  return stateFrom({
    tasks: [task('t1', 'Pump'), task('t2', 'Valve')],
    work_sessions: [
      // Madrid, 22:00 → 02:00 local across midnight (winter +01:00): 2 h on the 14th, 2 h on the 15th.
      session('s1', 't1', 'w1', { started_at: utc('2025-01-14T21:00:00Z'), ended_at: utc('2025-01-15T01:00:00Z'), ended_reason: 'pause', zone: 'Europe/Madrid' }),
      // New York, same instants are 16:00 → 20:00 local: all on the 14th.
      session('s2', 't2', 'w.2', { started_at: utc('2025-01-14T21:00:00Z'), ended_at: utc('2025-01-15T01:00:00Z'), ended_reason: 'complete', zone: 'America/New_York' }),
      // Open since 23:30 Madrid on the 15th; now is 01:00 Madrid on the 16th.
      session('s3', 't2', 'w1', { started_at: utc('2025-01-15T22:30:00Z'), zone: 'Europe/Madrid' }),
    ],
  });
}
const now = utc('2025-01-16T00:00:00Z');

describe('reports model', () => {
  test('time per task counts closed sessions and open ones up to now', () => {
    const model = reportsModel(world(), users, now, all);
    expect(model.perTask.map((t) => [t.title, t.ms / H])).toEqual([
      ['Valve', 5.5],
      ['Pump', 4],
    ]);
    expect(model.sessions).toBe(3);
    expect(model.totalMs).toBe(9.5 * H);
    expect(model.unit).toBe('h');
    expect(model.perTask.map((t) => t.value)).toEqual([5.5, 4]);
  });

  test('time per worker per day splits at local midnight of each session’s own zone', () => {
    const { days, workers } = reportsModel(world(), users, now, all).perWorkerDay;
    expect(workers).toEqual([
      { key: 'k0', userId: 'w1', name: 'Ana' },
      { key: 'k1', userId: 'w.2', name: 'Bruno' },
    ]);
    expect(days).toEqual([
      { day: '2025-01-14', k0: 2, k1: 4 },
      { day: '2025-01-15', k0: 2.5, k1: 0 },
      { day: '2025-01-16', k0: 1, k1: 0 },
    ]);
  });

  test('a day range keeps only the time inside it, and both charts agree on the total', () => {
    const model = reportsModel(world(), users, now, { from: '2025-01-15', to: '2025-01-15' });
    expect(model.perTask.map((t) => [t.title, t.ms / H])).toEqual([
      ['Pump', 2],
      ['Valve', 0.5],
    ]);
    expect(model.perWorkerDay.days).toEqual([{ day: '2025-01-15', k0: 2.5 }]);
    expect(model.perWorkerDay.workers.map((w) => w.name)).toEqual(['Ana']);
    expect(model.sessions).toBe(2);
  });

  test('a DST night counts its real hours (23 h local day in Madrid on 2025-03-30)', () => {
    const state = stateFrom({
      tasks: [task('t1', 'Night shift')],
      work_sessions: [session('s', 't1', 'w1', { started_at: utc('2025-03-29T23:00:00Z'), ended_at: utc('2025-03-30T22:00:00Z'), zone: 'Europe/Madrid' })],
    });
    const model = reportsModel(state, users, now, all);
    expect(model.perWorkerDay.days).toEqual([{ day: '2025-03-30', k0: 23 }]);
  });

  test('when no bar reaches an hour the charts use minutes', () => {
    const state = stateFrom({
      tasks: [task('t1', 'Pump')],
      work_sessions: [session('s', 't1', 'w1', { started_at: utc('2025-01-14T10:00:00Z'), ended_at: utc('2025-01-14T10:45:30Z') })],
    });
    const model = reportsModel(state, users, now, all);
    expect(model.unit).toBe('min');
    expect(model.perTask.map((t) => t.value)).toEqual([45.5]);
    expect(model.perWorkerDay.days).toEqual([{ day: '2025-01-14', k0: 45.5 }]);
  });

  test('an open session that starts after now counts nothing', () => {
    const state = stateFrom({ work_sessions: [session('s', 't1', 'w1', { started_at: now + H })] });
    expect(reportsModel(state, users, now, all)).toMatchObject({ perTask: [], sessions: 0, totalMs: 0 });
  });

  test('counts the sessions whose owner claimed time back, and their time in range', () => {
    const state = stateFrom({
      tasks: [task('t1', 'Pump')],
      work_sessions: [
        // Closed by the stale sweep, then extended by Ana to 12:00 Madrid: 3 h on the 14th.
        session('s1', 't1', 'w1', { started_at: utc('2025-01-14T08:00:00Z'), ended_at: utc('2025-01-14T11:00:00Z'), ended_reason: 'stale_timeout', extended_by_owner: true }),
        session('s2', 't1', 'w1', { started_at: utc('2025-01-14T12:00:00Z'), ended_at: utc('2025-01-14T13:00:00Z'), ended_reason: 'pause' }),
      ],
    });
    expect(reportsModel(state, users, now, all)).toMatchObject({ sessions: 2, totalMs: 4 * H, claimedBack: { sessions: 1, ms: 3 * H } });
    expect(reportsModel(state, users, now, { from: '2025-01-15', to: '' }).claimedBack).toEqual({ sessions: 0, ms: 0 });
    expect(reportsModel(world(), users, now, all).claimedBack).toEqual({ sessions: 0, ms: 0 });
  });

  test('hours are rounded to two decimals and the default range is the last 7 local days', () => {
    expect(toHours(H + 18_000)).toBe(1.01);
    expect(lastDays(utc('2025-01-16T00:30:00Z'), 'Europe/Madrid', 7)).toEqual({ from: '2025-01-10', to: '2025-01-16' });
    expect(lastDays(utc('2025-01-16T00:30:00Z'), 'America/New_York', 7)).toEqual({ from: '2025-01-09', to: '2025-01-15' });
  });
});
