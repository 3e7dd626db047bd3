/**
 * Properties across the supervisor models on random worlds: the board shows
 * every open session exactly once and nobody as both working and idle; the
 * reports and the CSV account for the same time.
 */
import { stateFrom } from '@stint/shared';
import type { UserRow, WorkSessionRow } from '@stint/shared';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { boardModel } from './board-model.ts';
import { csvRows } from './csv-model.ts';
import { reportsModel } from './reports-model.ts';
import { T0, session, task, user } from './testing.ts';

const H = 3_600_000;
const zones = ['Europe/Madrid', 'America/New_York', 'Asia/Kolkata', 'UTC'];

const world = fc
  .record({
    users: fc.uniqueArray(fc.constantFrom('u1', 'u2', 'u3', 'u4'), { maxLength: 4 }),
    sessions: fc.array(
      fc.record({
        task: fc.constantFrom('t1', 't2', 't3'),
        user: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'),
        start: fc.integer({ min: -72, max: 0 }),
        length: fc.option(fc.integer({ min: 0, max: 60 * 60 }), { nil: null }),
        zone: fc.constantFrom(...zones),
      }),
      { maxLength: 12 },
    ),
  })
  .map(({ users, sessions }) => ({
    users: new Map<string, UserRow>(users.map((id) => [id, user(id, `Name ${id}`)])),
    sessions: sessions.map(
      (s, i): WorkSessionRow =>
        session(`s${i}`, s.task, s.user, {
          started_at: T0 + s.start * H,
          ended_at: s.length === null ? null : T0 + s.start * H + s.length * 60_000,
          ended_reason: s.length === null ? null : 'pause',
          zone: s.zone,
        }),
    ),
  }));

describe('supervisor models on random worlds', () => {
  test('the board lists every open session exactly once, and nobody is both working and idle', () => {
    fc.assert(
      fc.property(world, ({ users, sessions }) => {
        const state = stateFrom({ tasks: [task('t1', 'A'), task('t2', 'B'), task('t3', 'C')], work_sessions: sessions });
        const model = boardModel(state, users, T0 + H);
        const shown = model.working.flatMap((w) => w.sessions.map((s) => s.sessionId)).sort();
        const open = sessions.filter((s) => s.ended_at === null).map((s) => s.id).sort();
        expect(shown).toEqual(open);
        const working = new Set(model.working.map((w) => w.userId));
        expect(model.idle.filter((w) => working.has(w.userId))).toEqual([]);
        expect(model.idle.length + [...users.keys()].filter((id) => working.has(id)).length).toBe(users.size);
        for (const w of model.working) for (const s of w.sessions) expect(s.sessionMs).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  test('per task, per worker-day and the CSV account for the same time', () => {
    fc.assert(
      fc.property(world, ({ users, sessions }) => {
        const now = T0 + H;
        const state = stateFrom({ tasks: [task('t1', 'A'), task('t2', 'B'), task('t3', 'C')], work_sessions: sessions });
        const all = { from: '', to: '' };
        const model = reportsModel(state, users, now, all);
        const perTask = model.perTask.reduce((sum, t) => sum + t.ms, 0);
        expect(perTask).toBe(model.totalMs);
        // The CSV's whole seconds per session never exceed, and are within a second of, the report's time.
        const rows = csvRows(state, users, now, all);
        const csvSeconds = rows.reduce((sum, r) => sum + Number(r.seconds), 0);
        expect(csvSeconds * 1000).toBeLessThanOrEqual(model.totalMs);
        expect(model.totalMs - csvSeconds * 1000).toBeLessThan(1000 * Math.max(1, rows.length));
        expect(rows.map((r) => r.lock_state === 'open')).toEqual(rows.map((r) => r.end_utc === ''));
      }),
      { numRuns: 300 },
    );
  });
});
