import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { applyEffects, applyIntent, TASK_STATUSES } from '@stint/shared';
import type { IntentKind, State } from '@stint/shared';
import { pendingRow } from './journal.ts';
import type { JournalRow } from './journal.ts';
import { overlayOf, replay, replayContext, replayTime } from './replay.ts';
import type { ReplayEnv } from './replay.ts';
import { MemoryServer } from './testing/memory-server.ts';
import { SUPERVISOR, T0, WORKER } from './testing/fixtures.ts';

const env: ReplayEnv = { actor: WORKER, zone: 'UTC', offsetMs: 0, serverNow: T0, staleCutoffMs: 180_000 };

function base(): State {
  const server = new MemoryServer({ clock: () => T0 });
  for (const id of ['t1', 't2']) server.run(SUPERVISOR, `seed-${id}`, 'task.create', { task_id: id, title: id, status: 'todo' });
  return server.state;
}

let seq = 0;
function row(kind: IntentKind, args: unknown, extra: Partial<JournalRow> = {}): JournalRow {
  seq += 1;
  return { ...pendingRow(`i-${seq}`, kind, args, T0 + seq * 1_000), seq, created_at: T0, ...extra };
}

describe('overlay', () => {
  test('holds pending and accepted intents the replica does not show yet, never rejected ones', () => {
    const pending = row('task.claim', { task_id: 't1' });
    const accepted = row('work.start', { task_id: 't1' }, { phase: 'decided', status: 'accepted', effective_at: T0 });
    const adjusted = row('work.pause', { task_id: 't1' }, { phase: 'decided', status: 'accepted_with_adjustment', effective_at: T0 });
    const rejected = row('task.claim', { task_id: 't2' }, { phase: 'decided', status: 'rejected', code: 'CONFLICT_CLAIMED' });
    const shown = row('work.heartbeat', { task_id: 't1' }, { phase: 'decided', status: 'accepted', effective_at: T0 });
    const rows = [pending, accepted, adjusted, rejected, shown];
    expect(overlayOf(rows, new Set([shown.id])).map((r) => r.id)).toEqual([pending.id, accepted.id, adjusted.id]);
    // A pending row whose outcome the replica already shows (the answer was lost) is not replayed twice.
    expect(overlayOf(rows, new Set([pending.id, shown.id])).map((r) => r.id)).toEqual([accepted.id, adjusted.id]);
  });
});

describe('replay', () => {
  test('applies the overlay through the rules in seq order, with the server’s row ids', () => {
    const state = base();
    const claim = row('task.claim', { task_id: 't1' });
    const start = row('work.start', { task_id: 't1' });
    const view = replay(state, [claim, start], env);
    expect(view.tasks.get('t1')).toMatchObject({ status: 'in-progress', claimed_by: 'w1' });
    const [session] = view.work_sessions.values();
    expect(session?.id.startsWith(`${start.id}:`)).toBe(true);
    expect(session?.started_at).toBe(start.occurred_at);
  });

  test('skips an intent the rules refuse and goes on with the rest', () => {
    const view = replay(base(), [row('work.start', { task_id: 't1' }), row('task.claim', { task_id: 't2' })], env);
    expect(view.tasks.get('t1')?.status).toBe('todo');
    expect(view.tasks.get('t2')?.claimed_by).toBe('w1');
  });

  test('never mutates the base state and returns it as is for an empty overlay', () => {
    const state = base();
    const t1 = state.tasks.get('t1');
    expect(replay(state, [], env)).toBe(state);
    replay(state, [row('task.claim', { task_id: 't1' }), row('work.start', { task_id: 't1' })], env);
    expect(state.tasks.get('t1')).toBe(t1);
    expect(state.work_sessions.size).toBe(0);
  });

  test('times a pending intent at its device time plus the offset, a decided one at the server’s time', () => {
    const pending = row('task.claim', { task_id: 't1' });
    expect(replayTime(pending, 5_000)).toBe(pending.occurred_at + 5_000);
    expect(replayTime({ ...pending, effective_at: T0 + 42 }, 5_000)).toBe(T0 + 42);
  });

  test('replays a pending intent as the server would decide it now, a decided one as it was decided', () => {
    const pending = row('work.heartbeat', { task_id: 't1' });
    const later = { ...env, offsetMs: 5_000, serverNow: pending.occurred_at + 60_000 };
    expect(replayContext(pending, later)).toMatchObject({ now: pending.occurred_at + 5_000, serverNow: pending.occurred_at + 60_000, staleCutoffMs: 180_000, zone: 'UTC' });
    // Decided: at its effective time, while the server's clock read the moment its answer came (device time + offset).
    const decided = { ...pending, phase: 'decided' as const, status: 'accepted' as const, effective_at: T0 + 42, decided_at: pending.occurred_at + 600_000 };
    expect(replayContext(decided, later)).toMatchObject({ now: T0 + 42, serverNow: pending.occurred_at + 605_000 });
    // The device clock behind the intent's own time never puts the server's now before it.
    expect(replayContext(pending, { ...later, serverNow: T0 }).serverNow).toBe(pending.occurred_at + 5_000);
    expect(replayContext(pending, later).newId('session')).toBe(`${pending.id}:session`);
  });

  test('matches a naive fold with immutable applyEffects for random task intents', () => {
    const kinds = ['task.claim', 'task.release', 'work.start', 'work.pause', 'work.heartbeat', 'task.complete', 'task.set_status'] as const;
    const intentArb = fc.record({
      kind: fc.constantFrom(...kinds),
      task: fc.constantFrom('t1', 't2', 't3'),
      status: fc.constantFrom(...TASK_STATUSES),
      decided: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(intentArb, { maxLength: 25 }), fc.integer({ min: -60_000, max: 60_000 }), (specs, offsetMs) => {
        const rows = specs.map((s) =>
          row(s.kind, s.kind === 'task.set_status' ? { task_id: s.task, status: s.status } : { task_id: s.task }, s.decided ? { phase: 'decided', status: 'accepted', effective_at: T0 + 500 } : {}),
        );
        const state = base();
        let expected = state;
        for (const r of rows) {
          const result = applyIntent(expected, { id: r.id, kind: r.kind, args: r.args, occurred_at: '' } as never, replayContext(r, { ...env, offsetMs }));
          if (result.ok) expected = applyEffects(expected, result.value);
        }
        const actual = replay(state, rows, { ...env, offsetMs });
        for (const table of Object.keys(state) as (keyof State)[]) {
          expect([...actual[table].entries()]).toEqual([...expected[table].entries()]);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
