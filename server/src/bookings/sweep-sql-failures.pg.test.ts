import { HOUR, MINUTE, put } from '@stint/shared';
import type { BookingRow } from '@stint/shared';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { applyEffects } from '../db/apply-effects.ts';
import { selectRows } from '../db/rows.ts';
import { createLogger } from '../log.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { insertUser } from '../users/users.ts';
import { sweepBookingsSql } from './sweep-sql.ts';
import { T0, booking } from './testing.ts';

// This file changes the schema (a refusing trigger, a NOT VALID constraint),
// so it has its own database.
const db = await createTestDatabase();
afterAll(() => db.drop());

const logs: Record<string, unknown>[] = [];
const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });

beforeAll(async () => {
  for (const id of ['mentor', 'student']) await insertUser(db.sql, { id, name: id, role: 'worker', created_at: T0 - 24 * HOUR });
  await db.sql`
    CREATE FUNCTION refuse_poisoned_booking() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id LIKE 'poison%' THEN RAISE EXCEPTION 'booking % refused by a trigger', NEW.id; END IF;
      RETURN NEW;
    END $$`;
});

afterEach(async () => {
  await db.sql`DROP TRIGGER IF EXISTS refuse_poison ON bookings`;
  await db.sql`ALTER TABLE bookings DROP CONSTRAINT IF EXISTS bookings_legacy_check`;
  await db.sql`DELETE FROM bookings`;
  logs.length = 0;
});


async function insert(rows: readonly BookingRow[]): Promise<void> {
  await applyEffects(db.sql, rows.map((r) => put('bookings', r)));
}

async function statusOf(id: string): Promise<string | undefined> {
  return (await selectRows(db.sql, 'bookings', { id }))[0]?.status;
}

async function auditedIds(): Promise<string[]> {
  return (await db.sql<{ entity_id: string }[]>`SELECT entity_id FROM audit_log WHERE entity = 'booking' ORDER BY entity_id COLLATE "C"`).map((r) => r.entity_id);
}

const refuseTrigger = () =>
  db.sql`CREATE TRIGGER refuse_poison BEFORE UPDATE ON bookings FOR EACH ROW EXECUTE FUNCTION refuse_poisoned_booking()`;

describe('one failing booking never stops the others', () => {
  test('a row a trigger refuses is skipped, reported and logged; every other row transitions', async () => {
    await insert([
      booking('a-due'),
      booking('poison-due'),
      booking('z-due'),
      booking('m-ending', { status: 'ONGOING', started_at: T0 - MINUTE }),
    ]);
    await refuseTrigger();
    const audits = (await auditedIds()).length;
    const report = await sweepBookingsSql(db.sql, T0 + HOUR, 'scheduler', { logger });
    expect(report).toEqual({
      started: 2,
      completed: 1,
      updates: [
        { id: 'a-due', from: 'SCHEDULED', to: 'ONGOING', is_delayed: true },
        { id: 'm-ending', from: 'ONGOING', to: 'COMPLETED', is_delayed: false },
        { id: 'z-due', from: 'SCHEDULED', to: 'ONGOING', is_delayed: true },
      ],
      failed: [{ id: 'poison-due', sqlstate: 'P0001', message: 'booking poison-due refused by a trigger' }],
    });
    expect(await statusOf('poison-due')).toBe('SCHEDULED');
    // No audit entry for the row that did not change.
    expect((await auditedIds()).length).toBe(audits + 3);
    expect(await auditedIds()).not.toContain('poison-due');
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', booking_id: 'poison-due', sqlstate: 'P0001' }));
  });

  test('a legacy row violating a constraint added NOT VALID is skipped while the rest transition', async () => {
    await insert([booking('legacy', { student_id: 'mentor' }), booking('fine')]);
    await db.sql`ALTER TABLE bookings ADD CONSTRAINT bookings_legacy_check CHECK (mentor_id <> student_id) NOT VALID`;
    const report = await sweepBookingsSql(db.sql, T0, 'cron', { logger });
    expect(report.updates.map((u) => u.id)).toEqual(['fine']);
    expect(report.failed).toEqual([expect.objectContaining({ id: 'legacy', sqlstate: '23514' })]);
    expect(await statusOf('fine')).toBe('ONGOING');
    expect(await statusOf('legacy')).toBe('SCHEDULED');
  });

  test('in chunks, only the failed chunk falls back to row by row; the other chunks stay set-based', async () => {
    const ids = ['c01', 'c02', 'c03', 'c04', 'poison-c05', 'c06', 'c07'];
    await insert(ids.map((id) => booking(id)));
    await refuseTrigger();
    const report = await sweepBookingsSql(db.sql, T0, 'scheduler', { chunkSize: 3, logger });
    expect(report.updates.map((u) => u.id)).toEqual(['c01', 'c02', 'c03', 'c04', 'c06', 'c07']);
    expect(report.failed.map((f) => f.id)).toEqual(['poison-c05']);
    expect(report.started).toBe(6);
  });

  test('when every row fails the sweep still answers, changes nothing, and reports them all', async () => {
    await insert([booking('poison-1'), booking('poison-2')]);
    await refuseTrigger();
    const audits = (await auditedIds()).length;
    const report = await sweepBookingsSql(db.sql, T0, 'scheduler', { logger });
    expect(report).toMatchObject({ started: 0, completed: 0, updates: [] });
    expect(report.failed.map((f) => f.id)).toEqual(['poison-1', 'poison-2']);
    expect((await auditedIds()).length).toBe(audits);
  });

  test('a skipped row heals on the next sweep once the problem is gone', async () => {
    await insert([booking('poison-later', { status: 'ONGOING', started_at: T0 })]);
    await refuseTrigger();
    expect((await sweepBookingsSql(db.sql, T0 + HOUR, 'scheduler')).failed).toHaveLength(1);
    await db.sql`DROP TRIGGER refuse_poison ON bookings`;
    const report = await sweepBookingsSql(db.sql, T0 + 2 * HOUR, 'scheduler');
    expect(report.updates).toEqual([{ id: 'poison-later', from: 'ONGOING', to: 'COMPLETED', is_delayed: false }]);
    // completed_at comes from the row, not from the late sweep.
    expect((await selectRows(db.sql, 'bookings', { id: 'poison-later' }))[0]?.completed_at).toBe(T0 + HOUR);
  });
});
