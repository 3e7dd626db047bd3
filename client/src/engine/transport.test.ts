import { describe, expect, test } from 'vitest';
import type { PushRequest } from '@stint/shared';
import { TransportError, asTransportError, httpTransport } from './transport.ts';

const request: PushRequest = { device_id: 'd1', sent_at: '2026-11-02T09:00:00.000Z', zone: 'UTC', intents: [] };

function fakeFetch(status: number, body: string, seen: { url?: string; init?: { headers: Record<string, string>; body: string } } = {}) {
  return async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
    seen.url = url;
    seen.init = init;
    return { ok: status >= 200 && status < 300, status, text: async () => body };
  };
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw error;
  }
  throw new Error('expected a TransportError');
}

describe('http transport', () => {
  test('posts the batch as JSON with the bearer token to /api/v1/sync/push and parses the answer', async () => {
    const seen: Parameters<typeof fakeFetch>[2] = {};
    const answer = { data: { server_time: '2026-11-02T09:00:01.000Z', outcomes: [{ id: 'i1', status: 'accepted', effective_at: '2026-11-02T09:00:01.000Z', extra: 1 }] } };
    const transport = httpTransport({ baseUrl: 'http://stint.test/', token: () => 'tok', fetch: fakeFetch(200, JSON.stringify(answer), seen) });
    const response = await transport.push(request);
    expect(seen.url).toBe('http://stint.test/api/v1/sync/push');
    expect(seen.init?.headers).toMatchObject({ authorization: 'Bearer tok', 'content-type': 'application/json' });
    expect(JSON.parse(seen.init?.body ?? '')).toEqual(request);
    expect(response.outcomes).toEqual([{ id: 'i1', status: 'accepted', effective_at: '2026-11-02T09:00:01.000Z' }]);
  });

  test.each([
    [503, 'server', true],
    [500, 'server', true],
    [429, 'server', true],
    [408, 'server', true],
    [400, 'refused', false],
    [401, 'refused', false],
    [413, 'refused', false],
  ] as const)('HTTP %i is a %s error (retryable: %s)', async (status, kind, retryable) => {
    const body = JSON.stringify({ error: { code: 'SOME_CODE', message: 'nope' } });
    const error = await failure(httpTransport({ baseUrl: '', token: 't', fetch: fakeFetch(status, body) }).push(request));
    expect(error).toMatchObject({ kind, status, code: 'SOME_CODE', message: 'nope' });
    expect(error.retryable).toBe(retryable);
  });

  test('a 200 that is not the push contract (a captive portal page) is retried, not trusted', async () => {
    const error = await failure(httpTransport({ baseUrl: '', token: 't', fetch: fakeFetch(200, '<html>Sign in to the Wi-Fi</html>') }).push(request));
    expect(error).toMatchObject({ kind: 'server', retryable: true });
  });

  test('no connection is a network error', async () => {
    const fetch = async () => Promise.reject(new TypeError('fetch failed'));
    const error = await failure(httpTransport({ baseUrl: '', token: 't', fetch }).push(request));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toMatch(/fetch failed/);
  });

  test('anything else thrown counts as a network failure', () => {
    expect(asTransportError(new Error('socket hang up'))).toMatchObject({ kind: 'network', message: 'socket hang up' });
    const original = new TransportError('refused', 'x', 400);
    expect(asTransportError(original)).toBe(original);
  });
});
