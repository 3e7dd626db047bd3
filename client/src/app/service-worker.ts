/** Registers the service worker that caches the app shell (issue 6 item 4). Filled in with the build setup. */
export function registerServiceWorker(): void {}
