import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { renderWithI18n } from '../test-render.tsx';
import { StalePrompts } from './StalePrompt.tsx';
import type { StalePrompt } from './stale-prompt-model.ts';
import { StorageNotice } from './StorageNotice.tsx';

afterEach(cleanup);

// 10:02 and 12:05 in Madrid (UTC+1 in March).
const CLOSED = Date.parse('2025-03-10T09:02:00Z');
const UNTIL = Date.parse('2025-03-10T11:05:00Z');
const NOW = UNTIL + 60_000;
const prompt: StalePrompt = { sessionId: 'ws1', taskId: 't1', taskTitle: 'Poda', closedAt: CLOSED, until: UNTIL };

describe('stale prompt component', () => {
  test('asks, in the person’s locale and zone, whether they were working until the moment asked', async () => {
    await renderWithI18n(<StalePrompts prompts={[prompt]} now={NOW} locale="en-GB" timeZone="Europe/Madrid" onKeep={() => {}} onDiscard={() => {}} />);
    expect(screen.getByTestId('stale-prompt-question').textContent).toBe('Closed at 10:02 because this device went quiet — were you working until 12:05?');
    expect(screen.getByText('Task: Poda')).toBeTruthy();
    expect(screen.getByTestId('stale-prompt-keep').textContent).toBe('Keep');
    expect(screen.getByTestId('stale-prompt-discard').textContent).toBe('Discard');
  });

  test('in Spanish, a close on another day shows its date', async () => {
    await renderWithI18n(<StalePrompts prompts={[prompt]} now={NOW + 24 * 3_600_000} locale="es" timeZone="Europe/Madrid" onKeep={() => {}} onDiscard={() => {}} />, 'es');
    expect(screen.getByTestId('stale-prompt-question').textContent).toMatch(/^Se cerró a las 10 mar 2025, 10:02 porque este dispositivo dejó de dar señales: ¿estuviste trabajando hasta las 10 mar 2025, 12:05\?$/);
    expect(screen.getByTestId('stale-prompt-keep').textContent).toBe('Conservar');
  });

  test('Keep hands the prompt over and holds both buttons until it is done; Discard hands it over too', async () => {
    let finish = (): void => undefined;
    const onKeep = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const onDiscard = vi.fn();
    await renderWithI18n(<StalePrompts prompts={[prompt]} now={NOW} locale="en" onKeep={onKeep} onDiscard={onDiscard} />);
    fireEvent.click(screen.getByTestId('stale-prompt-keep'));
    expect(onKeep).toHaveBeenCalledWith(prompt);
    expect((screen.getByTestId('stale-prompt-discard') as HTMLButtonElement).disabled).toBe(true);
    finish();
    await waitFor(() => expect((screen.getByTestId('stale-prompt-discard') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('stale-prompt-discard'));
    expect(onDiscard).toHaveBeenCalledWith(prompt);
  });

  test('nothing to ask, nothing shown', async () => {
    const { container } = await renderWithI18n(<StalePrompts prompts={[]} now={NOW} locale="en" onKeep={() => {}} onDiscard={() => {}} />);
    expect(container.textContent).toBe('');
  });
});

describe('storage notice', () => {
  test('says the browser may clear offline data, in both languages, and can be dismissed', async () => {
    const onDismiss = vi.fn();
    await renderWithI18n(<StorageNotice onDismiss={onDismiss} />);
    expect(screen.getByTestId('storage-notice').textContent).toMatch(/^This browser may clear Stint’s offline data/);
    fireEvent.click(screen.getByTestId('storage-notice-dismiss'));
    expect(onDismiss).toHaveBeenCalledOnce();
    cleanup();
    await renderWithI18n(<StorageNotice onDismiss={onDismiss} />, 'es');
    expect(screen.getByTestId('storage-notice').textContent).toMatch(/^Este navegador puede borrar los datos sin conexión/);
  });
});
