/**
 * "Needs attention" (I9): every rejected intent not yet
 * dismissed, with the server's reason and what the person can do about it,
 * in the person's language (the hint by error code; the server's message as
 * it sent it).
 */
import { useTranslation } from 'react-i18next';
import { isKnownErrorCode } from '@stint/shared';
import type { InboxItem } from '../../engine/index.ts';
import { useInbox } from '../stint-context.tsx';
import { formatDateTime } from './format.ts';

export function InboxView(): React.ReactNode {
  const { t, i18n } = useTranslation('common');
  const { items, dismiss } = useInbox();
  return (
    <section className="view" aria-labelledby="inbox-title" data-testid="inbox-view">
      <h1 id="inbox-title">{t('inbox.title')}</h1>
      {items.length === 0 ? (
        <p className="empty">{t('inbox.empty')}</p>
      ) : (
        <ul className="cards">
          {items.map((item) => (
            <InboxCard key={item.id} item={item} locale={i18n.language} onDismiss={() => void dismiss(item.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function InboxCard(props: { item: InboxItem; locale: string; onDismiss: () => void }): React.ReactNode {
  const { t } = useTranslation('common');
  const { item } = props;
  const hint = isKnownErrorCode(item.code) ? t(`hint.${item.code}`) : t('unknownHint');
  return (
    <li className="card card-alert" data-testid="inbox-item" data-code={item.code}>
      <div className="card-title">
        {t(`intent.${item.kind}`)} <code className="code">{item.code}</code>
      </div>
      <div className="muted">{t('inbox.at', { time: formatDateTime(item.occurredAt, props.locale) })}</div>
      {item.message !== '' && (
        <p>
          <strong>{t('inbox.reason')}:</strong> {item.message}
        </p>
      )}
      <p>
        <strong>{t('inbox.whatToDo')}:</strong> {hint}
      </p>
      {item.follows !== null && <p className="muted">{t('inbox.followsFrom')}</p>}
      <button type="button" className="button" onClick={props.onDismiss}>
        {t('inbox.dismiss')}
      </button>
    </li>
  );
}
