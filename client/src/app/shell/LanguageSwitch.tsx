/** English / Español; the choice is remembered on this device (i18n.ts). */
import { useTranslation } from 'react-i18next';
import { LANGUAGES, currentLanguage } from '../i18n.ts';

export function LanguageSwitch(): React.ReactNode {
  const { t, i18n } = useTranslation('common');
  const current = currentLanguage(i18n);
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t('language.label')}</span>
      <select value={current} onChange={(event) => void i18n.changeLanguage(event.target.value)} data-testid="language-switch" aria-label={t('language.label')}>
        {LANGUAGES.map((lng) => (
          <option key={lng} value={lng}>
            {t(`language.${lng}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
