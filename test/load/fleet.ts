/**
 * The simulated fleet of `npm run load`: workers, their devices, the tasks
 * each device works on, and the intents a device sends.
 *
 * Invariants:
 *  1. Devices never contend with each other: each device has its own three
 *     tasks, all claimed by its worker —
 *       - a heartbeat task, started at set-up and never paused, so every
 *         heartbeat has an open session to keep alive (a 409 would be a bug);
 *       - a toggle task, alternately `work.start` / `work.pause`;
 *       - a checklist task with ITEMS items, each moved between planned (1)
 *         and in progress (2), so the derived task status (and the session
 *         it opens or closes) is recomputed on every change.
 *     Every intent of the load is therefore one the rules accept; any
 *     rejection the run counts is a finding, not noise.
 *  2. Set-up goes through the API the load measures (users and tokens by
 *     the admin, tasks by a supervisor's push, claims, items and starts by
 *     each worker's push) and fails loudly on any error or rejection.
 *  3. Ids carry a per-run tag, so a rerun never collides with itself.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { toIso } from '@stint/shared';
import type { IntentArgs, IntentKind } from '@stint/shared';
import type { LoadClient } from './http-client.ts';

export const ITEMS = 3;

export interface Device {
  readonly id: string;
  readonly worker: Worker;
  readonly heartbeatTask: string;
  readonly toggleTask: string;
  readonly checklistTask: string;
  readonly items: readonly string[];
  /** Mutable simulation state: is the toggle task's session open, each item's status, the next item to change. */
  toggled: boolean;
  readonly itemStatus: (1 | 2)[];
  cursor: number;
}

export interface Worker {
  readonly id: string;
  token: string;
  readonly devices: Device[];
}

export interface WireIntent {
  readonly id: string;
  readonly kind: IntentKind;
  readonly args: unknown;
  readonly occurred_at: string;
}

/** The fleet's shape; tokens are filled in by `setUpFleet`. */
export function planFleet(workers: number, devicesPerWorker: number, tag: string): Worker[] {
  return Array.from({ length: workers }, (_, w) => {
    const worker: Worker = { id: `load-${tag}-w${w}`, token: '', devices: [] };
    for (let d = 0; d < devicesPerWorker; d += 1) {
      const base = `${worker.id}-d${d}`;
      const checklistTask = `${base}-checklist`;
      worker.devices.push({
        id: base,
        worker,
        heartbeatTask: `${base}-heartbeat`,
        toggleTask: `${base}-toggle`,
        checklistTask,
        items: Array.from({ length: ITEMS }, (_, i) => `${checklistTask}-item${i}`),
        toggled: false,
        itemStatus: Array.from({ length: ITEMS }, () => 1 as const),
        cursor: 0,
      });
    }
    return worker;
  });
}

/** Users, tokens, tasks, claims, items and the heartbeat sessions, through the API (invariant 2). */
export async function setUpFleet(client: LoadClient, adminToken: string, fleet: readonly Worker[], tag: string): Promise<void> {
  const call = async (method: string, path: string, token: string, body: unknown): Promise<unknown> => {
    const answer = await client.request('setup', method, path, token, body, performance.now());
    if (!answer.ok) throw new Error(`set-up: ${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)?.slice(0, 300)}`);
    return (answer.body as { data: unknown }).data;
  };
  const push = async (token: string, device: string, intents: readonly WireIntent[]): Promise<void> => {
    for (let i = 0; i < intents.length; i += 500) {
      const data = (await call('POST', '/api/v1/sync/push', token, { device_id: device, sent_at: toIso(Date.now()), intents: intents.slice(i, i + 500) })) as PushData;
      const rejected = data.outcomes.find((o) => o.status === 'rejected');
      if (rejected !== undefined) throw new Error(`set-up: an intent was rejected: ${rejected.code ?? ''} ${rejected.message ?? ''}`);
    }
  };
  const user = async (id: string, role: 'worker' | 'supervisor'): Promise<string> => {
    await call('POST', '/api/v1/users', adminToken, { id, name: id, role });
    return ((await call('POST', `/api/v1/users/${id}/tokens`, adminToken, undefined)) as { token: string }).token;
  };

  const supervisor = await user(`load-${tag}-supervisor`, 'supervisor');
  await Promise.all(fleet.map(async (worker) => {
    worker.token = await user(worker.id, 'worker');
  }));
  const devices = fleet.flatMap((w) => w.devices);
  await push(supervisor, 'load-setup', devices.flatMap((d) =>
    [d.heartbeatTask, d.toggleTask, d.checklistTask].map((task_id) => intent('task.create', { task_id, title: `Load ${task_id}` }))));
  await Promise.all(fleet.map((worker) => push(worker.token, `${worker.id}-setup`, worker.devices.flatMap((d) => [
    ...[d.heartbeatTask, d.toggleTask, d.checklistTask].map((task_id) => intent('task.claim', { task_id })),
    ...d.items.map((checklist_item_id) => intent('checklist.add', { checklist_item_id, task_id: d.checklistTask, title: 'Step', status: 1 })),
    intent('work.start', { task_id: d.heartbeatTask }),
  ]))));
}

/** The device's next batch: one start-or-pause of its toggle task, then `size − 1` checklist changes. */
export function nextBatch(device: Device, size: number): WireIntent[] {
  const batch: WireIntent[] = [intent(device.toggled ? 'work.pause' : 'work.start', { task_id: device.toggleTask })];
  device.toggled = !device.toggled;
  for (let i = 1; i < size; i += 1) {
    const index = device.cursor % ITEMS;
    device.cursor += 1;
    const status = device.itemStatus[index] === 1 ? 2 : 1;
    device.itemStatus[index] = status;
    batch.push(intent('checklist.set_status', { checklist_item_id: device.items[index] as string, status }));
  }
  return batch;
}

export interface PushData {
  readonly outcomes: readonly { readonly status: string; readonly code?: string; readonly message?: string }[];
}

export function intent<K extends IntentKind>(kind: K, args: IntentArgs<K>): WireIntent {
  return { id: randomUUID(), kind, args, occurred_at: toIso(Date.now()) };
}
