import { applyEffects, applyIntent, ruleContext, stateFrom } from '@stint/shared';
import type { Intent, State } from '@stint/shared';
import { describe, expect, test } from 'vitest';
import { approvalsModel } from './approvals-model.ts';
import { T0, check, run, user, version } from './testing.ts';

const users = new Map([user('w1', 'Ana'), user('w2', 'Bruno'), user('s1', 'Sofía', 'supervisor')].map((u) => [u.id, u]));
const steps = [
  { id: 'st1', title: 'Open the breaker' },
  { id: 'st2', title: 'Test dead' },
];

function world(): State {
  return stateFrom({
    sop_versions: [version('sop1', 'Lockout', steps)],
    procedure_runs: [
      run('r-late', 'sop1', 'w1', { completed_at: T0 + 900_000 }),
      run('r-early', 'sop1', 'w2', { completed_at: T0 + 300_000 }),
      run('r-running', 'sop1', 'w1', { status: 'in_progress', current_step_id: 'st2', completed_at: null }),
      run('r-done', 'sop1', 'w2', { locked: true, locked_by: 's1', locked_at: T0 + 1_000_000 }),
    ],
    safety_checks: [
      check('c2', 'r-late', 'st2', { checked_at: T0 + 120_000, result: 'failed', notes: 'still live', checked_by: 'w1' }),
      check('c1', 'r-late', 'st1', { checked_at: T0 + 60_000, checked_by: 'w1' }),
      check('c3', 'r-late', 'st2', { checked_at: T0 + 180_000, checked_by: 'w1', notes: 'ok now' }),
      check('c4', 'r-early', 'gone-step', { checked_by: 'w2' }),
    ],
  });
}

describe('approvals model', () => {
  test('completed unlocked runs await approval oldest first; locked runs are listed as approved; running runs are not listed', () => {
    const model = approvalsModel(world(), users);
    expect(model.awaiting.map((r) => r.runId)).toEqual(['r-early', 'r-late']);
    expect(model.approved.map((r) => [r.runId, r.locked, r.lockedByName])).toEqual([['r-done', true, 'Sofía']]);
  });

  test("a run's checks come oldest first with step titles, results, notes, who and when", () => {
    const late = approvalsModel(world(), users).awaiting[1];
    expect(late?.checks.map((c) => [c.stepTitle, c.result, c.notes, c.checkedByName, c.checkedAt - T0])).toEqual([
      ['Open the breaker', 'passed', null, 'Ana', 60_000],
      ['Test dead', 'failed', 'still live', 'Ana', 120_000],
      ['Test dead', 'passed', 'ok now', 'Ana', 180_000],
    ]);
    expect(late).toMatchObject({ sopTitle: 'Lockout', workerName: 'Ana', totalSteps: 2, passedSteps: 2, failedChecks: 1 });
  });

  test('a check on a step the version does not have is titled by its step id', () => {
    const early = approvalsModel(world(), users).awaiting[0];
    expect(early?.checks.map((c) => c.stepTitle)).toEqual(['gone-step']);
  });

  test('approving through the shared rule moves the run from awaiting to approved, locked by the supervisor', () => {
    const before = world();
    const intent = { id: 'i1', kind: 'run.approve', args: { session_id: 'r-early' }, occurred_at: '' } as Intent;
    const result = applyIntent(before, intent, ruleContext('x', { now: T0 + 2_000_000, actor: { user_id: 's1', role: 'supervisor' } }));
    expect(result.ok).toBe(true);
    const after = approvalsModel(applyEffects(before, result.ok ? result.value : []), users);
    expect(after.awaiting.map((r) => r.runId)).toEqual(['r-late']);
    expect(after.approved.map((r) => [r.runId, r.lockedByName, r.lockedAt])).toEqual([
      ['r-early', 'Sofía', T0 + 2_000_000],
      ['r-done', 'Sofía', T0 + 1_000_000],
    ]);
  });

  test('a worker cannot approve (the rule refuses), so nothing moves', () => {
    const intent = { id: 'i1', kind: 'run.approve', args: { session_id: 'r-early' }, occurred_at: '' } as Intent;
    const result = applyIntent(world(), intent, ruleContext(intent.id, { now: T0, actor: { user_id: 'w1', role: 'worker' } }));
    expect(result.ok).toBe(false);
  });
});
