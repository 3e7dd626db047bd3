import { describe, expect, test } from 'vitest';
import { runRunnerModel } from './run-runner-model.ts';
import { ANA, LUIS, SUP, T0, withSop, world } from './testing.ts';

function started() {
  return withSop(world(), T0).as(ANA, T0 + 1000).act('run.start', { session_id: 'r1', sop_id: 'sop1' });
}

describe('SOP runner model', () => {
  test('a run not in the view gives null', () => {
    expect(runRunnerModel(started().state, ANA, T0, 'nope')).toBeNull();
  });

  test('a new run is on step 1 of 3, which requires a check, and offers check, pause and complete', () => {
    const model = runRunnerModel(started().state, ANA, T0 + 2000, 'r1');
    expect(model?.step).toEqual({ id: 'sop1-s1', title: 'Desconectar la corriente', taskTitle: 'Preparar', requiresCheck: true, position: 1 });
    expect(model?.totalSteps).toBe(3);
    expect(model?.actions).toEqual({ check: true, pause: true, resume: false, complete: true });
  });

  test('a failed check keeps the step and is counted with its notes; a pass moves to the step without a check', () => {
    const failed = started()
      .act('run.check', { session_id: 'r1', step_id: 'sop1-s1', result: 'failed', notes: 'Sigue con tensión' }).state;
    const afterFail = runRunnerModel(failed, ANA, T0 + 2000, 'r1');
    expect(afterFail?.step?.id).toBe('sop1-s1');
    expect(afterFail?.failedHere).toBe(1);
    expect(afterFail?.checks.map((c) => [c.stepTitle, c.result, c.notes])).toEqual([['Desconectar la corriente', 'failed', 'Sigue con tensión']]);

    const passed = runRunnerModel(
      started()
        .act('run.check', { session_id: 'r1', step_id: 'sop1-s1', result: 'failed' })
        .act('run.check', { session_id: 'r1', step_id: 'sop1-s1', result: 'passed' }).state,
      ANA,
      T0 + 3000,
      'r1',
    );
    expect(passed?.step).toMatchObject({ id: 'sop1-s2', requiresCheck: false, position: 2 });
    expect(passed?.failedHere).toBe(0);
    expect(passed?.passedSteps).toBe(1);
    expect(passed?.checks.map((c) => c.result)).toEqual(['passed', 'failed']);
  });

  test('paused: no check, resume offered', () => {
    const model = runRunnerModel(started().act('run.pause', { session_id: 'r1' }).state, ANA, T0, 'r1');
    expect(model?.phase).toBe('paused');
    expect(model?.actions).toEqual({ check: false, pause: false, resume: true, complete: true });
  });

  test('passing the last step completes the run: no current step, nothing left to do', () => {
    const state = started()
      .act('run.check', { session_id: 'r1', step_id: 'sop1-s1', result: 'passed' })
      .act('run.check', { session_id: 'r1', step_id: 'sop1-s2', result: 'passed' })
      .act('run.check', { session_id: 'r1', step_id: 'sop1-s3', result: 'passed' }).state;
    const model = runRunnerModel(state, ANA, T0 + 5000, 'r1');
    expect(model?.phase).toBe('completed');
    expect(model?.step).toBeNull();
    expect(model?.passedSteps).toBe(3);
    expect(model?.actions).toEqual({ check: false, pause: false, resume: false, complete: false });
  });

  test('approved (locked): phase approved with its lock time', () => {
    const state = started().act('run.complete', { session_id: 'r1' }).as(SUP, T0 + 9000).act('run.approve', { session_id: 'r1' }).state;
    const model = runRunnerModel(state, ANA, T0 + 10_000, 'r1');
    expect(model?.phase).toBe('approved');
    expect(model?.lockedAt).toBe(T0 + 9000);
  });

  test("another worker sees the run but may not change it", () => {
    const model = runRunnerModel(started().state, LUIS, T0, 'r1');
    expect(model?.actions).toEqual({ check: false, pause: false, resume: false, complete: false });
  });
});
