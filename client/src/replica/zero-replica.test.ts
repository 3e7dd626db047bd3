/**
 * ZeroReplica's own behaviour over a stand-in for Zero's views (the real
 * Zero, zero-cache and Postgres are in test/zero/read-path.pg.test.ts):
 * snapshots, one notification per Zero transaction, plain rows, completion,
 * closing.
 */
import type { TaskRow } from '@stint/shared';
import { describe, expect, test } from 'vitest';
import type { StintZero } from './stint-zero.ts';
import { ZeroReplica } from './zero-replica.ts';

type ResultType = 'unknown' | 'complete' | 'error';
type Listener = (data: readonly object[], resultType: ResultType) => void;

/** Zero's side, by query name: views whose listeners a test drives like Zero does. */
class FakeZero {
  readonly views = new Map<string, FakeView>();
  readonly args = new Map<string, unknown>();

  materialize(request: { query: { queryName: string }; args: unknown }): FakeView {
    const view = new FakeView();
    this.views.set(request.query.queryName, view);
    this.args.set(request.query.queryName, request.args);
    return view;
  }

  /** One Zero transaction: every listed view changes in one synchronous pass. */
  commit(changes: Record<string, readonly object[]>, resultType: ResultType = 'complete'): void {
    for (const [name, rows] of Object.entries(changes)) this.view(name).emit(rows, resultType);
  }

  completeAll(): void {
    for (const view of this.views.values()) view.emit(view.data, 'complete');
  }

  view(name: string): FakeView {
    const view = this.views.get(name);
    if (view === undefined) throw new Error(`no view ${name}`);
    return view;
  }
}

class FakeView {
  data: readonly object[] = [];
  resultType: ResultType = 'unknown';
  destroyed = false;
  readonly listeners = new Set<Listener>();

  addListener(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.data, this.resultType);
    return () => this.listeners.delete(listener);
  }

  emit(rows: readonly object[], resultType: ResultType): void {
    this.data = rows;
    this.resultType = resultType;
    for (const listener of this.listeners) listener(rows, resultType);
  }

  destroy(): void {
    this.destroyed = true;
    this.listeners.clear();
  }
}

const RC = Symbol('rc');

function task(id: string, extra: Partial<TaskRow> = {}): TaskRow {
  return { id, title: `Task ${id}`, status: 'todo', claimed_by: null, assigned_at: null, time_spent_ms: 0, created_at: 1, updated_at: 1, ...extra };
}

/** A view entry as Zero hands it out: the row plus bookkeeping under a symbol. */
function entry<R extends object>(row: R): R {
  return { ...row, [RC]: 1 };
}

function outcome(id: string) {
  return entry({
    id,
    user_id: 'w',
    device_id: 'd',
    kind: 'work.start',
    received_at: 5,
    effective_at: 5,
    time_source: 'server',
    status: 'accepted',
    code: null,
    message: null,
    details: null,
  });
}

function setup() {
  const zero = new FakeZero();
  const replica = new ZeroReplica(zero as unknown as StintZero);
  return { zero, replica };
}

const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('zero replica', () => {
  test('materialises one view per synced query', () => {
    const { zero } = setup();
    expect([...zero.views.keys()].sort()).toEqual(
      ['appliedIntents', 'bookings', 'checklistItems', 'procedureRuns', 'safetyChecks', 'sopVersions', 'sops', 'tasks', 'userTaskTotals', 'users', 'workSessions'].sort(),
    );
    expect(zero.args.get('appliedIntents')).toBeUndefined();
  });

  test('appliedIntentsSince narrows the outcomes query', () => {
    const zero = new FakeZero();
    new ZeroReplica(zero as unknown as StintZero, { appliedIntentsSince: 1234 });
    expect(zero.args.get('appliedIntents')).toEqual({ since: 1234 });
  });

  test('an outcome and its effects from one transaction reach listeners together, in one notification', async () => {
    const { zero, replica } = setup();
    const seen: { hasOutcome: boolean; status: string | undefined }[] = [];
    replica.subscribe(() => seen.push({ hasOutcome: replica.appliedIntentIds().has('i-1'), status: replica.getState().tasks.get('t-1')?.status }));
    zero.commit({ tasks: [entry(task('t-1', { status: 'in-progress' }))], appliedIntents: [outcome('i-1')] });
    await flush();
    expect(seen).toEqual([{ hasOutcome: true, status: 'in-progress' }]);
  });

  test('rows are plain copies with exactly the columns of their row type', async () => {
    const { zero, replica } = setup();
    zero.commit({ tasks: [entry({ ...task('t-1'), extra_column: 'x' })] });
    await flush();
    const row = replica.getState().tasks.get('t-1');
    expect(row).toEqual(task('t-1'));
    expect(Object.getOwnPropertySymbols(row)).toEqual([]);
    expect(Object.keys(row ?? {})).not.toContain('extra_column');
  });

  test('snapshots are immutable: a change gives a new state, untouched tables and rows keep their identity', async () => {
    const { zero, replica } = setup();
    const kept = entry(task('t-1'));
    zero.commit({ tasks: [kept], bookings: [] });
    await flush();
    const before = replica.getState();
    const rowBefore = before.tasks.get('t-1');
    zero.commit({ tasks: [kept, entry(task('t-2'))] });
    await flush();
    const after = replica.getState();
    expect(after).not.toBe(before);
    expect(before.tasks.has('t-2')).toBe(false);
    expect(after.tasks.has('t-2')).toBe(true);
    expect(after.bookings).toBe(before.bookings);
    expect(after.tasks.get('t-1')).toBe(rowBefore);
  });

  test('composite keys follow TABLE_KEYS', async () => {
    const { zero, replica } = setup();
    zero.commit({ userTaskTotals: [entry({ user_id: 'w', task_id: 't', accumulated_ms: 5, updated_at: 1 })] });
    await flush();
    expect(replica.getState().user_task_totals.get(JSON.stringify(['w', 't']))).toMatchObject({ accumulated_ms: 5 });
  });

  test('a removed row leaves the snapshot', async () => {
    const { zero, replica } = setup();
    zero.commit({ tasks: [entry(task('t-1'))] });
    await flush();
    zero.commit({ tasks: [] });
    await flush();
    expect(replica.getState().tasks.size).toBe(0);
  });

  test('users and outcomes are kept beside the state; the audit log stays empty', async () => {
    const { zero, replica } = setup();
    zero.commit({ users: [entry({ id: 'w', name: 'W', role: 'worker', created_at: 1 })], appliedIntents: [outcome('i-9')] });
    await flush();
    expect(replica.users().get('w')).toEqual({ id: 'w', name: 'W', role: 'worker', created_at: 1 });
    expect(replica.appliedIntents().get('i-9')).toMatchObject({ status: 'accepted', code: null });
    expect([...replica.appliedIntentIds()]).toEqual(['i-9']);
    expect(replica.getState().audit_log.size).toBe(0);
  });

  test('whenComplete waits for every query, and status follows', async () => {
    const { zero, replica } = setup();
    let complete = false;
    const done = replica.whenComplete().then(() => (complete = true));
    zero.commit({ tasks: [] });
    await flush();
    expect(complete).toBe(false);
    expect(replica.status()).toBe('unknown');
    zero.completeAll();
    await done;
    expect(replica.status()).toBe('complete');
  });

  test('a failed query makes whenComplete reject', async () => {
    const { zero, replica } = setup();
    const done = replica.whenComplete();
    zero.commit({ tasks: [] }, 'error');
    await expect(done).rejects.toThrow('A synced query failed');
    expect(replica.status()).toBe('error');
  });

  test('after close, views are destroyed and nobody is notified again', async () => {
    const { zero, replica } = setup();
    let calls = 0;
    replica.subscribe(() => (calls += 1));
    const waiting = replica.whenComplete();
    replica.close();
    await expect(waiting).rejects.toThrow('closed');
    zero.completeAll();
    await flush();
    expect(calls).toBe(0);
    expect([...zero.views.values()].every((v) => v.destroyed)).toBe(true);
    await expect(replica.whenComplete()).rejects.toThrow('closed');
  });

  test('unsubscribe stops one listener only', async () => {
    const { zero, replica } = setup();
    let a = 0;
    let b = 0;
    const offA = replica.subscribe(() => (a += 1));
    replica.subscribe(() => (b += 1));
    offA();
    zero.commit({ tasks: [entry(task('t-1'))] });
    await flush();
    expect([a, b]).toEqual([0, 1]);
  });
});
