import { describe, expect, test } from 'vitest';
import { ERROR_CODES } from '@stint/shared';
import { REJECTION_HINTS, hintFor, inboxItems } from './inbox.ts';
import type { JournalRow } from './journal.ts';

function rejected(seq: number, kind: JournalRow['kind'], args: unknown, extra: Partial<JournalRow> = {}): JournalRow {
  return {
    seq,
    id: `i-${seq}`,
    kind,
    args,
    occurred_at: seq,
    phase: 'decided',
    status: 'rejected',
    effective_at: null,
    code: 'CONFLICT_CLAIMED',
    message: 'Task is claimed by someone else',
    details: { task_id: 't1' },
    attempts: 1,
    last_error: null,
    created_at: seq,
    decided_at: seq,
    dismissed_at: null,
    ...extra,
  };
}

describe('inbox', () => {
  test('every error code has a non-empty hint', () => {
    for (const code of ERROR_CODES) expect(hintFor(code).length).toBeGreaterThan(10);
    expect(Object.keys(REJECTION_HINTS).sort()).toEqual([...ERROR_CODES].sort());
  });

  test('lists undismissed rejections in journal order with reason, hint and what they followed', () => {
    const rows = [
      rejected(1, 'task.claim', { task_id: 't1' }),
      { ...rejected(2, 'task.claim', { task_id: 't2' }), status: 'accepted' as const, code: null },
      rejected(3, 'work.start', { task_id: 't1' }),
      rejected(4, 'checklist.add', { checklist_item_id: 'c9', task_id: 't1', title: 'x' }, { code: 'NOT_FOUND' }),
      rejected(5, 'task.claim', { task_id: 't3' }, { dismissed_at: 9 }),
      rejected(6, 'booking.start', { booking_id: 'b1' }, { code: 'FORBIDDEN' }),
    ];
    const items = inboxItems(rows);
    expect(items.map((item) => [item.id, item.code, item.follows])).toEqual([
      ['i-1', 'CONFLICT_CLAIMED', null],
      ['i-3', 'CONFLICT_CLAIMED', 'i-1'],
      ['i-4', 'NOT_FOUND', 'i-3'],
      ['i-6', 'FORBIDDEN', null],
    ]);
    expect(items[0]).toMatchObject({ kind: 'task.claim', message: 'Task is claimed by someone else', details: { task_id: 't1' }, hint: REJECTION_HINTS.CONFLICT_CLAIMED });
  });

  test('never lists a refused heartbeat, nor names one as what an item followed', () => {
    const rows = [rejected(1, 'work.heartbeat', { task_id: 't1' }, { code: 'CONFLICT_INVALID_STATE' }), rejected(2, 'work.pause', { task_id: 't1' })];
    expect(inboxItems(rows).map((item) => [item.id, item.follows])).toEqual([['i-2', null]]);
  });
});
