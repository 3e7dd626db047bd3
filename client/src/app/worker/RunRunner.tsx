/**
 * The SOP runner (`/runs/:id`): the current step big, Pass / Fail with
 * optional notes for a step that requires a safety check, "Done, next step"
 * for one that does not (a passed check too: the rules move a run only past
 * a passed check), pause / resume / finish, "step 3 of 7", and a locked
 * banner once a supervisor approved the run.
 */
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { CheckResult } from '@stint/shared';
import { formatDateTime } from '../shell/format.ts';
import { useAct, useNow, useView } from '../stint-context.tsx';
import { runRunnerModel } from './run-runner-model.ts';
import type { RunnerModel } from './run-runner-model.ts';
import { phaseBadge } from './Runs.tsx';
import { useActor } from './use-worker.ts';
import './worker.css';

export function RunRunner(props: { id: string }): ReactNode {
  const view = useView();
  const actor = useActor();
  const now = useNow(5000);
  const act = useAct();
  // `session_id` is the run intents' name for the run.
  const run = { session_id: props.id };
  return (
    <RunnerView
      model={runRunnerModel(view, actor, now, props.id)}
      onCheck={async (stepId, result, notes) => {
        const outcome = await act('run.check', { ...run, step_id: stepId, result, ...(notes === '' ? {} : { notes }) });
        return outcome.accepted;
      }}
      onPause={() => void act('run.pause', run)}
      onResume={() => void act('run.resume', run)}
      onComplete={() => void act('run.complete', run)}
    />
  );
}

export interface RunnerViewProps {
  readonly model: RunnerModel | null;
  /** Resolves true when the check was accepted (the notes are then cleared). */
  readonly onCheck: (stepId: string, result: CheckResult, notes: string) => Promise<boolean>;
  readonly onPause: () => void;
  readonly onResume: () => void;
  readonly onComplete: () => void;
  /** Asks before finishing a run with steps left (window.confirm by default). */
  readonly confirm?: (message: string) => boolean;
}

export function RunnerView(props: RunnerViewProps): ReactNode {
  const { t, i18n } = useTranslation('worker');
  const [notes, setNotes] = useState('');
  const { model } = props;
  if (model === null) {
    return (
      <section className="view" data-testid="runner">
        <BackLink />
        <p className="empty">{t('runner.notFound')}</p>
      </section>
    );
  }
  const { step } = model;
  const check = (result: CheckResult): void => {
    if (step === null) return;
    void props.onCheck(step.id, result, notes.trim()).then((accepted) => {
      if (accepted) setNotes('');
    });
  };
  const confirm = props.confirm ?? ((message: string) => window.confirm(message));
  const done = step === null ? model.totalSteps : step.position - 1;
  return (
    <section className="view runner" aria-labelledby="runner-title" data-testid="runner" data-run-id={model.id} data-phase={model.phase}>
      <BackLink />
      <h1 id="runner-title">{model.title}</h1>
      {model.phase === 'approved' && (
        <div className="locked-banner" role="status" data-testid="locked-banner">
          {t('runner.locked')}
          {model.lockedAt !== null && <div className="muted">{t('runner.lockedAt', { time: formatDateTime(model.lockedAt, i18n.language) })}</div>}
        </div>
      )}
      <div className="row">
        <span className={phaseBadge(model.phase)} data-testid="run-phase">
          {t(`runs.phase.${model.phase}`)}
        </span>
        <span className="spacer" />
        <span className="run-progress" data-testid="run-progress" data-position={step?.position ?? ''} data-total={model.totalSteps}>
          {step === null
            ? t('runs.stepsDone', { passed: model.passedSteps, total: model.totalSteps })
            : t('runs.progress', { position: step.position, total: model.totalSteps })}
        </span>
      </div>
      <div className="progress-bar" aria-hidden="true">
        <span style={{ width: `${model.totalSteps === 0 ? 0 : Math.round((done / model.totalSteps) * 100)}%` }} />
      </div>
      {step === null ? (
        model.phase === 'completed' && <p className="card" data-testid="run-finished">{t('runner.finished')}</p>
      ) : (
        <div className="card run-step" data-testid="run-step" data-step-id={step.id} data-requires-check={step.requiresCheck}>
          <div className="muted">{step.taskTitle}</div>
          <div className="run-step-title">{step.title}</div>
          <span className={step.requiresCheck ? 'badge badge-warn' : 'badge'}>{step.requiresCheck ? t('runner.requiresCheck') : t('runner.noCheck')}</span>
          {model.failedHere > 0 && (
            <p className="error" data-testid="failed-here">
              {t('runner.failedHere', { count: model.failedHere })}
            </p>
          )}
          {model.phase === 'paused' && <p className="muted">{t('runner.pausedHint')}</p>}
          {model.actions.check && (
            <>
              <label htmlFor="check-notes">{t('runner.notes')}</label>
              <textarea id="check-notes" data-testid="check-notes" value={notes} maxLength={4000} onChange={(e) => setNotes(e.target.value)} />
              {step.requiresCheck ? (
                <div className="check-buttons">
                  <button type="button" className="button button-danger" data-testid="check-fail" onClick={() => check('failed')}>
                    {t('runner.fail')}
                  </button>
                  <button type="button" className="button button-ok" data-testid="check-pass" onClick={() => check('passed')}>
                    {t('runner.pass')}
                  </button>
                </div>
              ) : (
                <button type="button" className="button button-primary button-wide checklist-tap" data-testid="step-done" onClick={() => check('passed')}>
                  {t('runner.done')}
                </button>
              )}
            </>
          )}
        </div>
      )}
      {(model.actions.pause || model.actions.resume || model.actions.complete) && (
        <div className="card-actions">
          {model.actions.complete && (
            <button
              type="button"
              className="button"
              data-testid="complete"
              onClick={() => {
                if (confirm(t('runner.confirmComplete'))) props.onComplete();
              }}
            >
              {t('runner.complete')}
            </button>
          )}
          {model.actions.pause && (
            <button type="button" className="button" data-testid="pause" onClick={props.onPause}>
              {t('runner.pause')}
            </button>
          )}
          {model.actions.resume && (
            <button type="button" className="button button-primary" data-testid="resume" onClick={props.onResume}>
              {t('runner.resume')}
            </button>
          )}
        </div>
      )}
      <h2>{t('runner.checks')}</h2>
      {model.checks.length === 0 ? (
        <p className="empty">{t('runner.checksEmpty')}</p>
      ) : (
        <ul className="cards" data-testid="run-checks">
          {model.checks.map((c) => (
            <li key={c.id} className="card" data-testid="run-check" data-result={c.result}>
              <div className="row">
                <span className={c.result === 'passed' ? 'badge badge-ok' : 'badge badge-danger'}>{t(`runner.result.${c.result}`)}</span>
                <span>{c.stepTitle}</span>
                <span className="spacer" />
                <span className="muted">{formatDateTime(c.checkedAt, i18n.language)}</span>
              </div>
              {c.notes !== null && c.notes !== '' && <div className="muted">{c.notes}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function BackLink(): ReactNode {
  const { t } = useTranslation('worker');
  return (
    <Link href="/runs" className="back-link">
      ← {t('runner.back')}
    </Link>
  );
}
