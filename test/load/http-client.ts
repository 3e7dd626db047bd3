/**
 * The load generator's HTTP client: Node's global fetch (undici, keep-alive
 * connections) behind a semaphore, so at most `concurrency` requests are on
 * the wire at once and at most that many sockets are open; the rest wait in
 * line in the client, as they would in a congested device queue.
 *
 * Invariants:
 *  1. Every request ends in exactly one recorded sample: its HTTP status, or
 *     `network:<code>` / `timeout` when there was no answer.
 *  2. Latency is measured from the moment the request was DUE (the device's
 *     schedule), not from when it got a connection, so a slow server cannot
 *     hide its backlog by slowing the generator down (no coordinated
 *     omission). The time on the wire is kept beside it as `serviceMs`.
 *  3. Never throws: a failure is a sample, and the caller gets `body:
 *     undefined`.
 */
import { performance } from 'node:perf_hooks';

export interface Sample {
  readonly kind: string;
  /** Milliseconds since the run started (performance.now() based). */
  readonly doneAt: number;
  readonly latencyMs: number;
  readonly serviceMs: number;
  /** '200', '409', 'network:ECONNRESET', 'timeout', … */
  readonly status: string;
  readonly ok: boolean;
}

export interface Answer {
  readonly ok: boolean;
  readonly status: string;
  readonly body: unknown;
}

export interface LoadClient {
  /** `dueAt` is performance.now() when the request should have left. */
  request(kind: string, method: string, path: string, token: string, body: unknown, dueAt: number): Promise<Answer>;
  readonly samples: Sample[];
  inFlight(): number;
  queued(): number;
}

export interface LoadClientOptions {
  readonly baseUrl: string;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** performance.now() at the start of the run; `doneAt` is relative to it. */
  readonly origin: number;
}

export function createLoadClient(options: LoadClientOptions): LoadClient {
  const samples: Sample[] = [];
  const waiting: (() => void)[] = [];
  let active = 0;

  const acquire = async (): Promise<void> => {
    if (active < options.concurrency) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) active -= 1;
    else next(); // hand the slot over: `active` stays the same
  };

  return {
    samples,
    inFlight: () => active,
    queued: () => waiting.length,
    async request(kind, method, path, token, body, dueAt) {
      await acquire();
      const sent = performance.now();
      let status: string;
      let parsed: unknown;
      let ok = false;
      try {
        const res = await fetch(`${options.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const text = await res.text();
        status = String(res.status);
        ok = res.ok;
        parsed = parseJson(text);
      } catch (error) {
        status = failureOf(error);
      } finally {
        release();
      }
      const done = performance.now();
      samples.push({ kind, doneAt: done - options.origin, latencyMs: done - dueAt, serviceMs: done - sent, status, ok });
      return { ok, status, body: parsed };
    },
  };
}

/** 'timeout' or 'network:<code>' (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, …). */
function failureOf(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.name : 'unknown';
  return `network:${code}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
