/**
 * Sending exactly the bytes a fuzz case means (TestApp.request always adds a
 * JSON content type to a body; a fuzzer must also send none, or a wrong
 * one), and the error contract every refusal must meet.
 *
 * Invariants:
 * 1. Every refusal, compat routes included, is `{error: {code, message,
 *    details?}}` with a SCREAMING_SNAKE code and a non-empty message
 *    (API.md "Conventions").
 * 2. The document is read from the app itself, never from a file.
 */
import { expect } from 'vitest';
import type { TestApp } from '../../server/src/testing/test-app.ts';
import { operationsOf } from './openapi-model.ts';
import type { OpenApiDocument, Operation } from './openapi-model.ts';

export const OPENAPI_PATH = '/api/openapi.json';

export interface RawRequest {
  /** The whole Authorization header value, or absent. */
  readonly authorization?: string;
  readonly body?: string;
  /** null: send the body with no Content-Type header at all. */
  readonly contentType?: string | null;
}

export interface RawResponse {
  readonly status: number;
  readonly text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  readonly json: unknown;
}

export async function send(t: TestApp, method: string, url: string, request: RawRequest = {}): Promise<RawResponse> {
  const headers = new Headers();
  if (request.authorization !== undefined) headers.set('authorization', request.authorization);
  if (request.body !== undefined && request.contentType !== null) headers.set('content-type', request.contentType ?? 'application/json');
  const res = await t.app.request(url, { method, headers, ...(request.body === undefined ? {} : { body: request.body }) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

export const bearer = (token: string): string => `Bearer ${token}`;

/** Invariant 1. */
export function expectErrorBody(res: RawResponse, what: string): void {
  const error = (res.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  expect(typeof error?.code === 'string' && /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(error.code), `${what}: error.code in ${res.text.slice(0, 300)}`).toBe(true);
  expect(typeof error?.message === 'string' && error.message !== '', `${what}: error.message in ${res.text.slice(0, 300)}`).toBe(true);
}

/** The app's operations, from its own document (invariant 2). */
export async function loadOperations(t: TestApp): Promise<Operation[]> {
  const res = await send(t, 'GET', OPENAPI_PATH);
  if (res.status !== 200) throw new Error(`${OPENAPI_PATH} answered ${res.status}`);
  return operationsOf(res.json as OpenApiDocument);
}
