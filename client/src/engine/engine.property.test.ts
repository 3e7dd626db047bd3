/**
 * The sync loop against a naive model (STYLE.md §12): random sequences of
 * acts, network loss, drains, replication rounds, other people's changes,
 * reloads and dismissals. After every step the engine must agree with a
 * model that keeps a plain list of accepted acts and the outcomes the engine
 * has been told, and folds them over the replica with immutable
 * `applyEffects`; and the server must never have applied an intent twice.
 * Heartbeats follow the naive reading of DESIGN §3.1: a beat within the
 * cutoff of the task's last open beat carries its alive_since, and takes
 * its place while that one is unsent and nothing else on the task came
 * after it.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { Dexie } from 'dexie';
import { describe, expect, test } from 'vitest';
import { DEFAULT_STALE_CUTOFF_MS, applyEffects, applyIntent, CHECKLIST_STATUSES, TASK_STATUSES, toIso } from '@stint/shared';
import type { Intent, Outcome, State, TableName } from '@stint/shared';
import type { Engine } from './engine.ts';
import { createEngine } from './engine.ts';
import { openJournal } from './journal.ts';
import { inProcessLocks } from './locks.ts';
import { actContext } from './replay.ts';
import { MemoryReplica } from './testing/memory-replica.ts';
import { manualTimers } from './testing/manual-timers.ts';
import { OTHER_WORKER, SUPERVISOR, WORKER, freshDbName, manualClock, seededServer } from './testing/fixtures.ts';

const TASKS = ['t1', 't2', 't3'] as const;
const ITEMS = ['c1', 'c2'] as const;

type Step =
  | { readonly type: 'act'; readonly intent: Pick<Intent, 'kind' | 'args'> }
  | { readonly type: 'network'; readonly online: boolean }
  | { readonly type: 'sync' }
  | { readonly type: 'pull' }
  | { readonly type: 'other'; readonly intent: Pick<Intent, 'kind' | 'args'>; readonly supervisor: boolean }
  | { readonly type: 'reload' }
  | { readonly type: 'dismiss' }
  /** Longer than the stale cutoff passes. */
  | { readonly type: 'wait' };

const task = fc.constantFrom(...TASKS);
const workerIntent: fc.Arbitrary<Pick<Intent, 'kind' | 'args'>> = fc.oneof(
  fc.record({ kind: fc.constantFrom('task.claim', 'task.release', 'task.complete', 'work.start', 'work.pause', 'work.heartbeat'), args: fc.record({ task_id: task }) }),
  fc.record({ kind: fc.constant('task.set_status'), args: fc.record({ task_id: task, status: fc.constantFrom(...TASK_STATUSES) }) }),
  fc.record({ kind: fc.constant('checklist.set_status'), args: fc.record({ checklist_item_id: fc.constantFrom(...ITEMS), status: fc.constantFrom(...CHECKLIST_STATUSES) }) }),
) as fc.Arbitrary<Pick<Intent, 'kind' | 'args'>>;

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: workerIntent.map((intent) => ({ type: 'act' as const, intent })) },
  { weight: 2, arbitrary: fc.boolean().map((online) => ({ type: 'network' as const, online })) },
  { weight: 2, arbitrary: fc.constant({ type: 'sync' as const }) },
  { weight: 2, arbitrary: fc.constant({ type: 'pull' as const }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('other' as const), intent: workerIntent, supervisor: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ type: 'reload' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'dismiss' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'wait' as const }) },
);

const ENV = { actor: WORKER, zone: 'UTC', staleCutoffMs: DEFAULT_STALE_CUTOFF_MS } as const;

interface ModelIntent {
  readonly id: string;
  readonly intent: Intent;
  readonly occurredAt: number;
}

/** What the engine should show, computed the naive way: replica + each still-relevant act, one immutable step at a time. */
function modelView(replica: MemoryReplica, acts: readonly ModelIntent[], known: ReadonlyMap<string, Outcome>, serverNow: number): State {
  let state = replica.getState();
  const applied = replica.appliedIntentIds();
  for (const act of acts) {
    const outcome = known.get(act.id);
    if (applied.has(act.id) || outcome?.status === 'rejected') continue;
    const now = outcome === undefined ? act.occurredAt : Date.parse(outcome.effective_at);
    const result = applyIntent(state, act.intent, actContext(act.id, now, outcome === undefined ? Math.max(now, serverNow) : now, ENV));
    if (result.ok) state = applyEffects(state, result.value);
  }
  return state;
}

const isBeat = (act: ModelIntent): boolean => act.intent.kind === 'work.heartbeat';
const taskOf = (act: ModelIntent): unknown => (act.intent.args as { task_id?: unknown }).task_id;
/** Whether an act touches the task: by its task_id, or a checklist item (c1 and c2 are t1's). */
const touches = (act: ModelIntent, taskId: string): boolean => taskOf(act) === taskId || (act.intent.kind.startsWith('checklist.') && taskId === 't1');

/** A heartbeat's args and the act it replaces, the naive way (see the file's comment). */
function modelBeat(acts: readonly ModelIntent[], known: ReadonlyMap<string, Outcome>, applied: ReadonlySet<string>, taskId: string, at: number): { args: object; replaces: ModelIntent | null } {
  const previous = acts.findLast((act) => isBeat(act) && taskOf(act) === taskId && !applied.has(act.id) && known.get(act.id)?.status !== 'rejected');
  if (previous === undefined || at - previous.occurredAt > DEFAULT_STALE_CUTOFF_MS) return { args: { task_id: taskId }, replaces: null };
  const aliveSince = (previous.intent.args as { alive_since?: string }).alive_since ?? toIso(previous.occurredAt);
  const after = acts.slice(acts.indexOf(previous) + 1);
  const replaces = !known.has(previous.id) && !after.some((act) => touches(act, taskId)) ? previous : null;
  return { args: { task_id: taskId, alive_since: aliveSince }, replaces };
}

function expectSameState(actual: State, expected: State): void {
  for (const table of Object.keys(expected) as TableName[]) {
    expect(new Map(actual[table] as ReadonlyMap<string, unknown>)).toEqual(new Map(expected[table] as ReadonlyMap<string, unknown>));
  }
}

async function runScenario(steps: readonly Step[]): Promise<void> {
  const clock = manualClock();
  const server = seededServer(clock);
  const transport = server.transport(WORKER);
  transport.online = false;
  const replica = new MemoryReplica(server);
  replica.pull();
  const dbName = freshDbName('engine-property');
  const locks = inProcessLocks();
  let counter = 0;
  const open = (): Promise<Engine> =>
    createEngine({
      dbName,
      user: { id: WORKER.user_id, role: WORKER.role },
      deviceId: 'device-p',
      zone: 'UTC',
      transport,
      replica,
      clock,
      random: () => 0.5,
      newId: () => `p-${(counter += 1)}`,
      locks,
      timers: manualTimers(),
    });
  const acts: ModelIntent[] = [];
  const known = new Map<string, Outcome>();
  const dismissed = new Set<string>();
  let others = 0;
  let engine = await open();
  const journal = openJournal(dbName);

  const learnOutcomes = (): void => {
    if (!transport.online) return;
    for (const act of acts) {
      const outcome = server.outcomes.get(act.id);
      if (outcome !== undefined) known.set(act.id, outcome);
    }
  };
  const check = (): void => {
    expectSameState(engine.view.getSnapshot(), modelView(replica, acts, known, clock()));
    const status = engine.status.getSnapshot();
    expect(status.pending).toBe(acts.filter((act) => !known.has(act.id) && !isBeat(act)).length);
    expect(status.heartbeatsWaiting).toEqual([...new Set(acts.filter((act) => !known.has(act.id) && isBeat(act)).map(taskOf))].sort());
    const expectedInbox = acts.filter((act) => known.get(act.id)?.status === 'rejected' && !dismissed.has(act.id) && !isBeat(act)).map((act) => act.id);
    expect(engine.inbox.getSnapshot().map((item) => item.id)).toEqual(expectedInbox);
    for (const count of server.applyCount.values()) expect(count).toBe(1);
    for (const [id, outcome] of known) expect(server.outcomes.get(id)).toEqual(outcome);
  };

  try {
    for (const step of steps) {
      clock.advance(7_000);
      switch (step.type) {
        case 'act': {
          const id = `p-${counter + 1}`;
          const beat = step.intent.kind === 'work.heartbeat' ? modelBeat(acts, known, replica.appliedIntentIds(), taskOf({ intent: step.intent } as ModelIntent) as string, clock()) : null;
          const intent = { id, ...step.intent, ...(beat === null ? {} : { args: beat.args }), occurred_at: toIso(clock()) } as Intent;
          const expected = applyIntent(modelView(replica, acts, known, clock()), intent, actContext(id, clock(), clock(), ENV));
          const result = await engine.act(step.intent.kind, step.intent.args as never);
          expect(result.id).toBe(id);
          expect(result.accepted).toBe(expected.ok);
          if (result.accepted) {
            expect(result.replaced).toBe(beat?.replaces?.id);
            if (beat !== null) expect((await journal.intents.get({ id }))?.args).toEqual(beat.args);
            if (beat?.replaces != null) acts.splice(acts.indexOf(beat.replaces), 1);
            acts.push({ id, intent, occurredAt: clock() });
          }
          break;
        }
        case 'wait':
          clock.advance(DEFAULT_STALE_CUTOFF_MS);
          break;
        case 'network':
          transport.online = step.online;
          break;
        case 'sync':
          await engine.sync();
          learnOutcomes();
          break;
        case 'pull':
          replica.pull();
          break;
        case 'other':
          others += 1;
          server.run(step.supervisor ? SUPERVISOR : OTHER_WORKER, `other-${others}`, step.intent.kind, step.intent.args as never);
          break;
        case 'reload':
          await engine.close();
          engine = await open();
          await engine.sync();
          learnOutcomes();
          break;
        case 'dismiss': {
          const [first] = engine.inbox.getSnapshot();
          if (first !== undefined) {
            await engine.inbox.dismiss(first.id);
            dismissed.add(first.id);
          }
          break;
        }
        default:
          throw new Error(`unknown step ${JSON.stringify(step satisfies never)}`);
      }
      check();
    }
    // Back online for good: everything is decided exactly once and the view is the replica's.
    transport.online = true;
    await engine.sync();
    learnOutcomes();
    replica.pull();
    check();
    expect(engine.status.getSnapshot().pending).toBe(0);
    for (const act of acts) expect(server.applyCount.get(act.id) ?? 0).toBe(known.get(act.id)?.status === 'rejected' ? 0 : 1);
    expectSameState(engine.view.getSnapshot(), server.state);
  } finally {
    journal.close();
    await engine.close();
    await Dexie.delete(dbName);
  }
}

describe('sync loop (property)', () => {
  test('random acts, outages, drains, replication, reloads and others’ changes keep the engine equal to a naive model and apply every intent at most once', async () => {
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), runScenario), { numRuns: 1000 });
  }, 240_000);
});
