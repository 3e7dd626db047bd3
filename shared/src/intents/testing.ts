/**
 * A valid example of every intent kind, for tests here and in other packages
 * (server push route, client journal). Not used by any rule.
 */
import type { IntentArgs, IntentKind } from './intent-definitions.ts';
import type { IntentOf } from './intent.ts';

export const EXAMPLE_ARGS: { readonly [K in IntentKind]: IntentArgs<K> } = {
  'task.create': { task_id: 't1', title: 'Replace the pump seal', status: 'todo' },
  'task.set_status': { task_id: 't1', status: 'in-progress' },
  'task.claim': { task_id: 't1' },
  'task.release': { task_id: 't1' },
  'task.complete': { task_id: 't1' },
  'task.rename': { task_id: 't1', title: 'Replace the pump seal and gasket' },
  'work.start': { task_id: 't1' },
  'work.pause': { task_id: 't1' },
  'work.heartbeat': { task_id: 't1', alive_since: '2026-11-02T08:00:00.000Z' },
  'work.extend': { session_id: 'ws1', until: '2026-11-02T09:00:00.000Z' },
  'checklist.add': { checklist_item_id: 'c1', task_id: 't1', title: 'Drain the line', status: 1 },
  'checklist.set_status': { checklist_item_id: 'c1', status: 3 },
  'checklist.rename': { checklist_item_id: 'c1', title: 'Drain and vent the line' },
  'checklist.delete': { checklist_item_id: 'c1' },
  'run.start': { session_id: 'r1', sop_id: 's1' },
  'run.check': { session_id: 'r1', step_id: 'p1', result: 'passed', notes: 'Gauge reads zero' },
  'run.pause': { session_id: 'r1' },
  'run.resume': { session_id: 'r1' },
  'run.complete': { session_id: 'r1' },
  'run.approve': { session_id: 'r1', reason: 'Checked on site' },
  'sop.create': { sop_id: 's1', title: 'Lockout / tagout', tasks: [{ title: 'Isolate', steps: [{ title: 'Open the breaker' }, { title: 'Test dead', requires_check: true }] }] },
  'sop.edit': { sop_id: 's1', title: 'Lockout / tagout (rev. 2)' },
  'sop.confirm': { sop_id: 's1' },
  'sop.delete': { sop_id: 's1' },
  'booking.start': { booking_id: 'b1' },
  'booking.complete': { booking_id: 'b1' },
  'booking.create': { booking_id: 'b1', mentor_id: 'w1', student_id: 'w2', start_time: '2026-11-02T10:00:00.000Z', end_time: '2026-11-02T11:00:00.000Z' },
  'booking.cancel': { booking_id: 'b1' },
};

/** A valid intent of the given kind. */
export function exampleIntent<K extends IntentKind>(kind: K, id = `i-${kind}`, occurred_at = '2026-11-02T09:00:00.000Z'): IntentOf<K> {
  return { id, kind, args: EXAMPLE_ARGS[kind], occurred_at } as IntentOf<K>;
}
