/**
 * Random run operations by three workers, a supervisor and an admin, through
 * the real rules and the shared effect applier, against a naive reference
 * model written differently (runs as step indexes, a decision table per
 * operation). After every operation: same outcome (accepted or the same
 * error code), same runs, checks, SOP deletions and audit count, and I7 holds.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RuleContext } from '../context.ts';
import type { Effect } from '../effects.ts';
import type { Result } from '../result.ts';
import type { Role, SopVersionRow } from '../rows.ts';
import { applyEffects, getRow, rowsOfTable, stateFrom } from '../state.ts';
import type { State } from '../state.ts';
import { recordCheck } from './run-check.ts';
import { approveRun, completeRun, pauseRun, resumeRun } from './run-lifecycle.ts';
import { checkRunInvariants } from './run-invariants.ts';
import { startRun } from './run-start.ts';
import { confirmSop, deleteSop, editSop } from './sop-rules.ts';
import { ruleContext } from '../context.ts';

const ACTORS: readonly { id: string; role: Role }[] = [
  { id: 'w1', role: 'worker' },
  { id: 'w2', role: 'worker' },
  { id: 'w3', role: 'worker' },
  { id: 's1', role: 'supervisor' },
  { id: 'a1', role: 'admin' },
];
const SOP_IDS = ['A', 'B', 'C', 'gone'] as const;

/** Run operations name an actor, or -1: the run's own worker (most changes are made by their owner). */
type Op =
  | { kind: 'start'; actor: number; sop: number }
  | { kind: 'check'; actor: number; run: number; step: number; passed: boolean; reason: boolean }
  | { kind: 'pause' | 'resume' | 'complete'; actor: number; run: number; reason: boolean }
  | { kind: 'approve'; actor: number; run: number }
  | { kind: 'delete' | 'revise'; actor: number; sop: number };

const actor = fc.nat({ max: ACTORS.length - 1 });
const runActor = fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: actor });
const stepPick = fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) });
const sop = fc.nat({ max: SOP_IDS.length - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('start' as const), actor, sop }) },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('check' as const), actor: runActor, run: fc.nat(), step: stepPick, passed: fc.boolean(), reason: fc.boolean() }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('pause' as const, 'resume' as const, 'complete' as const), actor: runActor, run: fc.nat(), reason: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('approve' as const), actor, run: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'revise' as const), actor, sop }) },
);

// ---- the naive reference ---------------------------------------------------

interface RefRun { id: string; worker: string; sop: string; steps: string[]; at: number; status: 'A' | 'P' | 'C'; locked: boolean }
interface Ref { versions: Map<string, string[][]>; deleted: Set<string>; runs: RefRun[]; checks: number; audits: number }
type Outcome = 'ok' | string;

function refInitial(): Ref {
  return {
    versions: new Map([['A', [['a1', 'a2', 'a3']]], ['B', [['b1']]], ['C', []]]),
    deleted: new Set(),
    runs: [],
    checks: 0,
    audits: 0,
  };
}

const canOverride = (who: { role: Role }, reason: boolean) => reason && who.role !== 'worker';

/** 'owner' | 'override' or the refusal code, as the SOP spec's access table says. */
function refAccess(run: RefRun, who: { id: string; role: Role }, reason: boolean): 'owner' | 'override' | string {
  if (run.locked) return canOverride(who, reason) ? 'override' : 'SESSION_LOCKED';
  if (run.worker === who.id) return 'owner';
  return canOverride(who, reason) ? 'override' : 'FORBIDDEN';
}

function refStep(ref: Ref, op: Op, n: number): Outcome {
  const who = ACTORS[op.actor]!;
  const boss = who.role !== 'worker';
  switch (op.kind) {
    case 'start': {
      const id = SOP_IDS[op.sop]!;
      const versions = ref.versions.get(id);
      if (versions === undefined || ref.deleted.has(id)) return 'NOT_FOUND';
      const steps = versions.at(-1);
      if (steps === undefined) return 'SOP_NOT_CONFIRMED';
      if (ref.runs.some((r) => r.worker === who.id && r.status !== 'C')) return 'ACTIVE_SESSION_EXISTS';
      ref.runs.push({ id: `run${n}`, worker: who.id, sop: id, steps, at: 0, status: 'A', locked: false });
      return 'ok';
    }
    case 'check': {
      const run = ref.runs[op.run % ref.runs.length]!;
      const access = refAccess(run, who, op.reason);
      if (access !== 'owner' && access !== 'override') return access;
      const stepId = chosenStep(run.steps, run.at, run.status, op.step);
      if (!run.steps.includes(stepId)) return 'NOT_FOUND';
      if (run.status === 'P') return 'CONFLICT_INVALID_STATE';
      if (run.status === 'C') {
        if (access !== 'override') return 'CONFLICT_INVALID_STATE';
        ref.checks++;
        ref.audits++;
        return 'ok';
      }
      if (stepId !== run.steps[run.at]) return 'STEP_NOT_CURRENT';
      ref.checks++;
      if (op.passed) {
        run.at++;
        if (run.at === run.steps.length) {
          run.status = 'C';
          ref.audits++; // WorkSessionCompleted
        }
      }
      if (access === 'override') ref.audits++;
      return 'ok';
    }
    case 'pause':
    case 'resume':
    case 'complete': {
      const run = ref.runs[op.run % ref.runs.length]!;
      const access = refAccess(run, who, op.reason);
      if (access !== 'owner' && access !== 'override') return access;
      const table = { pause: { A: 'P', P: '=', C: 'x' }, resume: { A: '=', P: 'A', C: 'x' }, complete: { A: 'C', P: 'C', C: '=' } } as const;
      const next = table[op.kind][run.status];
      if (next === 'x') return 'CONFLICT_INVALID_STATE';
      if (next === '=') return 'ok';
      run.status = next;
      if (next === 'C') ref.audits++;
      if (access === 'override') ref.audits++;
      return 'ok';
    }
    case 'approve': {
      const run = ref.runs[op.run % ref.runs.length]!;
      if (!boss) return 'FORBIDDEN';
      if (run.locked) return 'ok';
      if (run.status !== 'C') return 'CONFLICT_INVALID_STATE';
      run.locked = true;
      ref.audits++;
      return 'ok';
    }
    case 'delete': {
      const id = SOP_IDS[op.sop]!;
      if (!ref.versions.has(id)) return 'NOT_FOUND';
      if (!boss) return 'FORBIDDEN';
      if (ref.deleted.has(id)) return 'ok';
      if (ref.runs.some((r) => r.sop === id && r.status !== 'C')) return 'SOP_HAS_ACTIVE_SESSIONS';
      ref.deleted.add(id);
      return 'ok';
    }
    case 'revise': {
      const id = SOP_IDS[op.sop]!;
      const versions = ref.versions.get(id);
      if (versions === undefined) return 'NOT_FOUND';
      if (!boss) return 'FORBIDDEN';
      if (ref.deleted.has(id)) return 'NOT_FOUND';
      versions.push([`rev${n}:step-0-0`, `rev${n}:step-0-1`]);
      return 'ok';
    }
    default:
      throw new Error('unknown op');
  }
}

/** -1 = the current step (or the first once completed); 0..3 = the nth step; 4 = a step of no SOP. */
function chosenStep(steps: readonly string[], at: number, status: string, pick: number): string {
  if (pick === -1) return status === 'C' ? steps[0]! : steps[at]!;
  if (pick === 4) return 'not-a-step';
  return steps[pick % steps.length]!;
}

// ---- the system under test -------------------------------------------------

function version(sop_id: string, n: number, steps: string[], status: 'draft' | 'confirmed'): SopVersionRow {
  return {
    sop_id, version: n, title: sop_id, status,
    tasks: [{ id: `${sop_id}-t`, title: 't', steps: steps.map((id) => ({ id, title: id, requires_check: true })) }],
    created_at: 0, confirmed_at: status === 'confirmed' ? 0 : null,
  };
}

function initialState(): State {
  const sopRow = (id: string, latest: number) => ({ id, title: id, latest_version: latest, created_by: 's1', deleted_at: null, created_at: 0, updated_at: 0 });
  return stateFrom({
    sops: [sopRow('A', 1), sopRow('B', 1), sopRow('C', 1)],
    sop_versions: [version('A', 1, ['a1', 'a2', 'a3'], 'confirmed'), version('B', 1, ['b1'], 'confirmed'), version('C', 1, ['c1'], 'draft')],
  });
}

function newestConfirmed(state: State, sopId: string): SopVersionRow | null {
  const confirmed = rowsOfTable(state, 'sop_versions').filter((v) => v.sop_id === sopId && v.status === 'confirmed');
  return confirmed.sort((a, b) => b.version - a.version)[0] ?? null;
}

function sutStep(state: State, op: Op, n: number, ref: Ref): [Result<Effect[]>, State] | 'skip' {
  const who = ACTORS[op.actor]!;
  const c = (intent: string): RuleContext => ruleContext(intent, { now: n * 1_000, actor: { user_id: who.id, role: who.role } });
  const ctx = c(`op${n}`);
  const runs = [...state.procedure_runs.values()];
  const checks = rowsOfTable(state, 'safety_checks');
  const run = 'run' in op ? runs[op.run % Math.max(runs.length, 1)] : undefined;
  if ('run' in op && run === undefined) return 'skip';
  const snap = () => ({ run: run!, version: getRow(state, 'sop_versions', [run!.sop_id, run!.sop_version])!, checks });
  const reason = 'reason' in op && op.reason ? 'because' : undefined;
  let result: Result<Effect[]>;
  switch (op.kind) {
    case 'start': {
      const sopId = SOP_IDS[op.sop]!;
      const active = runs.find((r) => r.worker_id === who.id && r.status !== 'completed') ?? null;
      result = startRun(active, newestConfirmed(state, sopId), state.sops.get(sopId) ?? null, { id: `run${n}`, sop_id: sopId }, ctx);
      break;
    }
    case 'check': {
      const refRun = ref.runs.find((r) => r.id === run!.id)!;
      const stepId = chosenStep(refRun.steps, refRun.at, refRun.status, op.step);
      result = recordCheck(snap(), { check_id: `chk${n}`, step_id: stepId, result: op.passed ? 'passed' : 'failed', override_reason: reason }, ctx);
      break;
    }
    case 'pause':
      result = pauseRun(snap(), { override_reason: reason }, ctx);
      break;
    case 'resume':
      result = resumeRun(snap(), { override_reason: reason }, ctx);
      break;
    case 'complete':
      result = completeRun(snap(), { override_reason: reason }, ctx);
      break;
    case 'approve':
      result = approveRun(snap(), {}, ctx);
      break;
    case 'delete':
    case 'revise': {
      const sopRow = state.sops.get(SOP_IDS[op.sop]!);
      if (sopRow === undefined) {
        result = { ok: false, error: { code: 'NOT_FOUND' } as never };
        break;
      }
      if (op.kind === 'delete') {
        result = deleteSop(sopRow, runs.filter((r) => r.status !== 'completed'), ctx);
        break;
      }
      const latest = getRow(state, 'sop_versions', [sopRow.id, sopRow.latest_version])!;
      const edited = editSop(sopRow, latest, { tasks: [{ title: 't', steps: [{ title: 'x' }, { title: 'y' }] }] }, c(`rev${n}`));
      if (!edited.ok) {
        result = edited;
        break;
      }
      const mid = applyEffects(state, edited.value);
      const sop2 = mid.sops.get(sopRow.id)!;
      const confirmed = confirmSop(sop2, getRow(mid, 'sop_versions', [sop2.id, sop2.latest_version])!, ctx);
      result = confirmed.ok ? { ok: true, value: [...edited.value, ...confirmed.value] } : confirmed;
      break;
    }
    default:
      throw new Error('unknown op');
  }
  return [result, result.ok ? applyEffects(state, result.value) : state];
}

// ---- the property ------------------------------------------------------------

describe('procedure runs property', () => {
  test('random run operations by several workers and a supervisor match the naive reference and keep I7', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 60, size: 'max' }), (ops) => {
        let state = initialState();
        const ref = refInitial();
        for (const [n, raw] of ops.entries()) {
          if ('run' in raw && ref.runs.length === 0) continue;
          const op = withOwner(raw, ref);
          const stepped = sutStep(state, op, n + 1, ref);
          if (stepped === 'skip') continue;
          const [result, next] = stepped;
          const expected = refStep(ref, op, n + 1);
          expect(result.ok ? 'ok' : result.error.code, `op ${n}: ${JSON.stringify(op)}`).toBe(expected);
          expect(checkRunInvariants(next, state)).toEqual([]);
          state = next;
          compare(state, ref);
        }
      }),
      { numRuns: 1000 },
    );
  }, 60_000); // 1000 random histories take a few seconds; shared CI machines are noisy
});

function withOwner(op: Op, ref: Ref): Op {
  if (!('run' in op) || op.actor !== -1) return op;
  const worker = ref.runs[op.run % ref.runs.length]!.worker;
  return { ...op, actor: ACTORS.findIndex((a) => a.id === worker) };
}

function compare(state: State, ref: Ref): void {
  const runs = [...state.procedure_runs.values()].sort((a, b) => a.started_at - b.started_at);
  expect(runs.map((r) => r.id)).toEqual(ref.runs.map((r) => r.id));
  for (const [i, run] of runs.entries()) {
    const model = ref.runs[i]!;
    const status = { A: 'in_progress', P: 'paused', C: 'completed' }[model.status];
    expect({ status: run.status, step: run.current_step_id, locked: run.locked, worker: run.worker_id }).toEqual({
      status,
      step: model.status === 'C' ? null : model.steps[model.at],
      locked: model.locked,
      worker: model.worker,
    });
  }
  expect(state.safety_checks.size).toBe(ref.checks);
  expect(state.audit_log.size).toBe(ref.audits);
  for (const id of ['A', 'B', 'C']) expect(state.sops.get(id)!.deleted_at !== null).toBe(ref.deleted.has(id));
}
