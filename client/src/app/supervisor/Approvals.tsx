/**
 * Approvals: completed procedure runs with their checks; Approve sends
 * `run.approve`, which locks the run (I7). Approved runs stay listed, locked.
 */
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { formatDateTime } from '../shell/format.ts';
import { useAct, useUsers, useView } from '../stint-context.tsx';
import { approvalsModel } from './approvals-model.ts';
import type { ApprovalRun, ApprovalsModel } from './approvals-model.ts';
import './supervisor.css';

export function ApprovalsView(): ReactNode {
  const view = useView();
  const users = useUsers();
  const act = useAct();
  const model = useMemo(() => approvalsModel(view, users), [view, users]);
  return <Approvals model={model} onApprove={async (runId) => void (await act('run.approve', { session_id: runId }))} />;
}

export function Approvals(props: { model: ApprovalsModel; onApprove: (runId: string) => Promise<void> }): ReactNode {
  const { t } = useTranslation('supervisor');
  const { model } = props;
  return (
    <section className="view" aria-labelledby="approvals-title" data-testid="approvals">
      <h1 id="approvals-title">{t('approvals.title')}</h1>
      <h2>{t('approvals.awaiting')}</h2>
      {model.awaiting.length === 0 ? (
        <p className="empty">{t('approvals.noneAwaiting')}</p>
      ) : (
        <ul className="cards" data-testid="approvals-awaiting">
          {model.awaiting.map((run) => (
            <RunCard key={run.runId} run={run} onApprove={props.onApprove} />
          ))}
        </ul>
      )}
      <h2>{t('approvals.approved')}</h2>
      {model.approved.length === 0 ? (
        <p className="empty">{t('approvals.noneApproved')}</p>
      ) : (
        <ul className="cards" data-testid="approvals-approved">
          {model.approved.map((run) => (
            <RunCard key={run.runId} run={run} onApprove={props.onApprove} />
          ))}
        </ul>
      )}
    </section>
  );
}

function RunCard(props: { run: ApprovalRun; onApprove: (runId: string) => Promise<void> }): ReactNode {
  const { t, i18n } = useTranslation('supervisor');
  const { run } = props;
  const [busy, setBusy] = useState(false);
  const when = (at: number): string => formatDateTime(at, i18n.language);
  return (
    <li className="card" data-testid="approval-run" data-run-id={run.runId} data-locked={run.locked}>
      <div className="card-title">
        <span>
          {run.sopTitle} <span className="muted">v{run.sopVersion}</span>
        </span>
        <span className="muted">{t('approvals.workerBy', { name: run.workerName })}</span>
        {run.locked && (
          <span className="badge badge-ok" data-testid="run-locked">
            {t('approvals.locked')}
          </span>
        )}
      </div>
      <div className="row muted">
        {run.completedAt !== null && <span>{t('approvals.completedAt', { time: when(run.completedAt) })}</span>}
        <span>{t('approvals.progress', { passed: run.passedSteps, total: run.totalSteps })}</span>
        {run.failedChecks > 0 && <span className="badge badge-warn">{t('approvals.failedChecks', { count: run.failedChecks })}</span>}
      </div>
      {run.checks.length === 0 ? (
        <p className="muted">{t('approvals.noChecks')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table sv-checks">
            <thead>
              <tr>
                <th>{t('approvals.step')}</th>
                <th>{t('approvals.result')}</th>
                <th>{t('approvals.notes')}</th>
                <th>{t('approvals.by')}</th>
                <th>{t('approvals.at')}</th>
              </tr>
            </thead>
            <tbody>
              {run.checks.map((c) => (
                <tr key={c.id} data-testid="approval-check" data-result={c.result}>
                  <td>{c.stepTitle}</td>
                  <td>
                    <span className={c.result === 'passed' ? 'badge badge-ok' : 'badge badge-danger'}>{t(`approvals.${c.result}`)}</span>
                  </td>
                  <td className="sv-notes">{c.notes ?? ''}</td>
                  <td>{c.checkedByName}</td>
                  <td>{when(c.checkedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row">
        {run.locked ? (
          <span className="muted">{t('approvals.approvedBy', { name: run.lockedByName ?? '', time: run.lockedAt === null ? '' : when(run.lockedAt) })}</span>
        ) : (
          <button
            type="button"
            className="button button-ok"
            data-testid="approve"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void props.onApprove(run.runId).finally(() => setBusy(false));
            }}
          >
            {busy ? t('approvals.approving') : t('approvals.approve')}
          </button>
        )}
        <span className="spacer" />
        <Link href={`/audit?entity_id=${encodeURIComponent(run.runId)}`} className="link-button" data-testid="approval-audit-link">
          {t('approvals.auditLink')}
        </Link>
      </div>
    </li>
  );
}
