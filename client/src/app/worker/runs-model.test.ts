import { describe, expect, test } from 'vitest';
import { runsModel, runPhase } from './runs-model.ts';
import { ANA, LUIS, SUP, T0, withSop, world } from './testing.ts';

describe('procedures model', () => {
  test('a draft SOP is not listed; a confirmed one is, with its step count, and can be started', () => {
    const draft = world()
      .as(SUP, T0)
      .act('sop.create', { sop_id: 'draft', title: 'Borrador', tasks: [{ title: 'A', steps: [{ title: 'Paso' }] }] });
    const model = runsModel(withSop(draft, T0).state, ANA, T0);
    expect(model.sops).toEqual([{ sopId: 'sop1', title: 'Cierre de cámara frigorífica', version: 1, steps: 3, canStart: true }]);
    expect(model.runs).toEqual([]);
    expect(model.activeRunId).toBeNull();
  });

  test('with an active run, no SOP can be started (one active run per worker) and the run is listed first', () => {
    const state = withSop(world(), T0)
      .as(ANA, T0 + 1000)
      .act('run.start', { session_id: 'r1', sop_id: 'sop1' }).state;
    const model = runsModel(state, ANA, T0 + 2000);
    expect(model.sops.map((s) => s.canStart)).toEqual([false]);
    expect(model.activeRunId).toBe('r1');
    expect(model.runs).toEqual([
      { id: 'r1', title: 'Cierre de cámara frigorífica', phase: 'in_progress', position: 1, totalSteps: 3, startedAt: T0 + 1000, completedAt: null },
    ]);
  });

  test("another worker's runs are not mine and do not block me", () => {
    const state = withSop(world(), T0).as(LUIS, T0).act('run.start', { session_id: 'r1', sop_id: 'sop1' }).state;
    const model = runsModel(state, ANA, T0);
    expect(model.runs).toEqual([]);
    expect(model.sops[0]?.canStart).toBe(true);
  });

  test('phases: paused, completed, approved (locked); active runs before finished ones, newest first', () => {
    const state = withSop(world(), T0)
      .as(ANA, T0 + 1)
      .act('run.start', { session_id: 'old', sop_id: 'sop1' })
      .act('run.complete', { session_id: 'old' })
      .as(SUP, T0 + 2)
      .act('run.approve', { session_id: 'old' })
      .as(ANA, T0 + 3)
      .act('run.start', { session_id: 'mid', sop_id: 'sop1' })
      .act('run.complete', { session_id: 'mid' })
      .as(ANA, T0 + 4)
      .act('run.start', { session_id: 'new', sop_id: 'sop1' })
      .act('run.pause', { session_id: 'new' }).state;
    const model = runsModel(state, ANA, T0 + 5);
    expect(model.runs.map((r) => [r.id, r.phase, r.position])).toEqual([
      ['new', 'paused', 1],
      ['mid', 'completed', null],
      ['old', 'approved', null],
    ]);
  });

  test('runPhase: locked wins over any status', () => {
    expect(runPhase({ status: 'completed', locked: true })).toBe('approved');
    expect(runPhase({ status: 'in_progress', locked: false })).toBe('in_progress');
  });
});
