import 'fake-indexeddb/auto';
import { afterEach, describe, expect, test } from 'vitest';
import { MINUTE } from '@stint/shared';
import { OTHER_WORKER, rig } from '../engine/testing/fixtures.ts';
import type { Rig } from '../engine/testing/fixtures.ts';
import { openJournal, readAllRows } from '../engine/index.ts';
import type { JournalRow } from '../engine/index.ts';
import { HEARTBEAT_INTERVAL_MS, startHeartbeats } from './heartbeats.ts';
import type { HeartbeatTriggers } from './heartbeats.ts';

const rigs: Rig[] = [];
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const r of rigs.splice(0)) await r.engine.close();
});

/** Triggers a test fires by hand: a page and a window that are plain event targets, and one interval. */
function manualTriggers() {
  const intervals: number[] = [];
  let tick = (): void => undefined;
  const page = new EventTarget() as EventTarget & { readonly visibilityState: DocumentVisibilityState };
  Object.defineProperty(page, 'visibilityState', { get: () => triggers.visibilityState });
  const triggers = {
    visibilityState: 'visible' as DocumentVisibilityState,
    page,
    window: new EventTarget(),
    intervals,
    setInterval: (callback: () => void, ms: number) => {
      intervals.push(ms);
      tick = callback;
      return 1;
    },
    clearInterval: () => {
      tick = () => undefined;
    },
    tick: () => tick(),
  };
  return triggers satisfies HeartbeatTriggers;
}

async function beatRows(r: Rig): Promise<JournalRow[]> {
  const db = openJournal(r.dbName);
  try {
    return (await readAllRows(db)).filter((row) => row.kind === 'work.heartbeat');
  } finally {
    db.close();
  }
}

/** Waits until the journal holds `count` heartbeat rows (a beat is journaled asynchronously). */
async function beatsJournaled(r: Rig, count: number): Promise<JournalRow[]> {
  for (let i = 0; i < 200; i++) {
    const rows = await beatRows(r);
    if (rows.length === count) return rows;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`expected ${count} heartbeat rows, found ${(await beatRows(r)).length}`);
}

async function working(): Promise<Rig> {
  const r = await rig({ online: false });
  rigs.push(r);
  for (const task_id of ['t2', 't3']) {
    expect((await r.engine.act('task.claim', { task_id })).accepted).toBe(true);
    expect((await r.engine.act('work.start', { task_id })).accepted).toBe(true);
  }
  return r;
}

describe('app heartbeats', () => {
  test('every 60 s, one beat per open work session of mine', async () => {
    const r = await working();
    // Someone else works on t1 (its checklist put it in progress): no beat of mine for it.
    r.server.run(OTHER_WORKER, 'w2-claim', 'task.claim', { task_id: 't1' });
    r.server.run(OTHER_WORKER, 'w2-tick', 'checklist.set_status', { checklist_item_id: 'c1', status: 2 });
    r.replica.pull();
    expect([...r.engine.view.getSnapshot().work_sessions.values()].filter((s) => s.ended_at === null).map((s) => s.user_id).sort()).toEqual(['w1', 'w1', 'w2']);
    const triggers = manualTriggers();
    stops.push(startHeartbeats(r.engine, 'w1', triggers));
    expect(triggers.intervals).toEqual([HEARTBEAT_INTERVAL_MS]);
    triggers.tick();
    const rows = await beatsJournaled(r, 2);
    expect(rows.map((row) => row.args)).toEqual([{ task_id: 't2' }, { task_id: 't3' }]);
  });

  test.each([
    ['the page becomes visible again', (t: ReturnType<typeof manualTriggers>) => t.page.dispatchEvent(new Event('visibilitychange'))],
    ['the page is shown from the back/forward cache', (t: ReturnType<typeof manualTriggers>) => t.window.dispatchEvent(new Event('pageshow'))],
    ['the network returns', (t: ReturnType<typeof manualTriggers>) => t.window.dispatchEvent(new Event('online'))],
  ])('beats at once when %s', async (_when, fire) => {
    const r = await working();
    const triggers = manualTriggers();
    stops.push(startHeartbeats(r.engine, 'w1', triggers));
    fire(triggers);
    expect((await beatsJournaled(r, 2)).map((row) => row.occurred_at)).toEqual([r.clock(), r.clock()]);
  });

  test('a page going hidden does not beat; later beats continue the run in the same rows', async () => {
    const r = await working();
    const triggers = manualTriggers();
    stops.push(startHeartbeats(r.engine, 'w1', triggers));
    triggers.visibilityState = 'hidden';
    triggers.page.dispatchEvent(new Event('visibilitychange'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await beatRows(r)).toEqual([]);
    triggers.tick();
    const [first] = await beatsJournaled(r, 2);
    for (let i = 0; i < 3; i++) {
      r.clock.advance(MINUTE);
      triggers.tick();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const rows = await beatsJournaled(r, 2);
    expect(rows.map((row) => row.occurred_at)).toEqual([r.clock(), r.clock()]);
    expect(rows.map((row) => (row.args as { alive_since?: string }).alive_since)).toEqual([new Date(first?.occurred_at ?? 0).toISOString(), new Date(first?.occurred_at ?? 0).toISOString()]);
  });

  test('once stopped, nothing beats', async () => {
    const r = await working();
    const triggers = manualTriggers();
    startHeartbeats(r.engine, 'w1', triggers)();
    triggers.tick();
    triggers.window.dispatchEvent(new Event('online'));
    triggers.page.dispatchEvent(new Event('visibilitychange'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await beatRows(r)).toEqual([]);
  });
});
