/**
 * "An 8-hour offline day" (DESIGN §3.1): a worker starts a session online,
 * loses the network, and works three sessions back to back for eight hours
 * with the app beating every 60 s, while the server's stale sweep closes the
 * first session minutes after the last beat it saw. Then the phone comes
 * back. Measured: journal rows per session, pushes, reconnect → every outcome
 * on the device, and the seconds the server's record lost against what the
 * device observed.
 *
 * The device clock and the server clock are simulated (a manual clock on an
 * app of its own over the harness's database), so eight hours take seconds;
 * the reconnect itself is timed for real.
 */
import { randomUUID } from 'node:crypto';
import { HOUR, MINUTE, SECOND } from '@stint/shared';
import { createApp } from '../../server/src/app.ts';
import { manualClock } from '../../server/src/clock.ts';
import { createLogger } from '../../server/src/log.ts';
import { sweepStaleSessions } from '../../server/src/scheduler/stale-sessions.ts';
import { openDevice, serveApp } from '../engine/harness.ts';
import { openJournal, readAllRows } from '../../client/src/engine/journal.ts';
import type { Harness } from './harness.ts';
import { elapsedMs, now, round } from './stats.ts';

export interface OfflineDay {
  readonly what: string;
  readonly sessions: number;
  readonly beats: number;
  readonly journal_rows: number;
  readonly journal_rows_per_session: number;
  readonly pushes: number;
  readonly reconnect_to_confirmed_ms: number;
  readonly worked_s: number;
  readonly recorded_s: number;
  readonly lost_s: number;
  readonly outcomes: Readonly<Record<string, number>>;
}

const SESSIONS = 3;
const DAY = 8 * HOUR;
const BEAT = 60 * SECOND;

export async function offlineDay(h: Harness): Promise<OfflineDay> {
  const T0 = Date.UTC(2026, 2, 2, 6, 0, 0);
  const serverClock = manualClock(T0);
  const app = createApp({ sql: h.sql, config: h.config, clock: serverClock, logger: createLogger('silent') });
  const http = await serveApp(app);
  let deviceNow = T0;
  const device = await openDevice({
    sql: h.sql,
    baseUrl: () => http.url,
    user: { id: h.worker.id, role: 'worker' },
    token: h.worker.token,
    name: `day-${randomUUID().slice(0, 8)}`,
    clock: () => deviceNow,
    engine: { staleCutoffMs: h.config.STALE_CUTOFF_S * 1000 },
  });
  try {
    const tasks = Array.from({ length: SESSIONS }, (_, i) => `day-${randomUUID()}-${i}`);
    // Through this app, so the tasks live on the simulated clock too.
    for (const task_id of tasks) {
      await call(http.url, 'POST', '/api/v1/tasks', h.supervisor.token, { id: task_id, title: 'Inspect a line' });
      await call(http.url, 'POST', `/api/v1/tasks/${task_id}/claim`, h.worker.token);
    }
    await device.replica.refresh();
    await must(device.engine.act('work.start', { task_id: tasks[0]! }));
    await device.engine.sync();
    await device.replica.refresh();

    device.transport.offline = true;
    const sentBefore = device.transport.sent.length;
    const perSession = DAY / SESSIONS;
    let beats = 0;
    for (const [i, task_id] of tasks.entries()) {
      if (i > 0) await must(device.engine.act('work.start', { task_id }));
      const end = T0 + (i + 1) * perSession;
      for (deviceNow += BEAT; deviceNow < end; deviceNow += BEAT) {
        await must(device.engine.act('work.heartbeat', { task_id }));
        beats += 1;
      }
      deviceNow = end;
      await must(device.engine.act('work.pause', { task_id }));
    }
    // The server saw nothing after the start: its sweep closed the first session at its start.
    await sweepStaleSessions(h.sql, T0 + 5 * MINUTE, h.config.STALE_CUTOFF_S * 1000);
    const journal = openJournal(device.dbName);
    const rows = (await readAllRows(journal)).filter((row) => row.phase === 'pending').length;
    journal.close();

    serverClock.set(T0 + DAY + MINUTE);
    deviceNow = T0 + DAY + MINUTE;
    device.transport.offline = false;
    const start = now();
    await device.engine.sync();
    const confirmedMs = elapsedMs(start);
    if (device.engine.status.getSnapshot().pending !== 0) throw new Error('the day did not drain');

    const recorded = await h.sql<{ ms: string }[]>`SELECT coalesce(sum(time_spent_ms), 0)::bigint AS ms FROM tasks WHERE id = ANY(${tasks})`;
    const recordedMs = Number(recorded[0]?.ms ?? 0);
    const counts = await h.sql<{ status: string; n: number }[]>`
      SELECT status, count(*)::int AS n FROM applied_intents WHERE device_id = ${device.engine.deviceId} GROUP BY status ORDER BY status`;
    return {
      what: `${SESSIONS} sessions over ${DAY / HOUR} h offline, a beat every ${BEAT / SECOND} s (device and server clocks simulated); the sweep closed the first at its start; reconnect → sync() with every outcome stored`,
      sessions: SESSIONS,
      beats,
      journal_rows: rows,
      journal_rows_per_session: round(rows / SESSIONS, 2),
      pushes: device.transport.sent.length - sentBefore,
      reconnect_to_confirmed_ms: round(confirmedMs, 1),
      worked_s: DAY / SECOND,
      recorded_s: recordedMs / SECOND,
      lost_s: (DAY - recordedMs) / SECOND,
      outcomes: Object.fromEntries(counts.map((row) => [row.status, row.n])),
    };
  } finally {
    await device.engine.close();
    await http.stop();
  }
}

export function offlineDayLines(day: OfflineDay): string[] {
  return [
    `an 8-hour offline day: ${day.sessions} sessions, ${day.beats} beats → ${day.journal_rows} journal rows (${day.journal_rows_per_session} per session; goal ≤ 3)`,
    `  reconnect → confirmed ${day.reconnect_to_confirmed_ms} ms in ${day.pushes} push(es) (goal ≤ 1,000 ms); worked ${day.worked_s} s, recorded ${day.recorded_s} s, lost ${day.lost_s} s (goal 0)`,
  ];
}

async function call(base: string, method: string, path: string, token: string, body?: unknown): Promise<void> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
}

async function must(result: Promise<{ accepted: boolean }>): Promise<void> {
  const r = await result;
  if (!r.accepted) throw new Error(`act refused: ${JSON.stringify(r)}`);
}
