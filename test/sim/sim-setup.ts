/**
 * A seed's cast and opening: which users take part, their devices (zone,
 * clock skew up to ±2 h, batch size), and the day's work the supervisor sets
 * up online through their own engine before anything goes wrong.
 *
 * Invariants:
 *  1. One supervisor and one to three workers; at most four worker devices
 *     (a worker has one or two) and one or two supervisor devices: enough
 *     to conflict, small enough for 200 seeds in `npm test`.
 *  2. Everything is drawn from the given Rng.
 */
import { MINUTE, SECOND } from '@stint/shared';
import type { IntentArgs, IntentKind } from '@stint/shared';
import type { Rng } from './prng.ts';
import { SimDevice } from './sim-device.ts';
import { SimFailure } from './sim-log.ts';
import type { SimLog } from './sim-log.ts';
import type { SimNetwork } from './sim-network.ts';
import type { SimServer, SimUser } from './sim-server.ts';
import { MAX_SKEW_MS } from './sim-steps.ts';

const ZONES = ['Europe/Madrid', 'America/Bogota', 'Asia/Kolkata', 'UTC', 'Pacific/Auckland'] as const;

export interface Cast {
  readonly users: readonly SimUser[];
  readonly devices: readonly SimDevice[];
}

export function castOf(server: SimServer, network: SimNetwork, rng: Rng, prefix: string, log: SimLog): Cast {
  const workers = shuffle(rng, server.users.filter((u) => u.role === 'worker')).slice(0, rng.weighted([[1, 1], [3, 2], [2, 3]] as const));
  const supervisor = rng.pick(server.users.filter((u) => u.role !== 'worker'));
  const plan: SimUser[] = [];
  for (const worker of workers) for (let i = rng.weighted([[1, 1], [2, 2]] as const); i > 0; i--) plan.push(worker);
  plan.splice(4);
  plan.push(supervisor);
  if (plan.length < 5 && rng.chance(0.2)) plan.push(supervisor);
  const perUser = new Map<string, number>();
  const devices = plan.map((user) => {
    const n = (perUser.get(user.id) ?? 0) + 1;
    perUser.set(user.id, n);
    return new SimDevice({
      name: `${user.id.replace('sim-', '')}-d${n}`,
      prefix,
      user,
      zone: rng.pick(ZONES),
      skewMs: rng.chance(0.25) ? 0 : rng.between(-MAX_SKEW_MS, MAX_SKEW_MS),
      batchSize: rng.weighted([[2, 2], [3, 4], [2, 10], [1, 100]] as const),
      // The default week never passes in a seed; half an hour does, so settled rows get pruned.
      retainMs: rng.chance(0.3) ? 30 * MINUTE : 7 * 24 * 60 * MINUTE,
      serverClock: server.clock,
      network,
      rng: rng.fork(`engine-${user.id}-${n}`),
    });
  });
  log.log(`devices: ${devices.map((d) => `${d.name} (${d.zone}, skew ${Math.round(d.skewMs / SECOND)} s, batch ${d.batchSize}, keeps settled rows ${Math.round(d.retainMs / MINUTE)} min)`).join(', ')}`);
  return { users: [...workers, supervisor], devices };
}

/** Tasks (some with checklists), a confirmed SOP and a few bookings, journaled on the supervisor's desk. */
export async function journalTheDay(desk: SimDevice, users: readonly SimUser[], rng: Rng, fresh: (tag: string) => string, now: number, log: SimLog): Promise<void> {
  const must = async <K extends IntentKind>(kind: K, args: IntentArgs<K>): Promise<void> => {
    const result = await desk.engine?.act(kind, args);
    if (result === undefined || !result.accepted) throw new SimFailure(`set-up ${kind} ${JSON.stringify(args)} refused: ${result?.accepted === false ? result.error.message : 'closed'}`);
    desk.journaled.push(result.id);
    log.log(`${desk.name} act ${kind} ${JSON.stringify(args)} → journaled ${result.id}`);
  };
  const tasks = Array.from({ length: rng.between(3, 5) }, () => fresh('t'));
  for (const [i, id] of tasks.entries()) await must('task.create', { task_id: id, title: `Task ${i + 1}`, status: 'todo' });
  for (const id of tasks.slice(0, rng.between(1, 2))) {
    for (let n = rng.between(1, 3); n > 0; n--) await must('checklist.add', { checklist_item_id: fresh('i'), task_id: id, title: `Item ${n}`, status: 1 });
  }
  const sop = fresh('sop');
  await must('sop.create', {
    sop_id: sop,
    title: 'Lockout procedure',
    tasks: [
      { title: 'Isolate', steps: [{ title: 'Close the valve' }, { title: 'Tag it', requires_check: rng.chance(0.5) }] },
      { title: 'Verify', steps: [{ title: 'Test for zero energy' }] },
    ],
  });
  await must('sop.confirm', { sop_id: sop });
  const people = users.map((u) => u.id);
  for (let n = rng.between(0, 2); n > 0; n--) {
    const start = now + rng.between(-20, 90) * MINUTE;
    const mentor = rng.pick(people);
    const student = rng.pick(people.filter((p) => p !== mentor));
    await must('booking.create', {
      booking_id: fresh('b'),
      mentor_id: mentor,
      student_id: student,
      start_time: new Date(start).toISOString(),
      end_time: new Date(start + 45 * MINUTE).toISOString(),
    });
  }
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
