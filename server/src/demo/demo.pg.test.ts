import { afterAll, describe, expect, test } from 'vitest';
import { createAuth } from '../auth/auth.ts';
import { checkConsistency } from '../db/consistency.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { createTestApp } from '../testing/test-app.ts';
import { DEMO_PEOPLE, demoLinks, seedDemo } from './demo.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

describe('DEMO=on', () => {
  const t = createTestApp(db, { env: { DEMO: 'on' } });
  const deps = { sql: db.sql, clock: t.clock, config: t.config, auth: createAuth({ sql: db.sql, config: t.config, clock: t.clock }) };

  test('seeds people, tasks with checklists, a confirmed procedure and a booking once; restarting seeds nothing more', async () => {
    expect(await seedDemo(deps)).toBe(true);
    expect(await seedDemo(deps)).toBe(false);
    const [counts] = await db.sql<{ users: number; tasks: number; items: number; confirmed: number; bookings: number }[]>`
      SELECT (SELECT count(*)::int FROM users WHERE id LIKE 'demo-%') AS users,
             (SELECT count(*)::int FROM tasks) AS tasks,
             (SELECT count(*)::int FROM checklist_items) AS items,
             (SELECT count(*)::int FROM sop_versions WHERE status = 'confirmed') AS confirmed,
             (SELECT count(*)::int FROM bookings) AS bookings`;
    expect(counts).toEqual({ users: DEMO_PEOPLE.length, tasks: 4, items: 8, confirmed: 1, bookings: 1 });
    expect(await checkConsistency(db.sql)).toEqual([]);
  });

  test('every link signs its person in', async () => {
    const links = await demoLinks(deps, 'http://localhost:3000');
    expect(links.map((link) => link.name)).toEqual(DEMO_PEOPLE.map((person) => person.name));
    for (const link of links) {
      const token = decodeURIComponent(/#token=(.+)$/.exec(link.url)?.[1] ?? '');
      const res = await t.request('GET', '/api/v1/me', { token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ data: { name: link.name, role: link.role } });
    }
  });
});
