/**
 * The stale prompt (stale-prompt-model.ts): "Closed at 10:02 because this
 * device went quiet — were you working until 12:05?" with Keep and Discard,
 * above every view until answered. Keep journals `work.extend` back to the
 * moment asked about; either answer is remembered on this device.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toIso } from '@stint/shared';
import type { Millis } from '@stint/shared';
import { useAct, useNow, useSignIn, useSyncStatus, useView } from '../stint-context.tsx';
import { formatMoment } from './format.ts';
import { StaleAnswer, stalePromptModel, withAnswer, withRaised, withoutExpired } from './stale-prompt-model.ts';
import type { StalePrompt, StalePromptRecord } from './stale-prompt-model.ts';
import { loadStalePrompts, saveStalePrompts } from './stale-prompt-store.ts';

export function StalePromptView(): ReactNode {
  const { i18n } = useTranslation('common');
  const userId = useSignIn().user.id;
  const view = useView();
  const status = useSyncStatus();
  const now = useNow(30_000);
  const act = useAct();
  const [records, setRecords] = useState(() => loadStalePrompts(window.localStorage, userId));

  // Read the store afresh for every change, so answers given in another tab are kept.
  const update = useCallback(
    (change: (current: ReadonlyMap<string, StalePromptRecord>) => Map<string, StalePromptRecord>, at: Millis) => {
      const next = withoutExpired(change(loadStalePrompts(window.localStorage, userId)), at);
      saveStalePrompts(window.localStorage, userId, next);
      setRecords(next);
    },
    [userId],
  );

  const model = useMemo(
    () => stalePromptModel({ view, userId, now, offsetMs: status.offsetMs, heartbeatsWaiting: status.heartbeatsWaiting, records }),
    [view, userId, now, status.offsetMs, status.heartbeatsWaiting, records],
  );
  useEffect(() => {
    if (model.raised.length > 0) update((current) => withRaised(current, model.raised, now), now);
  }, [model.raised, now, update]);

  async function keep(prompt: StalePrompt): Promise<void> {
    // Remembered whatever the outcome: a refusal shows in the notice line, and the prompt is asked once.
    await act('work.extend', { session_id: prompt.sessionId, until: toIso(prompt.until) });
    update((current) => withAnswer(current, prompt.sessionId, StaleAnswer.keep, Date.now()), Date.now());
  }

  function discard(prompt: StalePrompt): void {
    update((current) => withAnswer(current, prompt.sessionId, StaleAnswer.discard, Date.now()), Date.now());
  }

  return <StalePrompts prompts={model.prompts} now={now} locale={i18n.language} onKeep={keep} onDiscard={discard} />;
}

export function StalePrompts(props: {
  prompts: readonly StalePrompt[];
  now: Millis;
  locale: string;
  /** Default: the device's zone. */
  timeZone?: string;
  onKeep: (prompt: StalePrompt) => Promise<void> | void;
  onDiscard: (prompt: StalePrompt) => void;
}): ReactNode {
  const { t } = useTranslation('common');
  const [answering, setAnswering] = useState<ReadonlySet<string>>(new Set());
  if (props.prompts.length === 0) return null;
  const moment = (at: Millis): string => formatMoment(at, props.now, props.locale, props.timeZone);

  async function keep(prompt: StalePrompt): Promise<void> {
    setAnswering((current) => new Set([...current, prompt.sessionId]));
    try {
      await props.onKeep(prompt);
    } finally {
      setAnswering((current) => new Set([...current].filter((id) => id !== prompt.sessionId)));
    }
  }

  return (
    <div className="stale-prompts">
      {props.prompts.map((prompt) => (
        <section key={prompt.sessionId} className="card card-alert stale-prompt" aria-label={t('stalePrompt.title')} data-testid="stale-prompt" data-session-id={prompt.sessionId}>
          <div className="card-title">{t('stalePrompt.title')}</div>
          <p data-testid="stale-prompt-question">{t('stalePrompt.question', { closedAt: moment(prompt.closedAt), until: moment(prompt.until) })}</p>
          {prompt.taskTitle !== null && <p className="muted">{t('stalePrompt.task', { title: prompt.taskTitle })}</p>}
          <div className="row">
            <button type="button" className="button button-primary" data-testid="stale-prompt-keep" disabled={answering.has(prompt.sessionId)} onClick={() => void keep(prompt)}>
              {t('stalePrompt.keep')}
            </button>
            <button type="button" className="button" data-testid="stale-prompt-discard" disabled={answering.has(prompt.sessionId)} onClick={() => props.onDiscard(prompt)}>
              {t('stalePrompt.discard')}
            </button>
          </div>
        </section>
      ))}
    </div>
  );
}
