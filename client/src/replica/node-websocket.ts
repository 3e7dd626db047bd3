/**
 * Zero in Node (tests, simulations): the `ws` package as the global
 * WebSocket. Node 22's built-in WebSocket never fires `close` on a refused
 * connection, so Zero would hang 10 s per attempt (ENVIRONMENT.md); `ws`
 * emits errors as events, so each socket gets a no-op error listener — Zero
 * reacts to the `close` that follows, and an unhandled 'error' event would
 * otherwise crash the process.
 */
import WebSocket from 'ws';

class QuietWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('error', () => undefined);
  }
}

/** Installs `ws` as `globalThis.WebSocket` (idempotent). Browsers keep theirs: never call this there. */
export function useNodeWebSocket(): void {
  (globalThis as { WebSocket?: unknown }).WebSocket = QuietWebSocket;
}
