/**
 * Test support for the sync push: build intents and batches with explicit
 * device times, send them through the app, and read the answer. Used by the
 * push route, executor and round-trip tests (not by production code).
 */
import { randomUUID } from 'node:crypto';
import { toIso } from '@stint/shared';
import type { IntentArgs, IntentKind, Millis, Outcome } from '@stint/shared';
import type { TestApp, TestResponse } from '../testing/test-app.ts';

export interface RawIntent<A = unknown> {
  readonly id: string;
  readonly kind: string;
  readonly args: A;
  readonly occurred_at: string;
}

/** An intent of `kind` recorded at device time `at` (epoch ms); a fresh id unless given. */
export function intentAt<K extends IntentKind>(kind: K, args: IntentArgs<K>, at: Millis, id: string = randomUUID()): RawIntent<IntentArgs<K>> {
  return { id, kind, args, occurred_at: toIso(at) };
}

export interface BatchOptions {
  readonly device_id?: string;
  /** The device's clock when sending; default the app's clock (a device with a correct clock). */
  readonly sent_at?: Millis;
  readonly zone?: string;
}

/** POSTs a batch to /api/v1/sync/push. */
export function push(t: TestApp, token: string, intents: readonly unknown[], options: BatchOptions = {}): Promise<TestResponse> {
  const body = {
    device_id: options.device_id ?? 'device-1',
    sent_at: toIso(options.sent_at ?? t.clock()),
    intents,
    ...(options.zone === undefined ? {} : { zone: options.zone }),
  };
  return t.request('POST', '/api/v1/sync/push', { token, body });
}

/** Pushes and returns the outcomes, failing loudly unless the batch answered 200. */
export async function pushOk(t: TestApp, token: string, intents: readonly unknown[], options: BatchOptions = {}): Promise<Outcome[]> {
  const res = await push(t, token, intents, options);
  if (res.status !== 200) throw new Error(`push answered ${res.status}: ${JSON.stringify(res.body)}`);
  // This server sends only codes of the closed set (push.ts invariant 5).
  return (res.body as { data: { outcomes: Outcome[] } }).data.outcomes;
}

/** Pushes one intent and returns its outcome. */
export async function pushOne(t: TestApp, token: string, intent: RawIntent, options: BatchOptions = {}): Promise<Outcome> {
  const [outcome] = await pushOk(t, token, [intent], options);
  if (outcome === undefined) throw new Error('push answered no outcome');
  return outcome;
}

/** Pushes one intent that must be accepted (with or without adjustment). */
export async function apply<K extends IntentKind>(t: TestApp, token: string, kind: K, args: IntentArgs<K>, at: Millis = t.clock()): Promise<Outcome> {
  const outcome = await pushOne(t, token, intentAt(kind, args, at));
  if (outcome.status === 'rejected') throw new Error(`${kind} rejected: ${outcome.code} ${outcome.message} ${JSON.stringify(outcome.details ?? {})}`);
  return outcome;
}
