/** Said once when the browser refuses persistent storage (storage-persistence.ts): offline data may be cleared. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function StorageNotice(props: { onDismiss: () => void }): ReactNode {
  const { t } = useTranslation('common');
  return (
    <div className="notice" role="status" data-testid="storage-notice">
      <span>{t('storage.notPersisted')}</span>
      <button type="button" className="link-button" data-testid="storage-notice-dismiss" onClick={props.onDismiss}>
        {t('storage.dismiss')}
      </button>
    </div>
  );
}
