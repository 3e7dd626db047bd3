import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RuleContext } from '../context.ts';
import { rowsOf } from '../effects.ts';
import { BookingStatus } from '../rows.ts';
import type { BookingRow, BookingStatus as Status, Role } from '../rows.ts';
import { HOUR, MINUTE } from '../time.ts';
import { cancelBooking, completeBooking, startBooking } from './booking.ts';
import { sweepBooking, sweepBookings } from './sweep.ts';
import { ruleContext } from '../context.ts';

const T0 = Date.UTC(2026, 10, 2, 9, 0);
const RUNS = { numRuns: 1000 };

const PEOPLE: Record<string, Role> = { mentor: 'worker', student: 'worker', boss: 'supervisor', root: 'admin', stranger: 'worker' };
type Who = keyof typeof PEOPLE;
type Action = 'start' | 'complete' | 'cancel' | 'sweep';
interface Step {
  readonly action: Action;
  readonly who: Who;
  /** Time passed since the previous step. */
  readonly dt: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  action: fc.constantFrom<Action>('start', 'complete', 'cancel', 'sweep', 'sweep'),
  who: fc.constantFrom(...Object.keys(PEOPLE)),
  dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 * MINUTE }), fc.integer({ min: 0, max: 3 * HOUR })),
});
const bookingArb: fc.Arbitrary<BookingRow> = fc
  .record({ start: fc.integer({ min: -2 * HOUR, max: 2 * HOUR }), length: fc.integer({ min: 1, max: 2 * HOUR }) })
  .map(({ start, length }) => ({
    id: 'b1',
    mentor_id: 'mentor',
    student_id: 'student',
    start_time: T0 + start,
    end_time: T0 + start + length,
    status: BookingStatus.scheduled,
    is_delayed: false,
    started_at: null,
    completed_at: null,
    updated_at: T0 - 3 * HOUR,
  }));

const RANK: Record<Status, number> = { SCHEDULED: 0, ONGOING: 1, COMPLETED: 2, CANCELLED: 2 };
const FINAL: readonly Status[] = ['COMPLETED', 'CANCELLED'];

function ctx(now: number, who: Who): RuleContext {
  return { ...ruleContext('', { now, actor: { user_id: who, role: PEOPLE[who] ?? 'worker' } }), newId: (tag) => tag };
}

/** Runs one step through the real rules: the next row and the refusal code, if any. */
function apply(row: BookingRow, step: Step, now: number): { row: BookingRow; code: string | null } {
  if (step.action === 'sweep') return { row: sweepBooking(row, now) ?? row, code: null };
  const rule = { start: startBooking, complete: completeBooking, cancel: cancelBooking }[step.action];
  const result = rule(row, ctx(now, step.who));
  if (!result.ok) return { row, code: result.error.code };
  return { row: rowsOf(result.value, 'bookings').at(-1) ?? row, code: null };
}

/** Every field but `updated_at`, the write time, which legitimately differs between paths. */
function content(row: BookingRow): Omit<BookingRow, 'updated_at'> {
  const { updated_at: _ignored, ...rest } = row;
  return rest;
}

describe('booking state machine (property)', () => {
  test('random manual actions and sweeps at increasing times never break I8 and match the reference fold', () => {
    fc.assert(
      fc.property(bookingArb, fc.array(stepArb, { maxLength: 30 }), (initial, steps) => {
        let row = initial;
        let now = T0 - 3 * HOUR;
        let sinceManual = initial; // the row after the last manual action: what a missed-runs sweep starts from
        const log: RefEvent[] = [];
        for (const step of steps) {
          now += step.dt;
          const prev = row;
          const { row: next, code } = apply(prev, step, now);
          log.push({ ...step, at: now });

          // I8: only forward; final states are final.
          expect(RANK[next.status]).toBeGreaterThanOrEqual(RANK[prev.status]);
          if (FINAL.includes(prev.status)) expect(next.status).toBe(prev.status);
          // The delay flag is only ever set, only by a sweep, only from SCHEDULED.
          if (prev.is_delayed) expect(next.is_delayed).toBe(true);
          if (!prev.is_delayed && next.is_delayed) {
            expect(step.action).toBe('sweep');
            expect(prev.status).toBe('SCHEDULED');
          }
          // A delayed booking never completes automatically: a sweep leaves it untouched.
          if (step.action === 'sweep' && prev.is_delayed) expect(next).toEqual(prev);
          // Times stay coherent.
          expect(next.completed_at !== null).toBe(next.status === 'COMPLETED');
          if (next.completed_at !== null && next.started_at !== null) expect(next.completed_at).toBeGreaterThanOrEqual(next.started_at);
          if (next.status === 'ONGOING' && !next.is_delayed) expect(next.started_at).not.toBeNull();

          if (step.action === 'sweep') {
            // Idempotent: a second sweep at the same time changes nothing.
            expect(sweepBooking(next, now)).toBeNull();
            // Path-independent: the sweeps since the last manual action equal one sweep now.
            expect(content(next)).toEqual(content(sweepBooking(sinceManual, now) ?? sinceManual));
          } else if (code === null) {
            sinceManual = next;
          }

          const ref = referenceFold(initial, log);
          expect({ status: next.status, is_delayed: next.is_delayed, started_at: next.started_at, completed_at: next.completed_at }).toEqual(ref.state);
          expect(code).toBe(ref.lastCode);
          row = next;
        }
      }),
      RUNS,
    );
  });

  test('sweepBookings reports exactly the rows a set-based WHERE clause would pick', () => {
    const rowArb = fc
      .record({
        status: fc.constantFrom<Status>('SCHEDULED', 'ONGOING', 'COMPLETED', 'CANCELLED'),
        is_delayed: fc.boolean(),
        start: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
        length: fc.integer({ min: 1, max: 3 * HOUR }),
      })
      .map(({ status, is_delayed, start, length }): BookingRow => ({
        id: '',
        mentor_id: 'mentor',
        student_id: 'student',
        start_time: T0 + start,
        end_time: T0 + start + length,
        status,
        is_delayed,
        started_at: status === 'SCHEDULED' ? null : T0 + start,
        completed_at: status === 'COMPLETED' ? T0 + start + length : null,
        updated_at: T0 - 4 * HOUR,
      }));
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 20 }), fc.integer({ min: -4 * HOUR, max: 6 * HOUR }), (raw, offset) => {
        const rows = raw.map((r, i) => ({ ...r, id: `b${i}` }));
        const now = T0 + offset;
        // UPDATE … SET status='ONGOING', is_delayed=true WHERE status='SCHEDULED' AND start_time <= now
        const toStart = new Set(rows.filter((r) => r.status === 'SCHEDULED' && r.start_time <= now).map((r) => r.id));
        // UPDATE … SET status='COMPLETED' WHERE status='ONGOING' AND NOT is_delayed AND end_time <= now
        const toComplete = new Set(rows.filter((r) => r.status === 'ONGOING' && r.is_delayed === false && r.end_time <= now).map((r) => r.id));
        const report = sweepBookings(rows, now);
        expect(report.started).toBe(toStart.size);
        expect(report.completed).toBe(toComplete.size);
        expect(report.updates).toEqual(
          rows
            .filter((r) => toStart.has(r.id) || toComplete.has(r.id))
            .map((r) =>
              toStart.has(r.id)
                ? { id: r.id, from: 'SCHEDULED', to: 'ONGOING', is_delayed: true }
                : { id: r.id, from: 'ONGOING', to: 'COMPLETED', is_delayed: false },
            ),
        );
        // Idempotent over the whole table.
        const after = rows.map((r) => sweepBooking(r, now) ?? r);
        expect(sweepBookings(after, now)).toEqual({ started: 0, completed: 0, updates: [] });
      }),
      RUNS,
    );
  });
});

/**
 * Naive reference: folds the event log with a lookup table keyed by
 * "status|action", written without the rules' switch statements.
 */
interface RefEvent extends Step {
  readonly at: number;
}
interface RefState {
  status: Status;
  is_delayed: boolean;
  started_at: number | null;
  completed_at: number | null;
}
type RefOutcome = RefState | 'forbidden' | 'conflict';

function referenceFold(initial: BookingRow, log: readonly RefEvent[]): { state: RefState; lastCode: string | null } {
  let state: RefState = { status: initial.status, is_delayed: initial.is_delayed, started_at: initial.started_at, completed_at: initial.completed_at };
  let lastCode: string | null = null;
  for (const e of log) {
    const participant = e.who === 'mentor' || e.who === 'student';
    const boss = e.who === 'boss' || e.who === 'root';
    const allowed = e.action === 'cancel' ? boss : e.action === 'sweep' || participant || boss;
    const table: Record<string, () => RefOutcome> = {
      'SCHEDULED|start': () => ({ ...state, status: 'ONGOING', is_delayed: false, started_at: e.at }),
      'ONGOING|start': () => ({ ...state, started_at: state.started_at ?? e.at }),
      'ONGOING|complete': () => ({ ...state, status: 'COMPLETED', completed_at: e.at }),
      'COMPLETED|complete': () => state,
      'SCHEDULED|cancel': () => ({ ...state, status: 'CANCELLED' }),
      'ONGOING|cancel': () => ({ ...state, status: 'CANCELLED' }),
      'CANCELLED|cancel': () => state,
      'SCHEDULED|sweep': () => (initial.start_time <= e.at ? { ...state, status: 'ONGOING', is_delayed: true } : state),
      'ONGOING|sweep': () =>
        !state.is_delayed && initial.end_time <= e.at
          ? { ...state, status: 'COMPLETED', completed_at: Math.max(initial.end_time, state.started_at ?? -Infinity) }
          : state,
    };
    const outcome: RefOutcome = !allowed ? 'forbidden' : (table[`${state.status}|${e.action}`]?.() ?? (e.action === 'sweep' ? state : 'conflict'));
    if (outcome === 'forbidden') lastCode = 'FORBIDDEN';
    else if (outcome === 'conflict') lastCode = 'CONFLICT_INVALID_STATE';
    else {
      lastCode = null;
      state = outcome;
    }
  }
  return { state, lastCode };
}
