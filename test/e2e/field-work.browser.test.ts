/**
 * Field work is never lost (DESIGN §3.1, I10), in a real browser against a
 * server whose stale sweep runs every second with a 5 s cutoff:
 *
 *  1. Out of signal longer than the cutoff: the sweep closes the work session
 *     on the server while the phone keeps beating offline; the worker pauses
 *     offline and the signal returns → the queued beats and the pause extend
 *     the work session to the pause, the time is kept, nothing was refused
 *     and the inbox stays empty.
 *  2. A sleeping phone (the app not running, so nothing beats): the sweep
 *     closes the work session at its last evidence; when the worker opens the
 *     app again it asks "Closed at … because this device went quiet — were
 *     you working until …?"; Keep claims the time back (`work.extend`) and
 *     the supervisor's live board marks it.
 *
 * The app beats every 60 s, far slower than the cutoff, so test 1 drives its
 * beats the way the browser does: a `pageshow` event in the page, one of the
 * moments the app beats at once (client/src/app/heartbeats.ts), about once a
 * second — a fifth of the cutoff, as 60 s is a third of the default 180 s, so
 * a loaded machine does not break the run of beats.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { rowsOfTable } from '@stint/shared';
import type { WorkSessionRow } from '@stint/shared';
import { UI_TIMEOUT_MS, browserSuite, pageErrors, screenshot, signIn, waitForOnlineState } from './harness.ts';

const CUTOFF_S = 5;
const suite = browserSuite({ env: { STALE_CUTOFF_S: String(CUTOFF_S), SCHEDULER_INTERVAL_S: '1' } });

/** How long test 1 stays out of signal: well past the cutoff, so the sweep surely ran in between. */
const OFFLINE_MS = 3 * CUTOFF_S * 1000;
/** How long the phone of test 2 sleeps after the sweep closed its work session. */
const ASLEEP_AFTER_CLOSE_MS = 8_000;
/** A page.evaluate, a click and a journal write on a loaded machine. */
const SLACK_MS = 2_000;
/** Expected network noise while the device is offline (Zero's socket, fetches of the sync loop). */
const OFFLINE_NOISE = /ERR_INTERNET_DISCONNECTED|Failed to fetch|WebSocket|net::|Failed to connect/;

describe('field work is never lost', () => {
  test('out of signal longer than the cutoff, paused offline, back online: the time is kept and the inbox is empty', async () => {
    const { stack } = suite;
    const { token: supervisorToken } = await stack.createUser('supervisor', 'Sam Rivera');
    const { user: worker, token: workerToken } = await stack.createUser('worker', 'Lucía Gómez');
    const TASK = 'e2e-valve-survey';
    await createTask(supervisorToken, TASK, 'Survey valves on the ridge line');

    const phone = await suite.workerPhone();
    const errors = pageErrors(phone);
    const page = await phone.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(page, workerToken);

    // Claim and start online: the server holds the open work session.
    await card(page, 'open-pool', TASK).getByTestId('claim').click();
    await card(page, 'my-tasks', TASK).getByTestId('start').click();
    await nowWorking(page, TASK).waitFor();
    const opened = await pollSession(TASK, (s) => s.ended_at === null);
    await page.locator('[data-testid="sync-bar"][data-pending="0"]').waitFor();

    // ── No signal. The app keeps beating; the server hears nothing and its sweep closes the work session.
    await phone.setOffline(true);
    const offlineAt = Date.now();
    await waitForOnlineState(page, false);
    let beats = 0;
    let firstBeatAt = 0;
    let staleSeen: WorkSessionRow | undefined;
    const deadline = offlineAt + 90_000;
    while (staleSeen === undefined || Date.now() - offlineAt < OFFLINE_MS) {
      if (Date.now() > deadline) throw new Error(`the sweep never closed work session ${opened.id} (cutoff ${CUTOFF_S} s)`);
      await dispatchPageShow(page);
      firstBeatAt ||= Date.now();
      beats += 1;
      await page.waitForTimeout(1_000);
      const server = await sessionOf(TASK);
      if (server?.ended_reason === 'stale_timeout') staleSeen ??= server;
    }
    // The sweep closed it at its last evidence, the start (or a beat before the signal went).
    expect(staleSeen.ended_at).toBeLessThan(offlineAt + 1_000);
    // Heartbeats are not "changes waiting", however many the app made offline.
    expect(await pending(page)).toBe(0);
    await screenshot(page, 'worker-working-offline-past-cutoff');

    // Pause, still offline, then the signal returns.
    await nowWorking(page, TASK).getByTestId('pause').click();
    const pausedAt = Date.now();
    await nowWorking(page, TASK).waitFor({ state: 'detached' });
    expect(await pending(page)).toBe(1);
    await phone.setOffline(false);
    await waitForOnlineState(page, true);
    await page.locator('[data-testid="sync-bar"][data-pending="0"]').waitFor({ timeout: 60_000 });
    const syncedAt = Date.now();

    // The server kept the whole time: one work session, ended by the pause, not by the sweep.
    const sessions = rowsOfTable(await stack.serverState(), 'work_sessions').filter((s) => s.task_id === TASK);
    expect(sessions).toHaveLength(1);
    const session = sessions[0];
    expect(session).toMatchObject({ id: opened.id, user_id: worker.id, ended_reason: 'pause', extended_by_owner: false });
    expect(session?.ended_at).toBeGreaterThanOrEqual(pausedAt - SLACK_MS);
    expect(session?.ended_at).toBeLessThanOrEqual(syncedAt + SLACK_MS);
    const task = (await stack.serverState()).tasks.get(TASK);
    expect(task?.status).toBe('on-hold');
    expect(task?.time_spent_ms).toBeGreaterThanOrEqual(OFFLINE_MS - SLACK_MS);
    expect(task?.time_spent_ms).toBe((session?.ended_at ?? 0) - opened.started_at);

    // Nothing was refused, and the beats made offline reached the server as one run, not one row each.
    const outcomes = await stack.sql<{ device_id: string; kind: string; status: string; occurred_at: Date }[]>`
      SELECT device_id, kind, status, occurred_at FROM applied_intents WHERE user_id = ${worker.id} ORDER BY occurred_at`;
    expect(new Set(outcomes.map((o) => o.device_id)).size).toBe(1);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const offlineBeats = outcomes.filter((o) => o.kind === 'work.heartbeat' && o.occurred_at.getTime() >= offlineAt);
    console.info(
      `first offline beat ${firstBeatAt - opened.last_heartbeat_at} ms after the server's last evidence (cutoff ${CUTOFF_S} s); ` +
        `${beats} beats offline reached the server as ${offlineBeats.length} heartbeat intent(s); kept ${task?.time_spent_ms} ms of ${pausedAt - offlineAt} ms offline`,
    );
    expect(offlineBeats.length).toBeGreaterThanOrEqual(1);
    // One per unbroken run; a second only if the loaded machine let a gap past the cutoff open between two beats.
    expect(offlineBeats.length).toBeLessThanOrEqual(2);

    // The person sees nothing to act on: no inbox count, no stale prompt.
    expect(await page.getByTestId('inbox-link').textContent()).not.toMatch(/attention/);
    expect(await page.getByTestId('stale-prompt').count()).toBe(0);
    await screenshot(page, 'worker-back-online-time-kept');
    expect(errors.filter((line) => !OFFLINE_NOISE.test(line))).toEqual([]);
  }, 300_000);

  test('a sleeping phone: the app asks about the gap, Keep claims it back, and the supervisor board marks it', async () => {
    const { stack } = suite;
    const { token: supervisorToken } = await stack.createUser('supervisor', 'Rosa Méndez');
    const { user: worker, token: workerToken } = await stack.createUser('worker', 'Tomás Ruiz');
    const TASK = 'e2e-pump-overhaul';
    const TITLE = 'Overhaul pump station 3';
    await createTask(supervisorToken, TASK, TITLE);

    const phone = await suite.workerPhone();
    const errors = pageErrors(phone);
    const page = await phone.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(page, workerToken);
    await card(page, 'open-pool', TASK).getByTestId('claim').click();
    await card(page, 'my-tasks', TASK).getByTestId('start').click();
    await nowWorking(page, TASK).waitFor();
    const opened = await pollSession(TASK, (s) => s.ended_at === null);
    await page.locator('[data-testid="sync-bar"][data-pending="0"]').waitFor();

    // ── The phone goes to sleep: the app stops running, so nothing beats (its sign-in and journal stay on the device).
    await page.close();
    const stale = await pollSession(TASK, (s) => s.ended_reason === 'stale_timeout');
    expect(stale).toMatchObject({ id: opened.id, extended_by_owner: false });
    const closedAt = stale.ended_at ?? 0;
    // Time passes with nothing to vouch for it.
    await sleepUntil(closedAt + ASLEEP_AFTER_CLOSE_MS);

    // A supervisor watches the live board: nothing claimed back yet.
    const desk = await suite.supervisorDesktop();
    const deskErrors = pageErrors(desk);
    const board = await desk.newPage();
    board.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(board, supervisorToken);
    await board.getByTestId('live-board').waitFor();
    await board.locator(`[data-testid="board-idle-worker"][data-user-id="${worker.id}"]`).waitFor();
    expect(await board.getByTestId('board-claimed-back').count()).toBe(0);

    // ── The worker opens the app again, online: it asks about the gap once.
    const reopened = await phone.newPage();
    reopened.setDefaultTimeout(UI_TIMEOUT_MS);
    const openedAgainAt = Date.now();
    await reopened.goto('/');
    await reopened.getByTestId('sync-bar').waitFor();
    const prompt = reopened.locator(`[data-testid="stale-prompt"][data-session-id="${opened.id}"]`);
    await prompt.waitFor();
    // Times of day are spaced with a narrow no-break space in some ICU versions: compare with plain spaces.
    const question = ((await prompt.getByTestId('stale-prompt-question').textContent()) ?? '').replace(/\s/g, ' ');
    expect(question).toMatch(/^Closed at .+ because this device went quiet — were you working until .+\?$/);
    expect(question).toContain(`Closed at ${clockTime(closedAt)} `);
    expect(await prompt.textContent()).toContain(TITLE);
    await screenshot(reopened, 'worker-stale-prompt');

    await prompt.getByTestId('stale-prompt-keep').click();
    await prompt.waitFor({ state: 'detached' });
    await reopened.locator('[data-testid="sync-bar"][data-pending="0"]').waitFor({ timeout: 60_000 });

    // The server extended the work session to the moment asked about, marked as the owner's claim.
    const extended = await pollSession(TASK, (s) => s.extended_by_owner);
    expect(extended).toMatchObject({ id: opened.id, ended_reason: 'stale_timeout' });
    expect(extended.ended_at).toBeGreaterThanOrEqual(closedAt + ASLEEP_AFTER_CLOSE_MS - SLACK_MS);
    expect(extended.ended_at).toBeGreaterThanOrEqual(openedAgainAt - SLACK_MS);
    expect(extended.ended_at).toBeLessThanOrEqual(Date.now());
    const task = (await stack.serverState()).tasks.get(TASK);
    expect(task?.time_spent_ms).toBe((extended.ended_at ?? 0) - opened.started_at);
    const refused = await stack.sql<{ kind: string; code: string | null }[]>`
      SELECT kind, code FROM applied_intents WHERE user_id = ${worker.id} AND status = 'rejected'`;
    // A beat refused because it came after the gap would be silent anyway; anything else must not be refused.
    expect(refused.filter((r) => r.kind !== 'work.heartbeat')).toEqual([]);
    expect(await reopened.getByTestId('inbox-link').textContent()).not.toMatch(/attention/);

    // Asked once: opening the app again does not ask again.
    await reopened.reload();
    await reopened.getByTestId('sync-bar').waitFor();
    await reopened.locator(`[data-testid="task-card"][data-task-id="${TASK}"]`).first().waitFor();
    expect(await reopened.getByTestId('stale-prompt').count()).toBe(0);

    // ── The supervisor's board shows the claimed-back time, live.
    const mark = board.locator(`[data-testid="claimed-back-worker"][data-user-id="${worker.id}"]`);
    await mark.locator(`[data-testid="claimed-back-session"][data-session-id="${opened.id}"]`).waitFor();
    expect(await board.getByTestId('board-claimed-back').textContent()).toContain('Time claimed back today');
    expect(await mark.textContent()).toContain('Tomás Ruiz');
    expect(await mark.textContent()).toContain(TITLE);
    await screenshot(board, 'supervisor-board-claimed-back');

    expect(deskErrors).toEqual([]);
    expect(errors).toEqual([]);
  }, 300_000);
});

/** A task made by a supervisor through the API. */
async function createTask(supervisorToken: string, id: string, title: string): Promise<void> {
  const res = await suite.stack.request('POST', '/api/v1/tasks', { token: supervisorToken, body: { id, title } });
  if (res.status >= 300) throw new Error(`POST /api/v1/tasks answered ${res.status}: ${JSON.stringify(res.body)}`);
}

function card(page: Page, list: 'my-tasks' | 'open-pool', taskId: string) {
  return page.locator(`[data-testid="${list}"] [data-testid="task-card"][data-task-id="${taskId}"]`);
}

function nowWorking(page: Page, taskId: string) {
  return page.locator(`[data-testid="now-working-entry"][data-task-id="${taskId}"]`);
}

async function pending(page: Page): Promise<number> {
  return Number(await page.getByTestId('sync-bar').getAttribute('data-pending'));
}

/** The task's latest work session on the server. */
async function sessionOf(taskId: string): Promise<WorkSessionRow | undefined> {
  const sessions = rowsOfTable(await suite.stack.serverState(), 'work_sessions').filter((s) => s.task_id === taskId);
  return sessions.sort((a, b) => a.started_at - b.started_at).at(-1);
}

/** Polls the server until the task's latest work session satisfies `done` (the sweep runs every second). */
async function pollSession(taskId: string, done: (session: WorkSessionRow) => boolean, timeoutMs = 60_000): Promise<WorkSessionRow> {
  let found: WorkSessionRow | undefined;
  await expect
    .poll(
      async () => {
        found = await sessionOf(taskId);
        return found !== undefined && done(found);
      },
      { timeout: timeoutMs, interval: 250 },
    )
    .toBe(true);
  if (found === undefined) throw new Error(`no work session on ${taskId}`);
  return found;
}

/** What the browser does when a page is shown again (back/forward cache, a tab brought back): the app beats at once. */
async function dispatchPageShow(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as {
      dispatchEvent(event: unknown): boolean;
      PageTransitionEvent: new (type: string, init: { persisted: boolean }) => unknown;
    };
    w.dispatchEvent(new w.PageTransitionEvent('pageshow', { persisted: true }));
  });
}

/** Waits until the clock reaches `at` (epoch ms): time passing is the condition itself. */
async function sleepUntil(at: number): Promise<void> {
  const left = at - Date.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}

/** A moment as the worker's phone (en-US, Europe/Madrid) shows the time of day. */
function clockTime(at: number): string {
  return new Intl.DateTimeFormat('en-US', { timeStyle: 'short', timeZone: 'Europe/Madrid' }).format(at).replace(/\s/g, ' ');
}
