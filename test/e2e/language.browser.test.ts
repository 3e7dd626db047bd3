/**
 * Issue 6 item 6 in Chromium: the language follows the browser (a phone set
 * to Spanish opens Stint in Spanish), the switch changes it at once, and the
 * choice outlives a reload.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { UI_TIMEOUT_MS, launchBrowser, newWorkerContext, screenshot, signIn, startStack, waitForOnlineState } from './harness.ts';
import type { Stack } from './harness.ts';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startStack();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await stack?.close();
}, 60_000);

describe('language', () => {
  test('a phone in Spanish opens Stint in Spanish; the switch turns it English and the choice survives a reload', async () => {
    const { token } = await stack.createUser('worker', 'Lucía Gómez');
    await stack.adminRequest('POST', '/api/v1/tasks', { id: 'es-task', title: 'Revisar medidor del edificio C' });
    const phone = await newWorkerContext(browser, stack.baseUrl, { locale: 'es-MX' });
    contexts.push(phone);
    const page = await phone.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);

    await signIn(page, token);
    expect(await waitForOnlineState(page, true)).toBe('En línea');
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    await page.locator('[data-testid="open-pool"] [data-testid="task-card"][data-task-id="es-task"]').waitFor();
    expect(await page.locator('nav[aria-label="main"]').innerText()).toContain('Trabajo');
    await screenshot(page, 'worker-home-es');

    await page.getByTestId('language-switch').selectOption('en');
    expect(await waitForOnlineState(page, true)).toBe('Online');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.reload();
    await page.getByTestId('sync-bar').waitFor();
    expect(await waitForOnlineState(page, true)).toBe('Online');
    expect(await page.locator('nav[aria-label="main"]').innerText()).toContain('Work');
  }, 180_000);
});
