/**
 * `DEMO=on npm start`: a small crew to try Stint with — two workers, a
 * supervisor, tasks (two with checklists), a confirmed safety procedure and
 * a booking — and sign-in links for each person, printed at every start.
 *
 * Invariants:
 *  1. Seeded once: the data goes in only when the demo supervisor does not
 *     exist yet, so restarting never duplicates or resets anything.
 *  2. Every change goes through the one executor (runIntent) as the demo
 *     supervisor, exactly as if they had made it in the app; only the
 *     people are inserted directly, as the users route does.
 *  3. Links carry a fresh token in the address fragment (`/#token=…`),
 *     which browsers never send to a server.
 */
import type { IntentArgs, IntentKind, Role, UserRow } from '@stint/shared';
import type { Auth } from '../auth/auth.ts';
import type { AppDeps } from '../http/env.ts';
import { runIntent } from '../intents/run-intent.ts';
import { findUser, insertUser } from '../users/users.ts';

export const DEMO_PEOPLE: readonly { readonly id: string; readonly name: string; readonly role: Role }[] = [
  { id: 'demo-ana', name: 'Ana Torres', role: 'worker' },
  { id: 'demo-luis', name: 'Luis Pérez', role: 'worker' },
  { id: 'demo-sam', name: 'Sam Rivera', role: 'supervisor' },
];

const SUPERVISOR_ID = 'demo-sam';
const HOUR_MS = 3_600_000;

export interface DemoLink {
  readonly name: string;
  readonly role: Role;
  readonly url: string;
}

/** Seeds the demo once (invariant 1); returns whether it seeded now. */
export async function seedDemo(deps: Pick<AppDeps, 'sql' | 'clock' | 'config'>): Promise<boolean> {
  if ((await findUser(deps.sql, SUPERVISOR_ID)) !== undefined) return false;
  const now = deps.clock();
  for (const person of DEMO_PEOPLE) await insertUser(deps.sql, { ...person, created_at: now });
  const supervisor = { id: SUPERVISOR_ID, role: 'supervisor' as const };
  const run = <K extends IntentKind>(kind: K, args: IntentArgs<K>): Promise<unknown> => runIntent(deps, supervisor, kind, args);

  await run('task.create', { task_id: 'demo-pump', title: 'Inspect pump station 4' });
  for (const [i, title] of ['Check seals for leaks', 'Read pressure gauge', 'Clean intake filter', 'Photograph the nameplate', 'Log vibration reading'].entries()) {
    await run('checklist.add', { task_id: 'demo-pump', checklist_item_id: `demo-pump-${i + 1}`, title });
  }
  await run('task.create', { task_id: 'demo-panel', title: 'Replace breaker in panel B2' });
  for (const [i, title] of ['Isolate the circuit', 'Swap the breaker', 'Test under load'].entries()) {
    await run('checklist.add', { task_id: 'demo-panel', checklist_item_id: `demo-panel-${i + 1}`, title });
  }
  await run('task.create', { task_id: 'demo-hydrant', title: 'Flush hydrant on 5th Street' });
  await run('task.create', { task_id: 'demo-meter', title: 'Revisar medidor del edificio C' });

  await run('sop.create', {
    sop_id: 'demo-loto',
    title: 'Lockout / tagout',
    tasks: [
      {
        title: 'Prepare',
        steps: [{ title: 'Notify affected people' }, { title: 'Identify every energy source', requires_check: true }],
      },
      {
        title: 'Isolate',
        steps: [
          { title: 'Shut the equipment down' },
          { title: 'Apply locks and tags', requires_check: true },
          { title: 'Verify zero energy', requires_check: true },
        ],
      },
    ],
  });
  await run('sop.confirm', { sop_id: 'demo-loto' });

  const start = Math.ceil((now + HOUR_MS) / HOUR_MS) * HOUR_MS;
  await run('booking.create', {
    booking_id: 'demo-booking',
    mentor_id: 'demo-luis',
    student_id: 'demo-ana',
    start_time: new Date(start).toISOString(),
    end_time: new Date(start + HOUR_MS / 2).toISOString(),
  });
  return true;
}

/** A sign-in link per demo person, with a new token each (invariant 3). */
export async function demoLinks(deps: Pick<AppDeps, 'sql'> & { readonly auth: Auth }, baseUrl: string): Promise<DemoLink[]> {
  const links: DemoLink[] = [];
  for (const person of DEMO_PEOPLE) {
    const user: UserRow | undefined = await findUser(deps.sql, person.id);
    if (user === undefined) continue;
    const { token } = await deps.auth.issueToken(user.id);
    links.push({ name: user.name, role: user.role, url: `${baseUrl}/#token=${encodeURIComponent(token)}` });
  }
  return links;
}
