/**
 * How the drain reaches the server: `POST {baseUrl}/api/v1/sync/push`
 * (API.md "Sync push") with the user's bearer token. Any transport with the
 * same `push` works (tests pass an in-memory server).
 *
 * Invariants:
 *  1. A push either answers with a parsed `PushResponse` or throws a
 *     `TransportError` saying whether retrying can help.
 *  2. Retryable: no connection, timeouts, 5xx, 408, 429, and 2xx answers
 *     that are not the push contract (a captive portal's HTML page).
 *     Not retryable: any other 4xx — the server refused the whole batch,
 *     which is a bug or a lost sign-in, never bad luck.
 */
import { PushResponseSchema } from '@stint/shared';
import type { PushRequest, PushResponse } from '@stint/shared';

export interface Transport {
  push(request: PushRequest): Promise<PushResponse>;
}

export const TransportErrorKind = { network: 'network', server: 'server', refused: 'refused' } as const;
export type TransportErrorKind = (typeof TransportErrorKind)[keyof typeof TransportErrorKind];

export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly kind: TransportErrorKind;
  /** HTTP status, when there was an answer. */
  readonly status: number | null;
  /** The server's error code, when it sent one. */
  readonly code: string | null;

  constructor(kind: TransportErrorKind, message: string, status: number | null = null, code: string | null = null) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.code = code;
  }

  get retryable(): boolean {
    return this.kind !== TransportErrorKind.refused;
  }
}

/** Any failure as a TransportError; unknown throws count as network failures (retried). */
export function asTransportError(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  return new TransportError(TransportErrorKind.network, error instanceof Error ? error.message : String(error));
}

type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}>;

export interface HttpTransportOptions {
  /** Origin of the Stint server, e.g. `https://stint.example.com` ('' for same origin). */
  readonly baseUrl: string;
  /** The bearer token, read on every push so a refreshed token is picked up. */
  readonly token: string | (() => string | Promise<string>);
  readonly fetch?: FetchLike;
  /** Abort a push that has not answered after this long (default 30 s). */
  readonly timeoutMs?: number;
}

export function httpTransport(options: HttpTransportOptions): Transport {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/api/v1/sync/push`;
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    async push(request) {
      const token = typeof options.token === 'string' ? options.token : await options.token();
      let res: Awaited<ReturnType<FetchLike>>;
      let text: string;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await res.text();
      } catch (error) {
        throw new TransportError(TransportErrorKind.network, `No connection to the server: ${error instanceof Error ? error.message : String(error)}`);
      }
      const body = parseJson(text);
      if (!res.ok) throw httpError(res.status, body);
      const parsed = PushResponseSchema.safeParse((body as { data?: unknown } | undefined)?.data);
      if (!parsed.success) throw new TransportError(TransportErrorKind.server, 'The server answered with something that is not a sync response', res.status);
      return parsed.data;
    },
  };
}

function httpError(status: number, body: unknown): TransportError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : null;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  const retryable = status >= 500 || status === 408 || status === 429;
  return new TransportError(retryable ? TransportErrorKind.server : TransportErrorKind.refused, message, status, code);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
