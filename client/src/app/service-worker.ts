/**
 * Registers the service worker that caches the app shell,
 * so the app opens with no network after one visit. The worker itself is
 * generated at build time by vite-plugin-pwa (vite.config.ts: precache of the
 * built html/js/css/icons, navigations → cached index.html except /api,
 * /metrics, /healthz, /docs).
 *
 * Invariants:
 *  1. Registration never blocks or breaks the app: a browser without service
 *     workers, or a failed registration, leaves an app that works online.
 *  2. A new build activates on its own (autoUpdate); nothing of the person's
 *     work is in the page — it is in the IndexedDB journal — so the reload
 *     that follows loses nothing.
 */
import { registerSW } from 'virtual:pwa-register';

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({
    immediate: true,
    onRegisterError: (error: unknown) => console.warn('service worker registration failed', error),
  });
}
