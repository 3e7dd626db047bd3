import { stateFrom } from '@stint/shared';
import Papa from 'papaparse';
import { describe, expect, test } from 'vitest';
import { CSV_COLUMNS, csvRows, lockStateOf, sessionsCsv } from './csv-model.ts';
import { session, task, user } from './testing.ts';

const utc = (iso: string): number => Date.parse(iso);
const users = new Map([user('w1', 'Ana'), user('w2', 'Bruno, "B"')].map((u) => [u.id, u]));
const now = utc('2025-03-30T02:00:10.500Z');

function world() {
  return stateFrom({
    tasks: [task('t1', 'Pump'), task('t2', '=HYPERLINK("x")')],
    work_sessions: [
      // Madrid across the spring-forward gap: 01:30 +01:00 → 03:30 +02:00 is one hour.
      session('s1', 't1', 'w1', {
        started_at: utc('2025-03-30T00:30:00.250Z'),
        ended_at: utc('2025-03-30T01:30:00.999Z'),
        ended_reason: 'stale_timeout',
        zone: 'Europe/Madrid',
        offline: true,
        // Its owner claimed time back after the stale sweep closed it.
        extended_by_owner: true,
      }),
      // Open, in New York: end columns empty, seconds up to now.
      session('s2', 't2', 'w2', { started_at: utc('2025-03-30T01:00:00Z'), zone: 'America/New_York' }),
    ],
  });
}

describe('CSV export of work sessions', () => {
  test('every column of every row, with local times in the session’s own zone', () => {
    const rows = csvRows(world(), users, now, { from: '', to: '' });
    expect(rows).toEqual([
      {
        session_id: 's1',
        task_id: 't1',
        task_title: 'Pump',
        worker_id: 'w1',
        worker_name: 'Ana',
        start_utc: '2025-03-30T00:30:00.250Z',
        end_utc: '2025-03-30T01:30:00.999Z',
        start_local: '2025-03-30T01:30:00+01:00',
        end_local: '2025-03-30T03:30:00+02:00',
        zone: 'Europe/Madrid',
        seconds: 3600,
        end_reason: 'stale_timeout',
        offline: true,
        lock_state: 'locked',
        extended_by_owner: true,
      },
      {
        session_id: 's2',
        task_id: 't2',
        task_title: '=HYPERLINK("x")',
        worker_id: 'w2',
        worker_name: 'Bruno, "B"',
        start_utc: '2025-03-30T01:00:00.000Z',
        end_utc: '',
        start_local: '2025-03-29T21:00:00-04:00',
        end_local: '',
        zone: 'America/New_York',
        seconds: 3610,
        end_reason: '',
        offline: false,
        lock_state: 'open',
        extended_by_owner: false,
      },
    ]);
  });

  test('the CSV text has the header, quotes where needed, and keeps formulas as text', () => {
    const text = sessionsCsv(csvRows(world(), users, now, { from: '', to: '' }));
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(
      's1,t1,Pump,w1,Ana,2025-03-30T00:30:00.250Z,2025-03-30T01:30:00.999Z,2025-03-30T01:30:00+01:00,2025-03-30T03:30:00+02:00,Europe/Madrid,3600,stale_timeout,true,locked,true',
    );
    expect(lines[2]).toBe(
      `s2,t2,"'=HYPERLINK(""x"")",w2,"Bruno, ""B""",2025-03-30T01:00:00.000Z,,2025-03-29T21:00:00-04:00,,America/New_York,3610,,false,open,false`,
    );
    // Round trip: a CSV reader gets the same cells back.
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
    expect(parsed[2]?.[4]).toBe('Bruno, "B"');
    expect(parsed.every((row) => row.length === CSV_COLUMNS.length)).toBe(true);
  });

  test('the day range selects sessions with time on those local days', () => {
    expect(csvRows(world(), users, now, { from: '2025-03-30', to: '' }).map((r) => r.session_id)).toEqual(['s1']);
    expect(csvRows(world(), users, now, { from: '', to: '2025-03-29' }).map((r) => r.session_id)).toEqual(['s2']);
  });

  test('the last column marks a session whose owner claimed time back after a stale close', () => {
    expect(CSV_COLUMNS.at(-1)).toBe('extended_by_owner');
    expect(csvRows(world(), users, now, { from: '', to: '' }).map((r) => [r.session_id, r.end_reason, r.extended_by_owner])).toEqual([
      ['s1', 'stale_timeout', true],
      ['s2', '', false],
    ]);
  });

  test('only a closed session is locked', () => {
    expect(lockStateOf(session('a', 't', 'u'))).toBe('open');
    expect(lockStateOf(session('a', 't', 'u', { ended_at: 1, ended_reason: 'pause' }))).toBe('locked');
  });
});
