/**
 * The audit log, read from the server (not synced): filter by entity id
 * (`/audit?entity_id=…`, also reached from an approval card). Offline it says
 * it needs a connection instead of showing an error.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useSearch } from 'wouter';
import { unreachable } from '@stint/shared';
import { formatDateTime } from '../shell/format.ts';
import { useBrowserOnline } from '../shell/use-browser-online.ts';
import { useSignIn, useUsers } from '../stint-context.tsx';
import { auditLines, loadAudit } from './audit-model.ts';
import type { AuditLine, AuditLoad } from './audit-model.ts';
import './supervisor.css';

export function AuditLogView(): ReactNode {
  const { token } = useSignIn();
  const users = useUsers();
  const online = useBrowserOnline();
  const search = useSearch();
  const [, navigate] = useLocation();
  const entityId = new URLSearchParams(search).get('entity_id') ?? '';
  const [reloads, setReloads] = useState(0);
  const [load, setLoad] = useState<AuditLoad | null>(null);

  useEffect(() => {
    let current = true;
    setLoad(null);
    void loadAudit((url, init) => fetch(url, init), token, entityId, online).then((next) => {
      if (current) setLoad(next);
    });
    return () => {
      current = false;
    };
  }, [token, entityId, online, reloads]);

  const lines = useMemo(() => (load?.kind === 'entries' ? auditLines(load.entries, users) : []), [load, users]);
  return (
    <AuditLog
      entityId={entityId}
      load={load}
      lines={lines}
      onFilter={(next) => navigate(next.trim() === '' ? '/audit' : `/audit?entity_id=${encodeURIComponent(next.trim())}`)}
      onRefresh={() => setReloads((n) => n + 1)}
    />
  );
}

export function AuditLog(props: {
  entityId: string;
  load: AuditLoad | null;
  lines: readonly AuditLine[];
  onFilter: (entityId: string) => void;
  onRefresh: () => void;
}): ReactNode {
  const { t } = useTranslation('supervisor');
  const [draft, setDraft] = useState(props.entityId);
  useEffect(() => setDraft(props.entityId), [props.entityId]);
  return (
    <section className="view" aria-labelledby="audit-title" data-testid="audit-log">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <form
        className="row"
        data-testid="audit-filter"
        onSubmit={(e) => {
          e.preventDefault();
          props.onFilter(draft);
        }}
      >
        <label className="sv-field" style={{ flex: 1, minWidth: '12rem' }}>
          {t('audit.filterLabel')}
          <input data-testid="audit-filter-input" value={draft} placeholder={t('audit.filterPlaceholder')} onChange={(e) => setDraft(e.target.value)} />
        </label>
        <button type="submit" className="button button-primary">
          {t('audit.apply')}
        </button>
        {props.entityId !== '' && (
          <button type="button" className="button" onClick={() => props.onFilter('')}>
            {t('audit.clear')}
          </button>
        )}
        <button type="button" className="button" data-testid="audit-refresh" onClick={props.onRefresh}>
          {t('audit.refresh')}
        </button>
      </form>
      <AuditBody load={props.load} lines={props.lines} />
    </section>
  );
}

function AuditBody(props: { load: AuditLoad | null; lines: readonly AuditLine[] }): ReactNode {
  const { t, i18n } = useTranslation('supervisor');
  const { load } = props;
  if (load === null) return <p className="muted" role="status">{t('audit.loading')}</p>;
  switch (load.kind) {
    case 'offline':
      return (
        <p className="empty" role="status" data-testid="audit-offline">
          {t('audit.offline')}
        </p>
      );
    case 'failed':
      return (
        <p className="error" role="alert" data-testid="audit-error">
          {t('audit.failed', { status: load.status, message: `${load.code}: ${load.message}` })}
        </p>
      );
    case 'malformed':
      return (
        <p className="error" role="alert" data-testid="audit-error">
          {t('audit.malformed', { reason: load.reason })}
        </p>
      );
    case 'entries':
      break;
    default:
      return unreachable(load);
  }
  if (props.lines.length === 0) return <p className="empty">{t('audit.empty')}</p>;
  return (
    <>
      <p className="muted">{t('audit.newestFirst')}</p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>{t('audit.columns.at')}</th>
              <th>{t('audit.columns.actor')}</th>
              <th>{t('audit.columns.source')}</th>
              <th>{t('audit.columns.entity')}</th>
              <th>{t('audit.columns.action')}</th>
              <th>{t('audit.columns.change')}</th>
              <th>{t('audit.columns.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {props.lines.map((line) => (
              <tr key={line.id} data-testid="audit-entry" data-entity-id={line.entityId} data-action={line.action}>
                <td>{formatDateTime(line.at, i18n.language)}</td>
                <td>{line.actor ?? t('audit.system')}</td>
                <td>{t(`audit.source.${line.source}`)}</td>
                <td>
                  {line.entity}
                  <br />
                  <code className="code">{line.entityId}</code>
                </td>
                <td>
                  <code className="code">{line.action}</code>
                </td>
                <td>
                  <pre className="sv-json">{line.changes.join('\n')}</pre>
                </td>
                <td>{line.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
