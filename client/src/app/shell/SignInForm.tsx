/** The sign-in screen: an access token (or a sign-in link `/#token=…`, read by App before this shows). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SignInError, signIn } from '../sign-in.ts';
import type { SignIn } from '../sign-in.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function SignInForm(props: { onSignedIn: (signedIn: SignIn) => void; initialError?: string | null }): React.ReactNode {
  const { t } = useTranslation('common');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(props.initialError ?? null);

  async function submit(event: React.FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await signIn(token));
    } catch (err) {
      setError(err instanceof SignInError ? t(`signIn.${err.reason}`) : t('signIn.unexpected'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="card" onSubmit={(event) => void submit(event)}>
        <h1>{t('signIn.title')}</h1>
        <label htmlFor="token">{t('signIn.tokenLabel')}</label>
        <input id="token" name="token" type="password" autoComplete="off" value={token} onChange={(event) => setToken(event.target.value)} required />
        <p className="muted">{t('signIn.tokenHelp')}</p>
        {error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy || token.trim() === ''}>
          {busy ? t('signIn.busy') : t('signIn.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
