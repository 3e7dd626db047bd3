import { describe, expect, test } from 'vitest';
import { DEFAULT_STALE_CUTOFF_MS, HOUR, MINUTE, applyEffects, ruleContext, sweepStale, toIso } from '@stint/shared';
import type { State } from '@stint/shared';
import { ANA, LUIS, SUP, T0, world } from '../worker/testing.ts';
import { ASK_WITHIN_MS, stalePromptModel, withAnswer, withRaised, withoutExpired } from './stale-prompt-model.ts';
import type { StalePromptInput, StalePromptRecord } from './stale-prompt-model.ts';
import { loadStalePrompts, saveStalePrompts, stalePromptKey } from './stale-prompt-store.ts';

const SWEPT_AT = T0 + 10 * MINUTE;

/** The scheduler's stale sweep at `at`, through the shared rule. */
function swept(state: State, at: number): State {
  return applyEffects(state, sweepStale(state, DEFAULT_STALE_CUTOFF_MS, ruleContext('sweep', { now: at, actor: { user_id: 'scheduler', role: 'admin' } })));
}

/** Ana starts "Poda" at T0 and Luis "Riego"; both devices go quiet and the sweep closes both work sessions at their start, at SWEPT_AT. */
function quiet(): State {
  const w = world()
    .as(SUP, T0 - HOUR)
    .act('task.create', { task_id: 't1', title: 'Poda' })
    .act('task.create', { task_id: 't2', title: 'Riego' })
    .as(ANA, T0 - MINUTE)
    .act('task.claim', { task_id: 't1' })
    .as(ANA, T0)
    .act('work.start', { task_id: 't1' })
    .as(LUIS, T0)
    .act('task.claim', { task_id: 't2' })
    .act('work.start', { task_id: 't2' });
  return swept(w.state, SWEPT_AT);
}

const anaSession = (state: State) => [...state.work_sessions.values()].find((s) => s.user_id === 'ana');

function input(view: State, now: number, extra: Partial<StalePromptInput> = {}): StalePromptInput {
  return { view, userId: 'ana', now, offsetMs: 0, heartbeatsWaiting: [], records: new Map(), ...extra };
}

describe('stale prompt model', () => {
  test('asks about my work session the sweep closed: closed at its last evidence, until now, raised now', () => {
    const view = quiet();
    const session = anaSession(view);
    const now = T0 + 2 * HOUR;
    expect(session).toMatchObject({ ended_at: T0, ended_reason: 'stale_timeout', closed_at: SWEPT_AT, extended_by_owner: false });
    expect(stalePromptModel(input(view, now))).toEqual({
      prompts: [{ sessionId: session?.id, taskId: 't1', taskTitle: 'Poda', closedAt: T0, until: now }],
      raised: [session?.id],
    });
  });

  test('once raised, "until" stays the moment it was first raised, and never after now', () => {
    const view = quiet();
    const id = anaSession(view)?.id ?? '';
    const records = new Map<string, StalePromptRecord>([[id, { raised_at: T0 + 2 * HOUR, answer: null }]]);
    expect(stalePromptModel(input(view, T0 + 3 * HOUR, { records }))).toMatchObject({ prompts: [{ until: T0 + 2 * HOUR }], raised: [] });
    // The device clock was moved back since.
    expect(stalePromptModel(input(view, T0 + HOUR, { records })).prompts[0]?.until).toBe(T0 + HOUR);
  });

  test('is not asked once answered on this device, keep or discard', () => {
    const view = quiet();
    const id = anaSession(view)?.id ?? '';
    const raised = withRaised(new Map(), [id], T0 + HOUR);
    for (const answer of ['keep', 'discard'] as const) {
      expect(stalePromptModel(input(view, T0 + 2 * HOUR, { records: withAnswer(raised, id, answer, T0 + 2 * HOUR) })).prompts).toEqual([]);
    }
  });

  test('is not asked while a heartbeat of the task waits: late evidence may still extend it', () => {
    const view = quiet();
    expect(stalePromptModel(input(view, T0 + 2 * HOUR, { heartbeatsWaiting: ['t1'] }))).toEqual({ prompts: [], raised: [] });
    expect(stalePromptModel(input(view, T0 + 2 * HOUR, { heartbeatsWaiting: ['t2'] })).prompts).toHaveLength(1);
  });

  test('is not asked about someone else’s work session, nor one closed more than 24 h ago (server time)', () => {
    const view = quiet();
    expect(stalePromptModel(input(view, T0 + HOUR, { userId: 'luis' })).prompts.map((p) => p.taskId)).toEqual(['t2']);
    expect(stalePromptModel(input(view, SWEPT_AT + ASK_WITHIN_MS)).prompts).toHaveLength(1);
    expect(stalePromptModel(input(view, SWEPT_AT + ASK_WITHIN_MS + 1)).prompts).toEqual([]);
    // A device clock an hour behind the server still counts 24 h of server time.
    expect(stalePromptModel(input(view, SWEPT_AT + ASK_WITHIN_MS - HOUR + 1, { offsetMs: HOUR })).prompts).toEqual([]);
  });

  test('is not asked about a work session I paused, nor one already claimed back', () => {
    const paused = world().as(SUP, T0).act('task.create', { task_id: 't1', title: 'Poda' }).as(ANA, T0).act('task.claim', { task_id: 't1' }).act('work.start', { task_id: 't1' });
    expect(stalePromptModel(input(paused.as(ANA, T0 + HOUR).act('work.pause', { task_id: 't1' }).state, T0 + 2 * HOUR)).prompts).toEqual([]);

    const view = quiet();
    const id = anaSession(view)?.id ?? '';
    const kept = world(view).as(ANA, T0 + 2 * HOUR).act('work.extend', { session_id: id, until: toIso(T0 + 2 * HOUR) }).state;
    expect(anaSession(kept)).toMatchObject({ ended_at: T0 + 2 * HOUR, extended_by_owner: true, ended_reason: 'stale_timeout' });
    expect(stalePromptModel(input(kept, T0 + 2 * HOUR)).prompts).toEqual([]);
  });

  test('"until" stops where the task’s next work session began; with no gap left there is nothing to ask', () => {
    const view = quiet();
    const restarted = world(view).as(ANA, T0 + 30 * MINUTE).act('work.start', { task_id: 't1' }).state;
    expect(stalePromptModel(input(restarted, T0 + 2 * HOUR)).prompts.map((p) => p.until)).toEqual([T0 + 30 * MINUTE]);
    // On a device 5 s behind the server, that start is 5 s later on its own clock.
    expect(stalePromptModel(input(restarted, T0 + 2 * HOUR, { offsetMs: -5_000 })).prompts.map((p) => p.until)).toEqual([T0 + 30 * MINUTE + 5_000]);
    // Started again (on a device whose clock lags) right where the last evidence was: no gap.
    const atOnce = world(view).as(ANA, T0).act('work.start', { task_id: 't1' }).state;
    expect([...atOnce.work_sessions.values()].filter((s) => s.user_id === 'ana').map((s) => s.started_at)).toEqual([T0, T0]);
    expect(stalePromptModel(input(atOnce, T0 + 2 * HOUR))).toEqual({ prompts: [], raised: [] });
  });

  test('Keep through the shared rule claims the gap back to "until" and the prompt goes', () => {
    const view = quiet();
    const [prompt] = stalePromptModel(input(view, T0 + 2 * HOUR)).prompts;
    const kept = world(view).as(ANA, T0 + 2 * HOUR + MINUTE).act('work.extend', { session_id: prompt?.sessionId ?? '', until: toIso(prompt?.until ?? 0) }).state;
    expect(anaSession(kept)).toMatchObject({ ended_at: T0 + 2 * HOUR, extended_by_owner: true });
    expect(kept.tasks.get('t1')?.time_spent_ms).toBe(2 * HOUR);
  });
});

describe('stale prompt records', () => {
  test('raising keeps an earlier raise; answering keeps when it was raised', () => {
    const first = withRaised(new Map(), ['a'], 100);
    expect(withRaised(first, ['a', 'b'], 200)).toEqual(new Map([['a', { raised_at: 100, answer: null }], ['b', { raised_at: 200, answer: null }]]));
    expect(withAnswer(first, 'a', 'keep', 300).get('a')).toEqual({ raised_at: 100, answer: 'keep' });
    expect(withAnswer(first, 'c', 'discard', 300).get('c')).toEqual({ raised_at: 300, answer: 'discard' });
  });

  test('records older than two days are forgotten', () => {
    const records = new Map([['old', { raised_at: 0, answer: 'discard' as const }], ['new', { raised_at: 2 * ASK_WITHIN_MS, answer: null }]]);
    expect([...withoutExpired(records, 2 * ASK_WITHIN_MS + 1).keys()]).toEqual(['new']);
  });

  test('are kept per person in the store; anything unreadable reads as nothing remembered', () => {
    const items = new Map<string, string>();
    const storage = { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
    saveStalePrompts(storage, 'ana', withAnswer(new Map(), 'ws1', 'keep', 100));
    expect(loadStalePrompts(storage, 'ana')).toEqual(new Map([['ws1', { raised_at: 100, answer: 'keep' }]]));
    expect(loadStalePrompts(storage, 'luis')).toEqual(new Map());
    items.set(stalePromptKey('ana'), '{"ws1":{"raised_at":"soon"}}');
    expect(loadStalePrompts(storage, 'ana')).toEqual(new Map());
    items.set(stalePromptKey('ana'), 'not json');
    expect(loadStalePrompts(storage, 'ana')).toEqual(new Map());
  });
});
