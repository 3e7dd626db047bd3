/**
 * Always visible: online or offline, how many changes wait
 * for the server and the age of the oldest, and the way into the inbox.
 *
 * "Online" means the browser has a network AND the server answered the last
 * push; either one failing reads as offline, because that is when changes
 * stay on the device.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { SyncStatus } from '../../engine/index.ts';
import { useInbox, useNow, useRuntime, useSyncStatus } from '../stint-context.tsx';
import { formatAge } from './format.ts';
import { useBrowserOnline } from './use-browser-online.ts';

export interface SyncBarModel {
  readonly online: boolean;
  readonly pending: number;
  readonly oldestPendingAt: number | null;
}

export function syncBarModel(status: SyncStatus, browserOnline: boolean): SyncBarModel {
  // Before the first push answer, trust the browser: a fresh page with nothing to send is online.
  const serverReachable = status.lastError === null || status.online;
  return { online: browserOnline && serverReachable, pending: status.pending, oldestPendingAt: status.oldestPendingAt };
}

export function SyncBar(): React.ReactNode {
  const { t } = useTranslation('common');
  const status = useSyncStatus();
  const browserOnline = useBrowserOnline();
  const { engine } = useRuntime();
  const { items } = useInbox();
  const now = useNow(1000);
  const model = syncBarModel(status, browserOnline);
  return (
    <div className="sync-bar" data-testid="sync-bar" data-online={model.online} data-pending={model.pending}>
      <span className={model.online ? 'pill pill-online' : 'pill pill-offline'} data-testid="online-state">
        {model.online ? t('sync.online') : t('sync.offline')}
      </span>
      <span className="sync-pending" data-testid="pending">
        {model.pending === 0
          ? t('sync.allSynced')
          : `${t('sync.pending', { count: model.pending })}${model.oldestPendingAt === null ? '' : ` · ${t('sync.oldest', { age: formatAge(t, model.oldestPendingAt, now) })}`}`}
      </span>
      {model.pending > 0 && model.online && (
        <button type="button" className="link-button" onClick={() => void engine.sync()}>
          {t('sync.syncNow')}
        </button>
      )}
      <Link href="/inbox" className={items.length > 0 ? 'inbox-link inbox-link-alert' : 'inbox-link'} data-testid="inbox-link">
        {items.length > 0 ? t('inbox.open', { count: items.length }) : t('nav.inbox')}
      </Link>
    </div>
  );
}
