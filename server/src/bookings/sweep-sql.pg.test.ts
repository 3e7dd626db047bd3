import fc from 'fast-check';
import { BookingStatus, HOUR, MINUTE, put, sweepBooking, sweepBookings } from '@stint/shared';
import type { BookingRow, BookingStatus as Status } from '@stint/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyEffects } from '../db/apply-effects.ts';
import { selectRows } from '../db/rows.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { insertUser } from '../users/users.ts';
import { sweepBookingsSql } from './sweep-sql.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());

const T0 = Date.UTC(2026, 0, 16, 9, 0);

beforeAll(async () => {
  for (const id of ['mentor', 'student']) await insertUser(db.sql, { id, name: id, role: 'worker', created_at: T0 - 24 * HOUR });
});

/** Random bookings in every state, as the rules can leave them (times around T0). */
const rowArb: fc.Arbitrary<Omit<BookingRow, 'id'>> = fc
  .record({
    status: fc.constantFrom<Status>('SCHEDULED', 'SCHEDULED', 'ONGOING', 'ONGOING', 'COMPLETED', 'CANCELLED'),
    is_delayed: fc.boolean(),
    start: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
    length: fc.integer({ min: 1, max: 3 * HOUR }),
    startedLate: fc.option(fc.integer({ min: -HOUR, max: 4 * HOUR }), { nil: null }),
  })
  .map(({ status, is_delayed, start, length, startedLate }) => {
    const delayed = status === 'SCHEDULED' ? false : is_delayed;
    const started_at = status === 'SCHEDULED' ? null : delayed && startedLate === null ? null : T0 + start + (startedLate ?? 0);
    return {
      mentor_id: 'mentor',
      student_id: 'student',
      start_time: T0 + start,
      end_time: T0 + start + length,
      status,
      is_delayed: delayed,
      started_at,
      completed_at: status === 'COMPLETED' ? T0 + start + length : null,
      updated_at: T0 - 4 * HOUR,
    };
  });
const nowArb = fc.integer({ min: -4 * HOUR, max: 8 * HOUR }).map((offset) => T0 + offset);
const RUNS = { numRuns: 50 };

let run = 0;
/** Fresh ids per property run; the table holds only this run's rows. */
async function freshTable(raw: readonly Omit<BookingRow, 'id'>[]): Promise<BookingRow[]> {
  run++;
  const rows = raw.map((r, i) => ({ ...r, id: `r${run}-${String(i).padStart(2, '0')}` }));
  await db.sql`DELETE FROM bookings`;
  await applyEffects(db.sql, rows.map((r) => put('bookings', r)));
  return rows;
}

async function table(): Promise<BookingRow[]> {
  return byId(await selectRows(db.sql, 'bookings'));
}

function byId<T extends { id: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function auditCount(): Promise<number> {
  const [row] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'booking'`;
  return row?.n ?? 0;
}

/** Everything but the id and the write time. */
function content({ id: _id, updated_at: _at, ...rest }: BookingRow) {
  return rest;
}

describe('set-based booking sweep against the shared reference', () => {
  test('on random booking tables it reports and writes exactly what sweepBookings / sweepBooking do', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 25 }), nowArb, async (raw, now) => {
        const rows = byId(await freshTable(raw));
        const auditsBefore = await auditCount();
        const report = await sweepBookingsSql(db.sql, now, 'scheduler');
        expect(report.failed).toEqual([]);
        expect({ started: report.started, completed: report.completed, updates: report.updates }).toEqual(sweepBookings(rows, now));
        expect(await table()).toEqual(rows.map((r) => sweepBooking(r, now) ?? r));
        expect(await auditCount()).toBe(auditsBefore + report.updates.length);
      }),
      RUNS,
    );
  }, 120_000);

  test('idempotent: a second sweep at the same time changes nothing and reports nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 25 }), nowArb, async (raw, now) => {
        await freshTable(raw);
        await sweepBookingsSql(db.sql, now, 'cron');
        const after = await table();
        const audits = await auditCount();
        expect(await sweepBookingsSql(db.sql, now, 'cron')).toEqual({ started: 0, completed: 0, updates: [], failed: [] });
        expect(await table()).toEqual(after);
        expect(await auditCount()).toBe(audits);
      }),
      RUNS,
    );
  }, 120_000);

  test('self-healing: sweeping at t1 then t2 leaves the same bookings as only sweeping at t2 (a missed run)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 15 }), nowArb, fc.integer({ min: 0, max: 6 * HOUR }), async (raw, t1, gap) => {
        const t2 = t1 + gap;
        const swept = await freshTable(raw);
        await sweepBookingsSql(db.sql, t1, 'scheduler');
        // The same bookings again, never swept at t1 (the run that was missed).
        const missed = raw.map((r, i) => ({ ...r, id: `m${run}-${String(i).padStart(2, '0')}` }));
        await applyEffects(db.sql, missed.map((r) => put('bookings', r)));
        await sweepBookingsSql(db.sql, t2, 'scheduler');
        const now = new Map((await table()).map((r) => [r.id, r]));
        swept.forEach((row, i) => {
          const healed = now.get(row.id);
          const once = now.get(missed[i]?.id ?? '');
          expect(healed && content(healed)).toEqual(once && content(once));
          expect(once && content(once)).toEqual(content(sweepBooking(row, t2) ?? row));
        });
      }),
      RUNS,
    );
  }, 120_000);
});

describe('set-based booking sweep', () => {
  const base: Omit<BookingRow, 'id'> = {
    mentor_id: 'mentor',
    student_id: 'student',
    start_time: T0,
    end_time: T0 + HOUR,
    status: BookingStatus.scheduled,
    is_delayed: false,
    started_at: null,
    completed_at: null,
    updated_at: T0 - HOUR,
  };

  test('a SCHEDULED booking whose end has passed too becomes ONGOING delayed, never COMPLETED in the same sweep', async () => {
    await freshTable([base]);
    const report = await sweepBookingsSql(db.sql, T0 + 5 * HOUR, 'scheduler');
    expect(report).toMatchObject({ started: 1, completed: 0 });
    expect((await table())[0]).toMatchObject({ status: 'ONGOING', is_delayed: true, completed_at: null });
    expect(await sweepBookingsSql(db.sql, T0 + 50 * HOUR, 'scheduler')).toMatchObject({ started: 0, completed: 0 });
  });

  test('each transition writes one audit entry with the source, the old and the new state', async () => {
    const [due, ending] = await freshTable([base, { ...base, status: 'ONGOING', started_at: T0 - MINUTE }]);
    await sweepBookingsSql(db.sql, T0 + HOUR, 'cron', { actorId: 'mentor' });
    const audits = await selectRows(db.sql, 'audit_log', { entity_id: [due?.id ?? '', ending?.id ?? ''] });
    expect(byId(audits.map((a) => ({ ...a, id: a.entity_id })))).toEqual([
      expect.objectContaining({
        entity: 'booking',
        entity_id: due?.id,
        at: T0 + HOUR,
        actor_id: 'mentor',
        source: 'cron',
        action: 'booking.delayed',
        old_value: { status: 'SCHEDULED', is_delayed: false },
        new_value: { status: 'ONGOING', is_delayed: true, completed_at: null },
      }),
      expect.objectContaining({
        entity_id: ending?.id,
        source: 'cron',
        action: 'booking.auto_completed',
        old_value: { status: 'ONGOING', is_delayed: false },
        new_value: { status: 'COMPLETED', is_delayed: false, completed_at: T0 + HOUR },
      }),
    ]);
  });

  test('an empty table sweeps to an empty report', async () => {
    await freshTable([]);
    expect(await sweepBookingsSql(db.sql, T0, 'scheduler')).toEqual({ started: 0, completed: 0, updates: [], failed: [] });
  });

  test('a booking locked by a concurrent change is skipped, not waited for, and swept on the next run', async () => {
    const [locked, other] = await freshTable([base, base]);
    let report: Awaited<ReturnType<typeof sweepBookingsSql>> | undefined;
    await db.sql.begin(async (tx) => {
      await tx`SELECT id FROM bookings WHERE id = ${locked?.id ?? ''} FOR UPDATE`;
      report = await sweepBookingsSql(db.sql, T0 + MINUTE, 'scheduler');
    });
    expect(report?.updates.map((u) => u.id)).toEqual([other?.id]);
    const next = await sweepBookingsSql(db.sql, T0 + 2 * MINUTE, 'scheduler');
    expect(next.updates.map((u) => u.id)).toEqual([locked?.id]);
    expect((await table()).map((r) => r.status)).toEqual(['ONGOING', 'ONGOING']);
  });

  test('two sweeps at once never report the same booking twice', async () => {
    const rows = await freshTable(Array.from({ length: 40 }, () => base));
    const [a, b] = await Promise.all([
      sweepBookingsSql(db.sql, T0 + MINUTE, 'scheduler'),
      sweepBookingsSql(db.sql, T0 + MINUTE, 'cron'),
    ]);
    const ids = [...(a?.updates ?? []), ...(b?.updates ?? [])].map((u) => u.id).sort();
    expect(ids).toEqual(rows.map((r) => r.id).sort());
    expect(await auditCount()).toBeGreaterThanOrEqual(rows.length);
  });
});
