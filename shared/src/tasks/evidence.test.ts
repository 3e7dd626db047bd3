import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ruleContext } from '../context.ts';
import type { Actor } from '../context.ts';
import { applyIntent } from '../intents/apply-intent.ts';
import type { Intent } from '../intents/intent.ts';
import type { Result } from '../result.ts';
import type { Effect } from '../effects.ts';
import { applyEffects, rowsOfTable, stateFrom } from '../state.ts';
import type { State } from '../state.ts';
import { MINUTE, SECOND, toIso } from '../time.ts';
import type { Millis } from '../time.ts';
import { sweepStale } from './stale-sweep.ts';
import { checkTaskInvariants, taskTablesOf } from './task-invariants.ts';
import { actor, itemRow, T0, taskRow } from './testing.ts';

const CUTOFF = 3 * MINUTE;
const w1 = actor('w1');
const w2 = actor('w2');
const boss = actor('boss', 'supervisor');
const system = actor('system', 'admin');

let n = 0;

/**
 * Runs one intent as the authority would: `at` is when it took effect (the
 * device's time, corrected), `serverNow` when the server recorded it.
 */
function act(state: State, who: Actor, kind: Intent['kind'], args: unknown, at: Millis, serverNow: Millis = at, occurredAt: Millis = at): { state: State; result: Result<Effect[]> } {
  const id = `i${++n}`;
  const intent = { id, kind, args, occurred_at: toIso(occurredAt) } as Intent;
  const result = applyIntent(state, intent, ruleContext(id, { now: at, actor: who, serverNow, staleCutoffMs: CUTOFF, offline: at < serverNow }));
  const next = result.ok ? applyEffects(state, result.value) : state;
  expect(checkTaskInvariants(taskTablesOf(next))).toEqual([]);
  return { state: next, result };
}

function accepted(state: State, who: Actor, kind: Intent['kind'], args: unknown, at: Millis, serverNow: Millis = at, occurredAt: Millis = at): State {
  const { state: next, result } = act(state, who, kind, args, at, serverNow, occurredAt);
  if (!result.ok) throw new Error(`${kind} refused: ${result.error.code} ${result.error.message}`);
  return next;
}

function sweep(state: State, at: Millis): State {
  const next = applyEffects(state, sweepStale(state, CUTOFF, ruleContext('sweep', { now: at, actor: system })));
  expect(checkTaskInvariants(taskTablesOf(next))).toEqual([]);
  return next;
}

function session(state: State) {
  const rows = rowsOfTable(state, 'work_sessions').sort((a, b) => a.started_at - b.started_at);
  return rows[0]!;
}

/** w1 started task A at T0 online, beat at T0+1 min, then went quiet; the sweep ran at T0+5 min. */
function sweptAfterOneMinute(): State {
  let state = stateFrom({ tasks: [taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0 })] });
  state = accepted(state, w1, 'work.start', { task_id: 'A' }, T0);
  state = accepted(state, w1, 'work.heartbeat', { task_id: 'A' }, T0 + MINUTE);
  state = sweep(state, T0 + 5 * MINUTE);
  expect(session(state)).toMatchObject({ ended_at: T0 + MINUTE, ended_reason: 'stale_timeout', closed_at: T0 + 5 * MINUTE });
  return state;
}

const totalOf = (state: State) => rowsOfTable(state, 'user_task_totals').find((t) => t.user_id === 'w1' && t.task_id === 'A')?.accumulated_ms;

describe('late evidence extends a session the sweep closed', () => {
  test('a chain of late heartbeats, each within the cutoff of the one before, extends it to the last', () => {
    let state = sweptAfterOneMinute();
    const server = T0 + 60 * MINUTE;
    for (let beat = 2; beat <= 11; beat++) state = accepted(state, w1, 'work.heartbeat', { task_id: 'A' }, T0 + beat * MINUTE, server);
    expect(session(state)).toMatchObject({ ended_at: T0 + 11 * MINUTE, ended_reason: 'stale_timeout', extended_by_owner: false });
    expect(state.tasks.get('A')).toMatchObject({ status: 'on-hold', time_spent_ms: 11 * MINUTE });
    expect(totalOf(state)).toBe(11 * MINUTE);
  });

  test('one heartbeat whose alive_since reaches back to the end extends it in one step, and is audited', () => {
    const state = sweptAfterOneMinute();
    const beat = T0 + 61 * MINUTE;
    const { state: next, result } = act(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE) }, beat, T0 + 120 * MINUTE);
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.adjustment).toBeUndefined();
    expect(session(next)).toMatchObject({ ended_at: beat, ended_reason: 'stale_timeout' });
    expect(next.tasks.get('A')?.time_spent_ms).toBe(61 * MINUTE);
    expect(rowsOfTable(next, 'audit_log')).toEqual([
      expect.objectContaining({ entity: 'work_session', action: 'work.extended_by_evidence', old_value: { ended_at: T0 + MINUTE, ended_reason: 'stale_timeout' } }),
    ]);
  });

  test('alive_since is measured on the device clock: a device an hour behind still reaches back', () => {
    const state = sweptAfterOneMinute();
    const skew = -60 * MINUTE;
    // The device recorded alive_since and the beat on its own clock; the server corrected only the beat's time.
    const { state: next } = act(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE + skew) }, T0 + 30 * MINUTE, T0 + 90 * MINUTE, T0 + 30 * MINUTE + skew);
    expect(session(next).ended_at).toBe(T0 + 30 * MINUTE);
  });

  test('evidence within the cutoff of server now reopens the session: task back in progress, counted time taken out', () => {
    const state = sweptAfterOneMinute();
    const now = T0 + 20 * MINUTE;
    const { state: next, result } = act(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE) }, now - MINUTE, now);
    expect(result.ok).toBe(true);
    expect(session(next)).toMatchObject({ ended_at: null, ended_reason: null, closed_at: null, last_heartbeat_at: now - MINUTE });
    expect(next.tasks.get('A')).toMatchObject({ status: 'in-progress', time_spent_ms: 0 });
    expect(totalOf(next)).toBe(0);
    expect(rowsOfTable(next, 'audit_log').map((a) => a.action)).toEqual(['work.reopened_by_evidence']);
    // It runs on as if it had never gone stale: a pause closes it with all the time.
    const paused = accepted(next, w1, 'work.pause', { task_id: 'A' }, now + MINUTE);
    expect(paused.tasks.get('A')).toMatchObject({ status: 'on-hold', time_spent_ms: 21 * MINUTE });
  });

  test('no reopening when something else changed the task since the sweep: closed at the evidence instead', () => {
    let state = sweptAfterOneMinute();
    state = accepted(state, boss, 'task.set_status', { task_id: 'A', status: 'todo' }, T0 + 10 * MINUTE);
    const { state: next, result } = act(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE) }, T0 + 9 * MINUTE, T0 + 11 * MINUTE);
    expect(result.ok && result.adjustment).toBeUndefined();
    expect(session(next)).toMatchObject({ ended_at: T0 + 9 * MINUTE, ended_reason: 'stale_timeout' });
    expect(next.tasks.get('A')?.status).toBe('todo');
  });

  test('a later event on the task bounds the extension, and the outcome says so', () => {
    let state = sweptAfterOneMinute();
    state = accepted(state, boss, 'task.set_status', { task_id: 'A', status: 'todo' }, T0 + 10 * MINUTE);
    const { state: next, result } = act(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE) }, T0 + 40 * MINUTE, T0 + 60 * MINUTE);
    expect(result.ok && result.adjustment).toMatch(/until .*next changed/);
    expect(session(next).ended_at).toBe(T0 + 10 * MINUTE);
    expect(next.tasks.get('A')?.time_spent_ms).toBe(10 * MINUTE);
  });

  test("while the owner works in a new session, late evidence goes to it and the one before keeps the sweep's answer", () => {
    let state = sweptAfterOneMinute();
    state = accepted(state, w1, 'work.start', { task_id: 'A' }, T0 + 30 * MINUTE);
    const { state: next, result } = act(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE) }, T0 + 40 * MINUTE, T0 + 41 * MINUTE);
    expect(result.ok && result.adjustment).toBeUndefined();
    const [first, second] = rowsOfTable(next, 'work_sessions').sort((a, b) => a.started_at - b.started_at);
    expect(first).toMatchObject({ ended_at: T0 + MINUTE, ended_reason: 'stale_timeout' });
    expect(second).toMatchObject({ ended_at: null, last_heartbeat_at: T0 + 40 * MINUTE });
  });

  test("another person's session bounds the extension of the owner's (a supervisor released the task, someone else started it)", () => {
    let state = sweptAfterOneMinute();
    state = accepted(state, boss, 'task.release', { task_id: 'A' }, T0 + 20 * MINUTE);
    state = accepted(state, w2, 'task.claim', { task_id: 'A' }, T0 + 21 * MINUTE);
    state = accepted(state, w2, 'work.start', { task_id: 'A' }, T0 + 22 * MINUTE);
    const { state: next, result } = act(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE) }, T0 + 40 * MINUTE, T0 + 41 * MINUTE);
    expect(result.ok && result.adjustment).toMatch(/next changed/);
    // The task row keeps only its latest change, so the bound is the other session's start, not the release before it.
    expect(rowsOfTable(next, 'work_sessions').find((s) => s.user_id === 'w1')?.ended_at).toBe(T0 + 22 * MINUTE);
  });

  test('a late pause ends the extended session at its own time', () => {
    let state = sweptAfterOneMinute();
    const server = T0 + 60 * MINUTE;
    state = accepted(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE) }, T0 + 10 * MINUTE, server);
    state = accepted(state, w1, 'work.pause', { task_id: 'A' }, T0 + 11 * MINUTE, server);
    expect(session(state)).toMatchObject({ ended_at: T0 + 11 * MINUTE, ended_reason: 'pause' });
    expect(state.tasks.get('A')).toMatchObject({ status: 'on-hold', time_spent_ms: 11 * MINUTE });
  });

  test('a late complete ends it at its own time and completes the task', () => {
    let state = sweptAfterOneMinute();
    state = accepted(state, w1, 'task.complete', { task_id: 'A' }, T0 + 3 * MINUTE, T0 + 60 * MINUTE);
    expect(session(state)).toMatchObject({ ended_at: T0 + 3 * MINUTE, ended_reason: 'complete' });
    expect(state.tasks.get('A')).toMatchObject({ status: 'done', time_spent_ms: 3 * MINUTE });
  });

  test('a late checklist tick is evidence too', () => {
    let state = stateFrom({
      tasks: [taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0, status: 'on-hold' })],
      checklist_items: [itemRow({ id: 'c1', task_id: 'A', status: 2 }), itemRow({ id: 'c2', task_id: 'A', status: 1, position: 1 })],
    });
    state = accepted(state, w1, 'work.start', { task_id: 'A' }, T0);
    state = sweep(state, T0 + 5 * MINUTE);
    state = accepted(state, w1, 'checklist.set_status', { checklist_item_id: 'c2', status: 2 }, T0 + 2 * MINUTE, T0 + 60 * MINUTE);
    expect(session(state)).toMatchObject({ ended_at: T0 + 2 * MINUTE, ended_reason: 'stale_timeout' });
  });

  test('the same evidence applied twice is applied once', () => {
    const state = sweptAfterOneMinute();
    const args = { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE) };
    const once = accepted(state, w1, 'work.heartbeat', args, T0 + 30 * MINUTE, T0 + 60 * MINUTE);
    const { state: twice, result } = act(once, w1, 'work.heartbeat', args, T0 + 30 * MINUTE, T0 + 61 * MINUTE);
    expect(result).toEqual({ ok: true, value: [] });
    expect(twice).toBe(once);
  });

  test("someone else's evidence never extends the owner's session", () => {
    const state = sweptAfterOneMinute();
    const { result } = act(state, w2, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 2 * MINUTE) }, T0 + 10 * MINUTE, T0 + 60 * MINUTE);
    expect(result.ok ? null : result.error.code).toBe('CONFLICT_INVALID_STATE');
  });
});

describe('a gap nobody vouched for', () => {
  test('evidence that starts more than a cutoff after the end changes nothing and says why', () => {
    const state = sweptAfterOneMinute();
    const { state: next, result } = act(state, w1, 'work.heartbeat', { task_id: 'A' }, T0 + 60 * MINUTE, T0 + 60 * MINUTE);
    expect(next).toBe(state);
    expect(result.ok ? null : result.error).toMatchObject({ code: 'CONFLICT_INVALID_STATE', message: expect.stringMatching(/went quiet/) });
  });

  test('the owner claims it back: extended to until, marked, totals exact, audited', () => {
    const state = sweptAfterOneMinute();
    const id = session(state).id;
    const { state: next, result } = act(state, w1, 'work.extend', { session_id: id, until: toIso(T0 + 45 * MINUTE) }, T0 + 50 * MINUTE);
    expect(result.ok && result.adjustment).toBeUndefined();
    expect(session(next)).toMatchObject({ ended_at: T0 + 45 * MINUTE, ended_reason: 'stale_timeout', extended_by_owner: true });
    expect(next.tasks.get('A')?.time_spent_ms).toBe(45 * MINUTE);
    expect(totalOf(next)).toBe(45 * MINUTE);
    expect(rowsOfTable(next, 'audit_log').map((a) => a.action)).toEqual(['work.extend']);
  });

  test('a claim never overlaps the next session: it stops at its start and says so', () => {
    let state = sweptAfterOneMinute();
    state = accepted(state, w1, 'work.start', { task_id: 'A' }, T0 + 30 * MINUTE);
    const { state: next, result } = act(state, w1, 'work.extend', { session_id: session(state).id, until: toIso(T0 + 45 * MINUTE) }, T0 + 50 * MINUTE);
    expect(result.ok && result.adjustment).toBeDefined();
    expect(session(next).ended_at).toBe(T0 + 30 * MINUTE);
  });

  test.each([
    ['until before the end', w1, T0, 'INVALID_INPUT'],
    ['until after now', w1, T0 + 51 * MINUTE, 'INVALID_INPUT'],
    ["someone else's session", w2, T0 + 45 * MINUTE, 'FORBIDDEN'],
  ] as const)('%s is refused and changes nothing', (_name, who, until, code) => {
    const state = sweptAfterOneMinute();
    const { state: next, result } = act(state, who, 'work.extend', { session_id: session(state).id, until: toIso(until) }, T0 + 50 * MINUTE);
    expect(result.ok ? null : result.error.code).toBe(code);
    expect(next).toBe(state);
  });

  test('a session that did not go stale cannot be extended (409)', () => {
    let state = stateFrom({ tasks: [taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0 })] });
    state = accepted(state, w1, 'work.start', { task_id: 'A' }, T0);
    state = accepted(state, w1, 'work.pause', { task_id: 'A' }, T0 + MINUTE);
    const { result } = act(state, w1, 'work.extend', { session_id: session(state).id, until: toIso(T0 + 2 * MINUTE) }, T0 + 3 * MINUTE);
    expect(result.ok ? null : result.error.code).toBe('CONFLICT_INVALID_STATE');
  });

  test('alive_since after the heartbeat itself is bad input', () => {
    const state = sweptAfterOneMinute();
    const { result } = act(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + 11 * MINUTE) }, T0 + 10 * MINUTE, T0 + 60 * MINUTE);
    expect(result.ok ? null : result.error.code).toBe('INVALID_INPUT');
  });
});

describe('evidence properties', () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('beat' as const), gap: fc.integer({ min: 1, max: 8 }), run: fc.integer({ min: 0, max: 20 }) }),
    fc.record({ kind: fc.constant('pause' as const), gap: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('start' as const), gap: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('sweep' as const), gap: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('extend' as const), gap: fc.integer({ min: 1, max: 8 }), back: fc.integer({ min: 0, max: 8 }) }),
    fc.record({ kind: fc.constant('late' as const), back: fc.integer({ min: 1, max: 30 }), run: fc.integer({ min: 0, max: 20 }) }),
  );

  test('random evidence, sweeps and claims never overlap sessions, never double count, and replays change nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        let state = stateFrom({ tasks: [taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0 })] });
        let now = T0;
        for (const s of steps) {
          if (s.kind !== 'late') now += s.gap * MINUTE;
          const lateAt = s.kind === 'late' ? Math.max(T0, now - s.back * MINUTE) : now;
          const run = 'run' in s ? s.run * MINUTE : 0;
          let kind: Intent['kind'];
          let args: unknown;
          switch (s.kind) {
            case 'sweep':
              state = sweep(state, now);
              continue;
            case 'beat':
            case 'late':
              kind = 'work.heartbeat';
              args = { task_id: 'A', alive_since: toIso(lateAt - run) };
              break;
            case 'pause':
              kind = 'work.pause';
              args = { task_id: 'A' };
              break;
            case 'start':
              kind = 'work.start';
              args = { task_id: 'A' };
              break;
            case 'extend': {
              const stale = rowsOfTable(state, 'work_sessions').find((r) => r.ended_reason === 'stale_timeout');
              if (stale === undefined) continue;
              kind = 'work.extend';
              args = { session_id: stale.id, until: toIso(now - s.back * MINUTE) };
              break;
            }
          }
          const { state: next, result } = act(state, w1, kind, args, lateAt, now);
          if (result.ok) {
            // The same intent again (a replay) changes nothing.
            const again = act(next, w1, kind, args, lateAt, now).result;
            if (kind !== 'work.start' && kind !== 'work.pause') expect(again.ok ? again.value.filter((e) => e.table !== 'audit_log') : []).toEqual([]);
          }
          state = next;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('time spent is exact', () => {
  test('an hour out of signal with beats every minute keeps the hour', () => {
    let state = stateFrom({ tasks: [taskRow({ id: 'A', claimed_by: 'w1', assigned_at: T0 })] });
    state = accepted(state, w1, 'work.start', { task_id: 'A' }, T0);
    state = sweep(state, T0 + 4 * MINUTE);
    // Back online at T0 + 61 min with one coalesced beat and the pause.
    const server = T0 + 61 * MINUTE;
    state = accepted(state, w1, 'work.heartbeat', { task_id: 'A', alive_since: toIso(T0 + SECOND) }, T0 + 59 * MINUTE, server);
    state = accepted(state, w1, 'work.pause', { task_id: 'A' }, T0 + 60 * MINUTE, server);
    expect(state.tasks.get('A')).toMatchObject({ status: 'on-hold', time_spent_ms: 60 * MINUTE });
  });
});
