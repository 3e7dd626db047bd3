/**
 * Issue 6 item 6 in Chromium: the language follows the browser (a phone set
 * to Spanish opens Stint in Spanish), the switch changes it at once, and the
 * choice outlives a reload.
 */
import { describe, expect, test } from 'vitest';
import { UI_TIMEOUT_MS, browserSuite, screenshot, signIn, waitForOnlineState } from './harness.ts';

const suite = browserSuite();

describe('language', () => {
  test('a phone in Spanish opens Stint in Spanish; the switch turns it English and the choice survives a reload', async () => {
    const { stack } = suite;
    const { token } = await stack.createUser('worker', 'Lucía Gómez');
    await stack.adminRequest('POST', '/api/v1/tasks', { id: 'es-task', title: 'Revisar medidor del edificio C' });
    const phone = await suite.workerPhone({ locale: 'es-MX' });
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
