/**
 * Procedures (`/runs`): the confirmed SOPs I can start and my runs. Starting
 * journals `run.start` with a new run id and opens the runner on it.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { formatDateTime } from '../shell/format.ts';
import { useAct, useNow, useView } from '../stint-context.tsx';
import { runsModel } from './runs-model.ts';
import type { RunPhase, RunsModel } from './runs-model.ts';
import { useActor } from './use-worker.ts';
import './worker.css';

export function Runs(): ReactNode {
  const view = useView();
  const actor = useActor();
  const now = useNow(5000);
  const act = useAct();
  const [, navigate] = useLocation();
  const start = (sopId: string): void => {
    const runId = crypto.randomUUID();
    void act('run.start', { session_id: runId, sop_id: sopId }).then((result) => {
      if (result.accepted) navigate(`/runs/${runId}`);
    });
  };
  return <RunsView model={runsModel(view, actor, now)} onStart={start} />;
}

export function RunsView(props: { model: RunsModel; onStart: (sopId: string) => void }): ReactNode {
  const { t, i18n } = useTranslation('worker');
  const { model } = props;
  return (
    <section className="view" aria-labelledby="runs-title" data-testid="runs-view">
      <h1 id="runs-title">{t('runs.title')}</h1>
      {model.activeRunId !== null && (
        <Link href={`/runs/${encodeURIComponent(model.activeRunId)}`} className="button button-primary button-wide card-link" data-testid="continue-run">
          <span className="row" style={{ justifyContent: 'center', minHeight: 'var(--tap)' }}>
            {t('runs.continue')}
          </span>
        </Link>
      )}
      <h2>{t('runs.mine')}</h2>
      {model.runs.length === 0 ? (
        <p className="empty" data-testid="my-runs" data-count={0}>
          {t('runs.mineEmpty')}
        </p>
      ) : (
        <ul className="cards cards-grid" data-testid="my-runs" data-count={model.runs.length}>
          {model.runs.map((run) => (
            <li key={run.id} className="card" data-testid="run-card" data-run-id={run.id} data-phase={run.phase}>
              <Link href={`/runs/${encodeURIComponent(run.id)}`} className="card-title card-link">
                {run.title}
              </Link>
              <div className="task-meta">
                <span className={phaseBadge(run.phase)}>{t(`runs.phase.${run.phase}`)}</span>
                {run.position !== null && <span className="muted">{t('runs.progress', { position: run.position, total: run.totalSteps })}</span>}
              </div>
              <div className="muted">
                {run.completedAt === null
                  ? t('runs.startedAt', { time: formatDateTime(run.startedAt, i18n.language) })
                  : t('runs.completedAt', { time: formatDateTime(run.completedAt, i18n.language) })}
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('runs.available')}</h2>
      {model.activeRunId !== null && model.sops.length > 0 && <p className="muted">{t('runs.activeHint')}</p>}
      {model.sops.length === 0 ? (
        <p className="empty" data-testid="sop-list" data-count={0}>
          {t('runs.availableEmpty')}
        </p>
      ) : (
        <ul className="cards cards-grid" data-testid="sop-list" data-count={model.sops.length}>
          {model.sops.map((sop) => (
            <li key={sop.sopId} className="card" data-testid="sop-card" data-sop-id={sop.sopId}>
              <div className="card-title">{sop.title}</div>
              <div className="muted">
                {t('runs.steps', { count: sop.steps })} · {t('runs.version', { version: sop.version })}
              </div>
              <div className="card-actions">
                <button
                  type="button"
                  className="button button-primary"
                  data-testid="start-run"
                  disabled={!sop.canStart}
                  onClick={() => props.onStart(sop.sopId)}
                >
                  {t('runs.start')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function phaseBadge(phase: RunPhase): string {
  switch (phase) {
    case 'in_progress':
      return 'badge badge-info';
    case 'paused':
      return 'badge badge-warn';
    case 'completed':
      return 'badge badge-ok';
    case 'approved':
      return 'badge badge-ok';
    default: {
      const never: never = phase;
      return never;
    }
  }
}
