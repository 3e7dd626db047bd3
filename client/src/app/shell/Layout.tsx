/**
 * The frame around every view: the sync bar on top (always visible), the
 * notice line for refused actions, the app's own notices (the stale prompt,
 * storage), the view, and the role's navigation — a bottom bar within thumb
 * reach on a phone, a top bar on a desktop.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { useNotice, useSignIn, useSignOut, useSyncStatus } from '../stint-context.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import type { NavItem } from './nav.ts';
import { SyncBar } from './SyncBar.tsx';

export function Layout(props: { nav: readonly NavItem[]; notices?: ReactNode; children: ReactNode }): ReactNode {
  const { t } = useTranslation('common');
  const signedIn = useSignIn();
  const signOut = useSignOut();
  const status = useSyncStatus();
  const [location] = useLocation();
  const { notice, clear } = useNotice();

  function confirmSignOut(): void {
    if (status.pending === 0 || window.confirm(t('signIn.signOutPending', { count: status.pending }))) signOut();
  }

  return (
    <div className="layout" data-role={signedIn.user.role}>
      <header className="top">
        <div className="top-row">
          <span className="brand">{t('app.name')}</span>
          <span className="who" data-testid="who">
            {signedIn.user.name} · {t(`role.${signedIn.user.role}`)}
          </span>
          <LanguageSwitch />
          <button type="button" className="link-button" onClick={confirmSignOut}>
            {t('signIn.signOut')}
          </button>
        </div>
        <SyncBar />
      </header>
      {notice !== null && (
        <div className="notice" role="alert" data-testid="notice" data-code={notice.code}>
          <span>{notice.message}</span>
          <button type="button" className="link-button" onClick={clear}>
            {t('notice.dismiss')}
          </button>
        </div>
      )}
      {props.notices}
      <main className="content">{props.children}</main>
      <nav className="bottom-nav" aria-label="main">
        {props.nav.map((item) => {
          const active = item.href === '/' ? location === '/' : location.startsWith(item.href);
          return (
            <Link key={item.href} href={item.href} className={active ? 'nav-item nav-item-active' : 'nav-item'} aria-current={active ? 'page' : undefined}>
              {t(`nav.${item.label}`)}
            </Link>
          );
        })}
      </nav>
    </div>
  );
}
