/**
 * Which aggregate an intent touches. The server locks and loads that
 * aggregate's snapshot before running the rule; the client treats intents on
 * a common aggregate as dependent (DESIGN §4: a rejected intent blocks only
 * the ones behind it that depend on it).
 *
 * Invariants:
 * 1. Every kind has exactly one target (exhaustive switch).
 * 2. `intentRefs` starts with the target and adds every other aggregate the
 *    intent names, so dependency checks see e.g. a checklist item added to a
 *    task created by an earlier, rejected intent.
 */
import type { Intent } from './intent.ts';
import { unreachable } from '../unreachable.ts';

export const Aggregate = { task: 'task', workSession: 'work_session', checklistItem: 'checklist_item', run: 'run', sop: 'sop', booking: 'booking' } as const;
export type Aggregate = (typeof Aggregate)[keyof typeof Aggregate];

export interface AggregateRef {
  readonly aggregate: Aggregate;
  readonly id: string;
}

/** The aggregate an intent changes. Work sessions belong to their task (I1, I2). */
export function intentTarget(intent: Intent): AggregateRef {
  switch (intent.kind) {
    case 'task.create':
    case 'task.set_status':
    case 'task.claim':
    case 'task.release':
    case 'task.complete':
    case 'task.rename':
    case 'work.start':
    case 'work.pause':
    case 'work.heartbeat':
      return { aggregate: Aggregate.task, id: intent.args.task_id };
    case 'work.extend':
      // A work session belongs to its task; the executor finds the task through it.
      return { aggregate: Aggregate.workSession, id: intent.args.session_id };
    case 'checklist.add':
    case 'checklist.set_status':
    case 'checklist.rename':
    case 'checklist.delete':
      return { aggregate: Aggregate.checklistItem, id: intent.args.checklist_item_id };
    case 'run.start':
    case 'run.check':
    case 'run.pause':
    case 'run.resume':
    case 'run.complete':
    case 'run.approve':
      return { aggregate: Aggregate.run, id: intent.args.session_id };
    case 'sop.create':
    case 'sop.edit':
    case 'sop.confirm':
    case 'sop.delete':
      return { aggregate: Aggregate.sop, id: intent.args.sop_id };
    case 'booking.start':
    case 'booking.complete':
    case 'booking.create':
    case 'booking.cancel':
      return { aggregate: Aggregate.booking, id: intent.args.booking_id };
    default:
      return unreachable(intent);
  }
}

/** The target, then any other aggregate the intent names. */
export function intentRefs(intent: Intent): AggregateRef[] {
  const target = intentTarget(intent);
  if (intent.kind === 'checklist.add') return [target, { aggregate: Aggregate.task, id: intent.args.task_id }];
  if (intent.kind === 'run.start') return [target, { aggregate: Aggregate.sop, id: intent.args.sop_id }];
  return [target];
}

/** A stable string for an aggregate, for maps and lock names: `task:t1`. */
export function aggregateKey(ref: AggregateRef): string {
  return `${ref.aggregate}:${ref.id}`;
}

/** Whether two intents name a common aggregate, so the later one depends on the earlier. */
export function sharesAggregate(a: Intent, b: Intent): boolean {
  const keys = new Set(intentRefs(a).map(aggregateKey));
  return intentRefs(b).some((ref) => keys.has(aggregateKey(ref)));
}
