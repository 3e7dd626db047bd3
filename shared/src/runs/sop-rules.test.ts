import { describe, expect, test } from 'vitest';
import type { RuleContext } from '../context.ts';
import { rowsOf } from '../effects.ts';
import type { Effect } from '../effects.ts';
import { HTTP_STATUS } from '../errors.ts';
import type { Result } from '../result.ts';
import type { ProcedureRunRow, Role, SopRow, SopVersionRow } from '../rows.ts';
import { createSop, confirmSop, deleteSop, editSop } from './sop-rules.ts';
import { ruleContext } from '../context.ts';

function ctx(role: Role = 'supervisor', now = 1_000, intent = 'i1'): RuleContext {
  return ruleContext(intent, { now, actor: { user_id: role === 'worker' ? 'w1' : 's1', role } });
}

function value(result: Result<Effect[]>): Effect[] {
  if (!result.ok) throw result.error;
  return result.value;
}

const ARGS = {
  id: 'sop1',
  title: ' Lockout ',
  tasks: [
    { title: 'Prepare', steps: [{ title: 'Wear gloves' }, { title: 'Read sheet', requires_check: false }] },
    { title: 'Isolate', steps: [{ title: 'Switch off' }] },
  ],
};

function created(): { sop: SopRow; version: SopVersionRow } {
  const effects = value(createSop(ARGS, ctx()));
  return { sop: rowsOf(effects, 'sops')[0]!, version: rowsOf(effects, 'sop_versions')[0]! };
}

function run(id: string, status: ProcedureRunRow['status'], sop_id = 'sop1'): ProcedureRunRow {
  return {
    id, sop_id, sop_version: 1, worker_id: 'w1', status, current_step_id: status === 'completed' ? null : 'x',
    started_at: 0, paused_at: status === 'paused' ? 1 : null, completed_at: null, locked: false, locked_by: null, locked_at: null, updated_at: 0,
  };
}

describe('SOP create', () => {
  test('a supervisor creates a draft version 1 with deterministic task and step ids', () => {
    const { sop, version } = created();
    expect(sop).toMatchObject({ id: 'sop1', title: 'Lockout', latest_version: 1, created_by: 's1', deleted_at: null, created_at: 1_000 });
    expect(version).toMatchObject({ sop_id: 'sop1', version: 1, status: 'draft', confirmed_at: null });
    expect(version.tasks).toEqual([
      { id: 'i1:task-0', title: 'Prepare', steps: [
        { id: 'i1:step-0-0', title: 'Wear gloves', requires_check: true },
        { id: 'i1:step-0-1', title: 'Read sheet', requires_check: false },
      ] },
      { id: 'i1:task-1', title: 'Isolate', steps: [{ id: 'i1:step-1-0', title: 'Switch off', requires_check: true }] },
    ]);
  });

  test('the same intent builds the same rows (client and server agree)', () => {
    expect(value(createSop(ARGS, ctx()))).toEqual(value(createSop(ARGS, ctx())));
  });

  test('a worker may not create an SOP', () => {
    const result = createSop(ARGS, ctx('worker'));
    expect(result.ok || result.error.code).toBe('FORBIDDEN');
  });

  test.each([
    ['a blank title', { ...ARGS, title: '  ' }],
    ['a blank task title', { ...ARGS, tasks: [{ title: '', steps: [] }] }],
    ['a blank step title', { ...ARGS, tasks: [{ title: 'T', steps: [{ title: ' ' }] }] }],
    ['a repeated step id', { ...ARGS, tasks: [{ title: 'T', steps: [{ id: 's', title: 'a' }, { id: 's', title: 'b' }] }] }],
    ['a repeated task id', { ...ARGS, tasks: [{ id: 't', title: 'T', steps: [] }, { id: 't', title: 'U', steps: [] }] }],
  ])('%s is invalid input', (_name, args) => {
    const result = createSop(args, ctx());
    expect(result.ok || result.error.code).toBe('INVALID_INPUT');
  });
});

describe('SOP edit and confirm', () => {
  test('editing a draft changes it in place', () => {
    const { sop, version } = created();
    const effects = value(editSop(sop, version, { title: 'Lockout v1b' }, ctx('supervisor', 2_000)));
    expect(rowsOf(effects, 'sop_versions')).toEqual([{ ...version, title: 'Lockout v1b' }]);
    expect(rowsOf(effects, 'sops')[0]).toMatchObject({ latest_version: 1, title: 'Lockout v1b', updated_at: 2_000 });
  });

  test('editing keeps given step ids and names new ones from the intent', () => {
    const { sop, version } = created();
    const effects = value(editSop(sop, version, { tasks: [{ id: 'i1:task-0', title: 'Prep', steps: [{ id: 'i1:step-0-0', title: 'Gloves' }, { title: 'New' }] }] }, ctx('supervisor', 2_000, 'i2')));
    const steps = rowsOf(effects, 'sop_versions')[0]!.tasks[0]!.steps.map((s) => s.id);
    expect(steps).toEqual(['i1:step-0-0', 'i2:step-0-1']);
  });

  test('confirming a draft confirms it; confirming again changes nothing', () => {
    const { sop, version } = created();
    const confirmed = rowsOf(value(confirmSop(sop, version, ctx('supervisor', 3_000))), 'sop_versions')[0]!;
    expect(confirmed).toMatchObject({ status: 'confirmed', confirmed_at: 3_000, tasks: version.tasks });
    expect(value(confirmSop(sop, confirmed, ctx('supervisor', 4_000)))).toEqual([]);
  });

  test('editing a confirmed SOP publishes a new draft version and never changes the confirmed one', () => {
    const { sop, version } = created();
    const confirmed = rowsOf(value(confirmSop(sop, version, ctx())), 'sop_versions')[0]!;
    const effects = value(editSop(sop, confirmed, { title: 'Lockout 2' }, ctx('supervisor', 5_000, 'i3')));
    const versions = rowsOf(effects, 'sop_versions');
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 2, status: 'draft', title: 'Lockout 2', created_at: 5_000, tasks: confirmed.tasks });
    expect(rowsOf(effects, 'sops')[0]).toMatchObject({ latest_version: 2 });
  });

  test('an SOP without steps cannot be confirmed', () => {
    const effects = value(createSop({ id: 'e', title: 'Empty', tasks: [{ title: 'T', steps: [] }] }, ctx()));
    const result = confirmSop(rowsOf(effects, 'sops')[0]!, rowsOf(effects, 'sop_versions')[0]!, ctx());
    expect(result.ok || result.error.code).toBe('INVALID_INPUT');
  });

  test('a stale version is refused, a deleted SOP is not found, a worker is forbidden', () => {
    const { sop, version } = created();
    const stale = editSop({ ...sop, latest_version: 2 }, version, { title: 'x' }, ctx());
    expect(stale.ok || stale.error.code).toBe('CONFLICT_INVALID_STATE');
    const deleted = confirmSop({ ...sop, deleted_at: 1 }, version, ctx());
    expect(deleted.ok || deleted.error.code).toBe('NOT_FOUND');
    const worker = editSop(sop, version, { title: 'x' }, ctx('worker'));
    expect(worker.ok || worker.error.code).toBe('FORBIDDEN');
  });
});

describe('SOP delete', () => {
  test('an SOP with active runs is not deleted', () => {
    const { sop } = created();
    const result = deleteSop(sop, [run('r1', 'in_progress'), run('r2', 'paused'), run('r3', 'completed')], ctx());
    if (result.ok) throw new Error('expected a refusal');
    expect(result.error.code).toBe('SOP_HAS_ACTIVE_SESSIONS');
    expect(HTTP_STATUS[result.error.code]).toBe(400);
    expect(result.error.details).toEqual({ active_session_ids: ['r1', 'r2'] });
    expect(result.error.message).toContain('r1');
    expect(result.error.message).toMatch(/complete or cancel/i);
  });

  test('an SOP whose runs are all completed is soft-deleted; deleting again changes nothing', () => {
    const { sop } = created();
    const effects = value(deleteSop(sop, [run('r3', 'completed'), run('r4', 'in_progress', 'other')], ctx('supervisor', 9_000)));
    const deleted = rowsOf(effects, 'sops')[0]!;
    expect(deleted).toMatchObject({ id: 'sop1', deleted_at: 9_000 });
    expect(value(deleteSop(deleted, [], ctx()))).toEqual([]);
  });

  test('a worker may not delete an SOP', () => {
    const result = deleteSop(created().sop, [], ctx('worker'));
    expect(result.ok || result.error.code).toBe('FORBIDDEN');
  });
});
