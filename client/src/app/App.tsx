/**
 * The app: sign in (once, online), then start the person's runtime and show
 * the views of their role. Everything after sign-in works offline.
 *
 * Invariants:
 *  1. One runtime per sign-in; signing out closes it before the sign-in is
 *     forgotten (the journal stays on the device, per user).
 *  2. A sign-in link (`/#token=…`) is read once and removed from the
 *     address, so the token does not linger in history.
 *  3. When the browser comes back online the engine drains at once instead
 *     of waiting out its backoff.
 *  4. Once signed in, the app asks the browser to keep its storage
 *     (storage-persistence.ts); a refusal is said once, until dismissed.
 */
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Switch } from 'wouter';
import { useHeartbeats } from './heartbeats.ts';
import { startRuntime } from './runtime.ts';
import type { Runtime } from './runtime.ts';
import { SignInError, clearSignIn, isSupervisor, loadSignIn, saveSignIn, signIn, tokenFromLocation } from './sign-in.ts';
import type { SignIn } from './sign-in.ts';
import { InboxView } from './shell/InboxView.tsx';
import { Layout } from './shell/Layout.tsx';
import { SignInForm } from './shell/SignInForm.tsx';
import { StalePromptView } from './shell/StalePrompt.tsx';
import { StorageNotice } from './shell/StorageNotice.tsx';
import { Persistence, dismissStorageNotice, requestPersistentStorage, storageNoticeDismissed } from './storage-persistence.ts';
import type { StorageManagerLike } from './storage-persistence.ts';
import { StintProvider } from './stint-context.tsx';
import { SupervisorRoutes, supervisorNav } from './supervisor/SupervisorApp.tsx';
import { WorkerRoutes, workerNav } from './worker/WorkerApp.tsx';

/** `storageManager`: where to ask for persistent storage (default the browser's `navigator.storage`). */
export function App(props: { storageManager?: StorageManagerLike }): ReactNode {
  const { t } = useTranslation('common');
  const storageManager = props.storageManager ?? (navigator as { storage?: StorageManagerLike }).storage;
  const [signedIn, setSignedIn] = useState<SignIn | null>(() => loadSignIn(window.localStorage));
  const [linkPending, setLinkPending] = useState(() => tokenFromLocation(window.location) !== null);
  const [linkError, setLinkError] = useState<string | null>(null);

  useEffect(() => {
    const token = tokenFromLocation(window.location);
    if (token === null) return;
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    signIn(token)
      .then((next) => {
        saveSignIn(window.localStorage, next);
        setSignedIn(next);
      })
      .catch((err: unknown) => setLinkError(err instanceof SignInError ? t(`signIn.${err.reason}`) : t('signIn.unexpected')))
      .finally(() => setLinkPending(false));
  }, [t]);

  if (linkPending) return <Loading />;
  if (signedIn === null) {
    return (
      <SignInForm
        initialError={linkError}
        onSignedIn={(next) => {
          saveSignIn(window.localStorage, next);
          setSignedIn(next);
        }}
      />
    );
  }
  return (
    <SignedInApp
      key={signedIn.user.id}
      signedIn={signedIn}
      storageManager={storageManager}
      onSignOut={() => {
        clearSignIn(window.localStorage);
        setSignedIn(null);
      }}
    />
  );
}

function SignedInApp(props: { signedIn: SignIn; storageManager: StorageManagerLike | undefined; onSignOut: () => void }): ReactNode {
  const [runtime, setRuntime] = useState<Runtime | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [persistence, setPersistence] = useState<Persistence | null>(null);
  const { signedIn, storageManager, onSignOut } = props;

  useEffect(() => {
    let live = true;
    void requestPersistentStorage(storageManager).then((result) => live && setPersistence(result));
    return () => {
      live = false;
    };
  }, [signedIn, storageManager]);

  useEffect(() => {
    let live: Runtime | null = null;
    let cancelled = false;
    startRuntime(signedIn)
      .then((started) => {
        if (cancelled) void started.close();
        else {
          live = started;
          setRuntime(started);
        }
      })
      .catch((err: unknown) => setFailure(err instanceof Error ? err.message : String(err)));
    return () => {
      cancelled = true;
      if (live !== null) void live.close();
    };
  }, [signedIn]);

  if (failure !== null) return <p role="alert" className="error">{failure}</p>;
  if (runtime === null) return <Loading />;
  return (
    <StintProvider runtime={runtime} signOut={onSignOut}>
      <Running runtime={runtime} storageRefused={persistence === Persistence.refused} />
    </StintProvider>
  );
}

function Running(props: { runtime: Runtime; storageRefused: boolean }): ReactNode {
  const { runtime } = props;
  const userId = runtime.signedIn.user.id;
  const supervisor = isSupervisor(runtime.signedIn);
  const [noticeDismissed, setNoticeDismissed] = useState(() => storageNoticeDismissed(window.localStorage, userId));
  useHeartbeats(runtime.engine, runtime.signedIn.user.id);
  useEffect(() => {
    const onOnline = (): void => void runtime.engine.sync();
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [runtime]);
  return (
    <Layout
      nav={supervisor ? supervisorNav : workerNav}
      notices={
        <>
          <StalePromptView />
          {props.storageRefused && !noticeDismissed && (
            <StorageNotice
              onDismiss={() => {
                dismissStorageNotice(window.localStorage, userId);
                setNoticeDismissed(true);
              }}
            />
          )}
        </>
      }
    >
      <Switch>
        <Route path="/inbox">
          <InboxView />
        </Route>
        <Route>{supervisor ? <SupervisorRoutes /> : <WorkerRoutes />}</Route>
      </Switch>
    </Layout>
  );
}

function Loading(): ReactNode {
  const { t } = useTranslation('common');
  return (
    <p className="loading" role="status">
      {t('app.loading')}
    </p>
  );
}
