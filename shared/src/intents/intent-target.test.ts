import { describe, expect, test } from 'vitest';
import { INTENT_KINDS } from './intent-definitions.ts';
import type { IntentKind } from './intent-definitions.ts';
import { aggregateKey, intentRefs, intentTarget, sharesAggregate } from './intent-target.ts';
import { exampleIntent } from './testing.ts';

const EXPECTED: Record<IntentKind, string> = {
  'task.create': 'task:t1',
  'task.set_status': 'task:t1',
  'task.claim': 'task:t1',
  'task.release': 'task:t1',
  'task.complete': 'task:t1',
  'task.rename': 'task:t1',
  'work.start': 'task:t1',
  'work.pause': 'task:t1',
  'work.heartbeat': 'task:t1',
  'work.extend': 'work_session:ws1',
  'checklist.add': 'checklist_item:c1',
  'checklist.set_status': 'checklist_item:c1',
  'checklist.rename': 'checklist_item:c1',
  'checklist.delete': 'checklist_item:c1',
  'run.start': 'run:r1',
  'run.check': 'run:r1',
  'run.pause': 'run:r1',
  'run.resume': 'run:r1',
  'run.complete': 'run:r1',
  'run.approve': 'run:r1',
  'sop.create': 'sop:s1',
  'sop.edit': 'sop:s1',
  'sop.confirm': 'sop:s1',
  'sop.delete': 'sop:s1',
  'booking.start': 'booking:b1',
  'booking.complete': 'booking:b1',
  'booking.create': 'booking:b1',
  'booking.cancel': 'booking:b1',
};

describe('intent target', () => {
  test.each(INTENT_KINDS)('%s targets the aggregate its args name', (kind) => {
    const target = intentTarget(exampleIntent(kind));
    expect(aggregateKey(target)).toBe(EXPECTED[kind]);
    expect(intentRefs(exampleIntent(kind))[0]).toEqual(target);
  });

  test('work intents lock the task, since a work session belongs to its task (I1, I2)', () => {
    expect(intentTarget({ ...exampleIntent('work.start'), args: { task_id: 'other' } })).toEqual({ aggregate: 'task', id: 'other' });
  });

  test('adding a checklist item also refers to its task', () => {
    expect(intentRefs(exampleIntent('checklist.add')).map(aggregateKey)).toEqual(['checklist_item:c1', 'task:t1']);
  });

  test('intents depend on each other when they name a common aggregate', () => {
    expect(sharesAggregate(exampleIntent('task.create'), exampleIntent('checklist.add'))).toBe(true);
    expect(sharesAggregate(exampleIntent('checklist.add'), exampleIntent('checklist.set_status'))).toBe(true);
    expect(sharesAggregate(exampleIntent('task.claim'), exampleIntent('checklist.set_status'))).toBe(false);
    expect(sharesAggregate(exampleIntent('booking.start'), exampleIntent('run.start'))).toBe(false);
    expect(sharesAggregate(exampleIntent('work.start'), { ...exampleIntent('work.pause'), args: { task_id: 't2' } })).toBe(false);
  });
});
