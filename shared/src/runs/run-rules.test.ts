import { describe, expect, test } from 'vitest';
import type { RuleContext } from '../context.ts';
import { rowsOf } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { HTTP_STATUS } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import type { Result } from '../result.ts';
import type { AuditRow, ProcedureRunRow, Role, SafetyCheckRow, SopRow, SopVersionRow } from '../rows.ts';
import { applyEffects, rowsOfTable, stateFrom } from '../state.ts';
import { recordCheck } from './run-check.ts';
import type { RecordCheckArgs } from './run-check.ts';
import { lockedAttemptAudit } from './run-guard.ts';
import { approveRun, completeRun, pauseRun, resumeRun } from './run-lifecycle.ts';
import type { RunSnapshot } from './run-snapshot.ts';
import { checkRunInvariants } from './run-invariants.ts';
import { startRun } from './run-start.ts';
import { runView } from './run-view.ts';
import { ruleContext } from '../context.ts';

const step = (id: string, requires_check = true) => ({ id, title: `Step ${id}`, requires_check });
const SOP: SopRow = { id: 'sop1', title: 'Lockout', latest_version: 1, created_by: 's1', deleted_at: null, created_at: 0, updated_at: 0 };
const VERSION: SopVersionRow = {
  sop_id: 'sop1',
  version: 1,
  title: 'Lockout',
  status: 'confirmed',
  tasks: [
    { id: 't1', title: 'Prepare', steps: [step('s1'), step('s2', false)] },
    { id: 't2', title: 'Empty', steps: [] },
    { id: 't3', title: 'Isolate', steps: [step('s3')] },
  ],
  created_at: 0,
  confirmed_at: 0,
};

function ctx(user_id: string, role: Role, now: number, intent = `i${now}`, offline = false): RuleContext {
  return ruleContext(intent, { now, actor: { user_id, role }, zone: 'Europe/Berlin', offline });
}
const W1 = (now: number) => ctx('w1', 'worker', now);
const W2 = (now: number) => ctx('w2', 'worker', now);
const S1 = (now: number) => ctx('s1', 'supervisor', now);

function ok(result: Result<Effect[]>): Effect[] {
  if (!result.ok) throw result.error;
  return result.value;
}

function refused(result: Result<Effect[]>, code: ErrorCode) {
  if (result.ok) throw new Error(`expected ${code}, got effects ${JSON.stringify(result.value)}`);
  expect(result.error.code).toBe(code);
  return result.error;
}

/** A tiny world: rows in a State, rules applied with the shared applier. */
class World {
  state = stateFrom({ sops: [SOP], sop_versions: [VERSION] });
  get run(): ProcedureRunRow {
    return this.state.procedure_runs.get('r1')!;
  }
  get snap(): RunSnapshot {
    return { run: this.run, version: VERSION, checks: rowsOfTable(this.state, 'safety_checks') };
  }
  apply(effects: Effect[]): Effect[] {
    const before = this.state;
    this.state = applyEffects(this.state, effects);
    expect(checkRunInvariants(this.state, before)).toEqual([]);
    return effects;
  }
  start(c = W1(1_000)): Effect[] {
    return this.apply(ok(startRun(null, VERSION, SOP, { id: 'r1', sop_id: 'sop1' }, c)));
  }
  check(step_id: string, result: 'passed' | 'failed', c: RuleContext, extra: Partial<RecordCheckArgs> = {}): Effect[] {
    return this.apply(ok(recordCheck(this.snap, { check_id: `c${c.now}`, step_id, result, ...extra }, c)));
  }
  audits(): AuditRow[] {
    return rowsOfTable(this.state, 'audit_log');
  }
}

describe('procedure runs', () => {
  test('starting a run from an SOP sets the first step of the first task', () => {
    const w = new World();
    w.start();
    expect(w.run).toEqual({
      id: 'r1', sop_id: 'sop1', sop_version: 1, worker_id: 'w1', status: 'in_progress', current_step_id: 's1',
      started_at: 1_000, paused_at: null, completed_at: null, locked: false, locked_by: null, locked_at: null, updated_at: 1_000,
    });
  });

  test('advance to next step after passed check', () => {
    const w = new World();
    w.start();
    const effects = w.check('s1', 'passed', W1(2_000), { notes: 'gloves on' });
    expect(rowsOf(effects, 'safety_checks')).toEqual([
      { id: 'c2000', run_id: 'r1', step_id: 's1', result: 'passed', notes: 'gloves on', checked_by: 'w1', checked_at: 2_000 },
    ]);
    expect(w.run).toMatchObject({ status: 'in_progress', current_step_id: 's2' });
    expect(runView(w.run, VERSION, w.snap.checks).current_step?.step.id).toBe('s2');
    // Across a task boundary, skipping the task without steps.
    w.check('s2', 'passed', W1(3_000));
    expect(w.run).toMatchObject({ status: 'in_progress', current_step_id: 's3' });
  });

  test('a pass on the final step completes the run', () => {
    const w = new World();
    w.start();
    w.check('s1', 'passed', W1(2_000));
    w.check('s2', 'passed', W1(3_000));
    const effects = w.check('s3', 'passed', W1(4_000));
    expect(w.run).toMatchObject({ status: 'completed', completed_at: 4_000, current_step_id: null });
    const [event] = rowsOf(effects, 'audit_log');
    expect(event).toMatchObject({ action: 'WorkSessionCompleted', entity: 'procedure_runs', entity_id: 'r1', actor_id: 'w1', source: 'online', at: 4_000 });
    expect(event?.new_value).toMatchObject({ status: 'completed', completed_at: 4_000, current_step_id: null });
  });

  test('the worker completes a run manually', () => {
    const w = new World();
    w.start();
    w.apply(ok(pauseRun(w.snap, {}, W1(1_500))));
    const effects = w.apply(ok(completeRun(w.snap, {}, W1(2_000))));
    expect(w.run).toMatchObject({ status: 'completed', completed_at: 2_000, current_step_id: null, paused_at: null });
    expect(rowsOf(effects, 'audit_log')[0]?.action).toBe('WorkSessionCompleted');
    // It can no longer be modified by the worker…
    refused(recordCheck(w.snap, { check_id: 'late', step_id: 's1', result: 'passed' }, W1(3_000)), 'CONFLICT_INVALID_STATE');
    refused(resumeRun(w.snap, {}, W1(3_000)), 'CONFLICT_INVALID_STATE');
    // …except by a supervisor override, which is audited and never moves the run.
    const amended = w.check('s2', 'passed', S1(4_000), { override_reason: 'paper form found' });
    expect(w.run.status).toBe('completed');
    expect(rowsOf(amended, 'audit_log')[0]).toMatchObject({ action: 'run.check.override', reason: 'paper form found', actor_id: 's1' });
  });

  test('only the owner completes a run', () => {
    const w = new World();
    w.start();
    refused(completeRun(w.snap, {}, W2(2_000)), 'FORBIDDEN');
    refused(completeRun(w.snap, {}, S1(2_000)), 'FORBIDDEN');
    expect(ok(completeRun(w.snap, {}, W1(2_000)))).not.toEqual([]);
  });

  test('an attempt to change a locked run is refused and audited', () => {
    const w = new World();
    w.start();
    w.apply(ok(completeRun(w.snap, {}, W1(2_000))));
    const approval = w.apply(ok(approveRun(w.snap, { reason: 'looks good' }, S1(3_000))));
    expect(w.run).toMatchObject({ locked: true, locked_by: 's1', locked_at: 3_000 });
    expect(rowsOf(approval, 'audit_log')[0]).toMatchObject({ action: 'run.approve', reason: 'looks good', new_value: { locked: true } });

    const attempts: [string, Result<Effect[]>][] = [
      ['run.check', recordCheck(w.snap, { check_id: 'x', step_id: 's1', result: 'passed' }, W1(4_000))],
      ['run.complete', completeRun(w.snap, {}, W1(4_000))],
      ['run.pause', pauseRun(w.snap, {}, W1(4_000))],
      ['run.resume', resumeRun(w.snap, {}, W1(4_000))],
      ['run.check', recordCheck(w.snap, { check_id: 'y', step_id: 's1', result: 'passed' }, S1(4_000))],
    ];
    for (const [action, result] of attempts) {
      const error = refused(result, 'SESSION_LOCKED');
      expect(HTTP_STATUS[error.code]).toBe(409);
      expect(error.details).toEqual({ reason: 'approved', locked_by: 's1', locked_at: new Date(3_000).toISOString() });
      const audit = lockedAttemptAudit(w.run, action, W1(4_000));
      expect(audit).toMatchObject({ id: 'i4000:audit', entity_id: 'r1', action: `${action}.refused`, actor_id: 'w1', source: 'online', at: 4_000 });
    }
    expect(lockedAttemptAudit(w.run, 'run.pause', ctx('w1', 'worker', 5_000, 'i5', true)).source).toBe('offline');
    expect(lockedAttemptAudit(w.run, 'run.pause', W1(5_000), 'cron').source).toBe('cron');
  });

  test('a supervisor override changes a locked run and audits reason, old and new values', () => {
    const w = new World();
    w.start();
    w.check('s1', 'passed', W1(2_000));
    w.apply(ok(completeRun(w.snap, {}, W1(3_000))));
    w.apply(ok(approveRun(w.snap, {}, S1(4_000))));
    const effects = w.check('s2', 'failed', S1(5_000), { override_reason: 'valve leak noted later' });
    const audit = rowsOf(effects, 'audit_log')[0]!;
    expect(audit).toMatchObject({ action: 'run.check.override', reason: 'valve leak noted later', entity_id: 'r1' });
    expect(audit.new_value).toMatchObject({ added: [{ id: 'c5000', step_id: 's2', result: 'failed' }] });
    expect(w.run.locked).toBe(true);
    // A blank reason is no override.
    refused(recordCheck(w.snap, { check_id: 'z', step_id: 's1', result: 'passed', override_reason: '  ' }, S1(6_000)), 'SESSION_LOCKED');
    // A worker can never override.
    refused(recordCheck(w.snap, { check_id: 'z', step_id: 's1', result: 'passed', override_reason: 'me' }, W1(6_000)), 'SESSION_LOCKED');
  });

  test('pausing a run keeps the current step', () => {
    const w = new World();
    w.start();
    w.check('s1', 'passed', W1(2_000));
    w.apply(ok(pauseRun(w.snap, {}, W1(3_000))));
    expect(w.run).toMatchObject({ status: 'paused', paused_at: 3_000, current_step_id: 's2' });
    expect(ok(pauseRun(w.snap, {}, W1(3_500)))).toEqual([]);
    refused(recordCheck(w.snap, { check_id: 'p', step_id: 's2', result: 'passed' }, W1(3_600)), 'CONFLICT_INVALID_STATE');
    w.apply(ok(resumeRun(w.snap, {}, W1(4_000))));
    expect(w.run).toMatchObject({ status: 'in_progress', paused_at: null, current_step_id: 's2' });
    expect(ok(resumeRun(w.snap, {}, W1(4_500)))).toEqual([]);
  });

  test('starting a run while one is active → 409 with the existing id', () => {
    const w = new World();
    w.start();
    const error = refused(startRun(w.run, VERSION, SOP, { id: 'r2', sop_id: 'sop1' }, W1(2_000)), 'ACTIVE_SESSION_EXISTS');
    expect(HTTP_STATUS[error.code]).toBe(409);
    expect(error.details).toEqual({ existing_session_id: 'r1' });
    expect(error.message).toContain('r1');
    // A paused run is still active; a completed one is not.
    w.apply(ok(pauseRun(w.snap, {}, W1(2_500))));
    refused(startRun(w.run, VERSION, SOP, { id: 'r2', sop_id: 'sop1' }, W1(3_000)), 'ACTIVE_SESSION_EXISTS');
    w.apply(ok(completeRun(w.snap, {}, W1(3_500))));
    expect(ok(startRun(w.run, VERSION, SOP, { id: 'r2', sop_id: 'sop1' }, W1(4_000)))).toHaveLength(1);
  });

  test('the worker\'s active run shows the current step, its checks and the next step', () => {
    const w = new World();
    w.start();
    w.check('s1', 'failed', W1(2_000));
    w.check('s1', 'passed', W1(3_000));
    const view = runView(w.run, VERSION, w.snap.checks);
    expect(view.current_step).toMatchObject({ step: { id: 's2' }, task: { id: 't1' }, index: 1 });
    expect(view.next_step).toMatchObject({ step: { id: 's3' }, task: { id: 't3', title: 'Isolate' } });
    expect(view.checks.map((c) => c.id)).toEqual(['c2000', 'c3000']);
    expect(view.progress).toEqual({ total_steps: 3, passed_steps: 1, failed_checks: 1, current_position: 2 });
    expect(view.sop_title).toBe('Lockout');
  });
});

describe('procedure run refusals', () => {
  test('start: a missing or deleted SOP is not found', () => {
    refused(startRun(null, VERSION, null, { id: 'r', sop_id: 'sop1' }, W1(1)), 'NOT_FOUND');
    refused(startRun(null, VERSION, { ...SOP, deleted_at: 1 }, { id: 'r', sop_id: 'sop1' }, W1(1)), 'NOT_FOUND');
    refused(startRun(null, VERSION, SOP, { id: 'r', sop_id: 'other' }, W1(1)), 'NOT_FOUND');
  });

  test('start: an SOP without a confirmed version cannot be run', () => {
    refused(startRun(null, null, SOP, { id: 'r', sop_id: 'sop1' }, W1(1)), 'SOP_NOT_CONFIRMED');
    refused(startRun(null, { ...VERSION, status: 'draft' }, SOP, { id: 'r', sop_id: 'sop1' }, W1(1)), 'SOP_NOT_CONFIRMED');
  });

  test('start: the run is pinned to the version it started on', () => {
    const v3 = { ...VERSION, version: 3 };
    const run = rowsOf(ok(startRun(null, v3, { ...SOP, latest_version: 4 }, { id: 'r', sop_id: 'sop1' }, W1(1))), 'procedure_runs')[0];
    expect(run?.sop_version).toBe(3);
  });

  test('check: a step that is not current is refused with the current step', () => {
    const w = new World();
    w.start();
    const error = refused(recordCheck(w.snap, { check_id: 'c', step_id: 's3', result: 'passed' }, W1(2)), 'STEP_NOT_CURRENT');
    expect(error.details).toEqual({ current_step_id: 's1' });
    refused(recordCheck(w.snap, { check_id: 'c', step_id: 'nope', result: 'passed' }, W1(2)), 'NOT_FOUND');
  });

  test('check: a failed check is recorded and the run stays on its step', () => {
    const w = new World();
    w.start();
    const effects = w.check('s1', 'failed', W1(2_000));
    expect(effects).toHaveLength(1);
    expect(w.run.current_step_id).toBe('s1');
  });

  test('check: another worker is forbidden; a supervisor needs a reason', () => {
    const w = new World();
    w.start();
    refused(recordCheck(w.snap, { check_id: 'c', step_id: 's1', result: 'passed' }, W2(2)), 'FORBIDDEN');
    refused(recordCheck(w.snap, { check_id: 'c', step_id: 's1', result: 'passed' }, S1(2)), 'FORBIDDEN');
    const effects = w.check('s1', 'passed', S1(3), { override_reason: 'worker radioed it in' });
    expect(w.run.current_step_id).toBe('s2');
    expect(rowsOf(effects, 'audit_log')[0]).toMatchObject({
      action: 'run.check.override',
      old_value: { current_step_id: 's1' },
      new_value: { current_step_id: 's2' },
    });
  });

  test('check: the same check id again is a no-op, with other content a conflict', () => {
    const w = new World();
    w.start();
    w.check('s1', 'failed', W1(2_000));
    expect(ok(recordCheck(w.snap, { check_id: 'c2000', step_id: 's1', result: 'failed' }, W1(2_100)))).toEqual([]);
    refused(recordCheck(w.snap, { check_id: 'c2000', step_id: 's1', result: 'passed' }, W1(2_100)), 'CONFLICT_EXISTS');
  });

  test('check: a result other than passed/failed is invalid input', () => {
    const w = new World();
    w.start();
    refused(recordCheck(w.snap, { check_id: 'c', step_id: 's1', result: 'maybe' as 'passed' }, W1(2)), 'INVALID_INPUT');
  });

  test('pause and resume: another worker is forbidden; a completed run refuses both', () => {
    const w = new World();
    w.start();
    refused(pauseRun(w.snap, {}, W2(2)), 'FORBIDDEN');
    w.apply(ok(completeRun(w.snap, {}, W1(3))));
    refused(pauseRun(w.snap, {}, W1(4)), 'CONFLICT_INVALID_STATE');
    refused(resumeRun(w.snap, {}, W1(4)), 'CONFLICT_INVALID_STATE');
    expect(ok(completeRun(w.snap, {}, W1(5)))).toEqual([]);
  });

  test('approve: supervisors only, completed runs only, approving twice changes nothing', () => {
    const w = new World();
    w.start();
    refused(approveRun(w.snap, {}, S1(2)), 'CONFLICT_INVALID_STATE');
    w.apply(ok(completeRun(w.snap, {}, W1(3))));
    refused(approveRun(w.snap, {}, W1(4)), 'FORBIDDEN');
    w.apply(ok(approveRun(w.snap, {}, ctx('a1', 'admin', 5))));
    expect(w.run).toMatchObject({ locked: true, locked_by: 'a1' });
    expect(ok(approveRun(w.snap, {}, S1(6)))).toEqual([]);
  });
});

describe('run invariants checker', () => {
  const run: ProcedureRunRow = {
    id: 'r', sop_id: 'sop1', sop_version: 1, worker_id: 'w1', status: 'in_progress', current_step_id: 's2',
    started_at: 0, paused_at: null, completed_at: null, locked: false, locked_by: null, locked_at: null, updated_at: 0,
  };
  const pass = (id: string, step_id: string): SafetyCheckRow => ({ id, run_id: 'r', step_id, result: 'passed', notes: null, checked_by: 'w1', checked_at: 0 });
  const base = { sop_versions: [VERSION] };

  test('finds a run advanced past a step without a passed check', () => {
    expect(checkRunInvariants(stateFrom({ ...base, procedure_runs: [run] }))).toEqual(['run r: advanced past step s1 without a passed check']);
    expect(checkRunInvariants(stateFrom({ ...base, procedure_runs: [run], safety_checks: [pass('c', 's1')] }))).toEqual([]);
  });

  test('finds two active runs of one worker and a step on a completed run', () => {
    const second = { ...run, id: 'r2', current_step_id: 's1' };
    const done = { ...run, id: 'r3', status: 'completed' as const };
    const found = checkRunInvariants(stateFrom({ ...base, procedure_runs: [{ ...run, current_step_id: 's1' }, second, done] }));
    expect(found).toContain('worker w1 has 2 active runs: r, r2');
    expect(found).toContain('run r3: current_step_id s2 with status completed');
  });

  test('finds a locked run changed without an override audit', () => {
    const locked = { ...run, status: 'completed' as const, current_step_id: null, locked: true, locked_by: 's1', locked_at: 1 };
    const before = stateFrom({ ...base, procedure_runs: [locked] });
    const after = stateFrom({ ...base, procedure_runs: [{ ...locked, updated_at: 9 }] });
    expect(checkRunInvariants(after, before)).toEqual(['locked run r changed without an audited override']);
  });
});
