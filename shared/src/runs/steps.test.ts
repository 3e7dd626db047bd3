import { describe, expect, test } from 'vitest';
import type { SopVersionRow } from '../rows.ts';
import { allSteps, firstStep, stepAfter, stepById, stepCount } from './steps.ts';

const step = (id: string) => ({ id, title: id, requires_check: true });
const version: Pick<SopVersionRow, 'tasks'> = {
  tasks: [
    { id: 'empty', title: 'Nothing yet', steps: [] },
    { id: 't1', title: 'One', steps: [step('a'), step('b')] },
    { id: 't2', title: 'Two', steps: [] },
    { id: 't3', title: 'Three', steps: [step('c')] },
  ],
};

describe('step navigation', () => {
  test('the first step is the first step of the first non-empty task', () => {
    expect(firstStep(version)).toEqual({ step: step('a'), task: { id: 't1', title: 'One' }, index: 0 });
  });

  test('the next step stays in the task while it has steps', () => {
    expect(stepAfter(version, 'a')?.step.id).toBe('b');
  });

  test('the next step crosses to the next non-empty task', () => {
    expect(stepAfter(version, 'b')).toEqual({ step: step('c'), task: { id: 't3', title: 'Three' }, index: 2 });
  });

  test('there is no step after the last one, nor after an unknown one', () => {
    expect(stepAfter(version, 'c')).toBeNull();
    expect(stepAfter(version, 'zzz')).toBeNull();
  });

  test('steps are found by id with their task; counts cover every task', () => {
    expect(stepById(version, 'c')?.task.id).toBe('t3');
    expect(stepById(version, 'nope')).toBeNull();
    expect(allSteps(version).map((p) => p.step.id)).toEqual(['a', 'b', 'c']);
    expect(stepCount(version)).toBe(3);
  });

  test('a version without steps has no first step', () => {
    expect(firstStep({ tasks: [{ id: 't', title: 't', steps: [] }] })).toBeNull();
  });
});
