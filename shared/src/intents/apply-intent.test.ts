import { describe, expect, test } from 'vitest';
import type { RuleContext } from '../context.ts';
import type { Role } from '../rows.ts';
import { applyEffects, stateFrom } from '../state.ts';
import type { State } from '../state.ts';
import { HOUR, MINUTE } from '../time.ts';
import { applyIntent } from './apply-intent.ts';
import { INTENT_KINDS } from './intent-definitions.ts';
import type { Intent } from './intent.ts';
import { exampleIntent } from './testing.ts';
import { ruleContext } from '../context.ts';

const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);

function ctx(user_id: string, role: Role, now: number, intentId = 'i'): RuleContext {
  return ruleContext(intentId, { now, actor: { user_id, role }, zone: 'Europe/Madrid' });
}

/** A world where every example intent's target exists: task t1 (claimed by w1) with item c1, SOP s1 with run r1 at step p1, booking b1. */
function world(): State {
  return stateFrom({
    tasks: [{ id: 't1', title: 'Pump', status: 'todo', claimed_by: 'w1', assigned_at: T0, time_spent_ms: 10 * MINUTE, created_at: T0, updated_at: T0 }],
    work_sessions: [{
      id: 'ws1', task_id: 't1', user_id: 'w1', started_at: T0 - HOUR, last_heartbeat_at: T0 - 50 * MINUTE, ended_at: T0 - 50 * MINUTE,
      ended_reason: 'stale_timeout', zone: 'UTC', offline: false, created_at: T0 - HOUR, closed_at: T0 - 40 * MINUTE, extended_by_owner: false,
    }],
    user_task_totals: [{ user_id: 'w1', task_id: 't1', accumulated_ms: 10 * MINUTE, updated_at: T0 - 40 * MINUTE }],
    checklist_items: [{ id: 'c1', task_id: 't1', title: 'Drain', status: 1, position: 0, deleted_at: null, created_at: T0, updated_at: T0 }],
    sops: [{ id: 's1', title: 'Lockout', latest_version: 1, created_by: 'sup', deleted_at: null, created_at: T0, updated_at: T0 }],
    sop_versions: [{
      sop_id: 's1', version: 1, title: 'Lockout', status: 'confirmed', created_at: T0, confirmed_at: T0,
      tasks: [{ id: 'k1', title: 'Isolate', steps: [{ id: 'p1', title: 'Open breaker', requires_check: true }, { id: 'p2', title: 'Test dead', requires_check: true }] }],
    }],
    procedure_runs: [{
      id: 'r1', sop_id: 's1', sop_version: 1, worker_id: 'w1', status: 'in_progress', current_step_id: 'p1', started_at: T0,
      paused_at: null, completed_at: null, locked: false, locked_by: null, locked_at: null, updated_at: T0,
    }],
    bookings: [{ id: 'b1', mentor_id: 'w1', student_id: 'w2', start_time: T0 + HOUR, end_time: T0 + 2 * HOUR, status: 'SCHEDULED', is_delayed: false, started_at: null, completed_at: null, updated_at: T0 }],
  });
}

describe('applyIntent', () => {
  test.each(INTENT_KINDS)('%s on an empty state is refused with a domain error, never a throw', (kind) => {
    const result = applyIntent(stateFrom({}), exampleIntent(kind), ctx('w1', 'worker', T0));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['NOT_FOUND', 'FORBIDDEN']).toContain(result.error.code);
  });

  test.each(INTENT_KINDS.filter((k) => k !== 'task.create' && k !== 'run.start'))('%s reaches its rule when the target exists', (kind) => {
    const result = applyIntent(world(), exampleIntent(kind), ctx('w1', 'worker', T0 + MINUTE));
    if (!result.ok) expect(result.error.code).not.toBe('NOT_FOUND');
  });

  test('run.start with an id that already exists is a conflict, not a second run', () => {
    const result = applyIntent(world(), exampleIntent('run.start'), ctx('w2', 'worker', T0));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('CONFLICT_EXISTS');
  });

  test('a worker day of intents folds to the expected state', () => {
    const intents: [Intent, number][] = [
      [{ id: 'a', kind: 'checklist.rename', args: { checklist_item_id: 'c1', title: 'Drain the line' }, occurred_at: '' }, T0 + MINUTE],
      [{ id: 'b', kind: 'checklist.add', args: { checklist_item_id: 'c2', task_id: 't1', title: 'Vent' }, occurred_at: '' }, T0 + 2 * MINUTE],
      [{ id: 'c', kind: 'checklist.set_status', args: { checklist_item_id: 'c1', status: 2 }, occurred_at: '' }, T0 + 3 * MINUTE],
      [{ id: 'd', kind: 'work.pause', args: { task_id: 't1' }, occurred_at: '' }, T0 + 13 * MINUTE],
      [{ id: 'e', kind: 'work.start', args: { task_id: 't1' }, occurred_at: '' }, T0 + 20 * MINUTE],
      [{ id: 'f', kind: 'checklist.set_status', args: { checklist_item_id: 'c1', status: 3 }, occurred_at: '' }, T0 + 25 * MINUTE],
      [{ id: 'g', kind: 'checklist.set_status', args: { checklist_item_id: 'c2', status: 3 }, occurred_at: '' }, T0 + 30 * MINUTE],
    ];
    let state = world();
    for (const [intent, now] of intents) {
      const result = applyIntent(state, intent, ctx('w1', 'worker', now, intent.id));
      expect(result.ok, `${intent.id} ${result.ok ? '' : result.error.message}`).toBe(true);
      if (result.ok) state = applyEffects(state, result.value);
    }
    const task = state.tasks.get('t1');
    expect(task?.status).toBe('done');
    // Derived in-progress at 3 min, paused at 13, resumed at 20, done at 30: 10 + 10 minutes, on top of the earlier 10.
    expect(task?.time_spent_ms).toBe(30 * MINUTE);
    const sessions = [...state.work_sessions.values()].sort((a, b) => a.started_at - b.started_at);
    expect(sessions.map((s) => [s.id, s.started_at - T0, s.ended_at === null ? null : s.ended_at - T0, s.ended_reason])).toEqual([
      ['ws1', -HOUR, -50 * MINUTE, 'stale_timeout'],
      ['c:session', 3 * MINUTE, 13 * MINUTE, 'pause'],
      ['e:session', 20 * MINUTE, 30 * MINUTE, 'status_change'],
    ]);
  });
});
