/**
 * The app shell in real Chromium against the real server and zero-cache
 * (issue 6 items 4 and 5): a worker signs in with a link on a phone and sees
 * the signed-in layout online; after one visit the app opens with no network
 * (service worker) and says "Offline"; back online it says "Online" again.
 * A supervisor on a desktop sees the desktop layout. Screenshots go to
 * test-results/screenshots/.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE, browserSuite, pageErrors, screenshot, signIn, waitForOnlineState, waitForServiceWorker } from './harness.ts';

const suite = browserSuite();

/** Where the main navigation sits: 'bottom' of the viewport (phone) or 'top' above the content (desktop). */
async function navPlacement(page: Page, viewportHeight: number): Promise<'bottom' | 'top' | 'elsewhere'> {
  const nav = await page.locator('nav[aria-label="main"]').boundingBox();
  const main = await page.locator('main.content').boundingBox();
  if (nav === null || main === null) return 'elsewhere';
  if (Math.abs(nav.y + nav.height - viewportHeight) <= 2) return 'bottom';
  return nav.y + nav.height <= main.y + 1 ? 'top' : 'elsewhere';
}

describe('the app shell in Chromium', () => {
  test('a worker signs in with a link on a phone, the app opens again with no network, and says so', async () => {
    const { stack } = suite;
    const { user, token } = await stack.createUser('worker', 'Ana Field');
    const phone = await suite.workerPhone();
    const errors = pageErrors(phone);
    const page = await phone.newPage();

    await signIn(page, token);
    expect(await waitForOnlineState(page, true)).toBe('Online');
    expect(await page.getByTestId('who').textContent()).toContain('Ana Field');
    expect(await page.locator('.layout').getAttribute('data-role')).toBe('worker');
    expect(await navPlacement(page, PHONE.height)).toBe('bottom');
    // The sign-in link is read once and leaves the address.
    expect(new URL(page.url()).hash).toBe('');
    await waitForServiceWorker(page);
    await screenshot(page, 'worker-shell-online');

    await phone.setOffline(true);
    const reloaded = await page.reload();
    // The page came from the service worker's precache, not from the (unreachable) server.
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await page.getByTestId('sync-bar').waitFor({ state: 'visible' });
    expect(await waitForOnlineState(page, false)).toBe('Offline');
    expect(await page.getByTestId('who').textContent()).toContain('Ana Field');
    expect(await page.locator('.layout').getAttribute('data-role')).toBe('worker');
    await screenshot(page, 'worker-shell-offline');

    await phone.setOffline(false);
    expect(await waitForOnlineState(page, true)).toBe('Online');
    // Nothing the page did reached the server as a change: the worker's device synced nothing yet.
    const state = await stack.serverState();
    expect([...state.work_sessions.values()].filter((s) => s.user_id === user.id)).toEqual([]);
    // Offline fetches fail by design; anything else the page threw is a bug.
    expect(errors.filter((line) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|WebSocket|net::/.test(line))).toEqual([]);
  }, 180_000);

  test('a supervisor signs in on a desktop and sees the desktop layout', async () => {
    const { token } = await suite.stack.createUser('supervisor', 'Sol Desk');
    const desk = await suite.supervisorDesktop();
    const errors = pageErrors(desk);
    const page = await desk.newPage();

    await signIn(page, token);
    expect(await waitForOnlineState(page, true)).toBe('Online');
    expect(await page.getByTestId('who').textContent()).toContain('Sol Desk');
    expect(await page.locator('.layout').getAttribute('data-role')).toBe('supervisor');
    expect(await navPlacement(page, DESKTOP.height)).toBe('top');
    await screenshot(page, 'supervisor-shell-desktop');
    expect(errors).toEqual([]);
  }, 120_000);
});
