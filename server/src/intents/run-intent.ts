/**
 * How a REST route changes state: it builds an intent and runs it through
 * the same executor as the sync push endpoint (one transaction, server time,
 * device "api"), so routes never fork a rule and every change is logged in
 * applied_intents. A rejection is thrown as its DomainError, which the app's
 * one error handler maps to HTTP.
 *
 *   const { effects } = await runIntent(deps, currentUser(c), 'work.start', { task_id });
 */
import { randomUUID } from 'node:crypto';
import { domainError } from '@stint/shared';
import type { Effect, IntentArgs, IntentKind, Outcome, UserRow } from '@stint/shared';
import type { AppDeps } from '../http/env.ts';
import { executeIntent, intentTiming } from './execute.ts';
import { withRetry } from './push-batch.ts';

/** The device id REST calls are recorded under. */
export const API_DEVICE_ID = 'api';

export interface RanIntent {
  readonly id: string;
  readonly outcome: Outcome;
  readonly effects: readonly Effect[];
}

export async function runIntent<K extends IntentKind>(
  deps: Pick<AppDeps, 'sql' | 'clock' | 'config'> & Partial<Pick<AppDeps, 'metrics' | 'logger'>>,
  user: Pick<UserRow, 'id' | 'role'>,
  kind: K,
  args: IntentArgs<K>,
  options: { readonly id?: string; readonly zone?: string } = {},
): Promise<RanIntent> {
  const id = options.id ?? randomUUID();
  const now = deps.clock();
  const executed = await withRetry(() => deps.sql.begin((tx) =>
    executeIntent(tx, {
      raw: { id, kind, args, occurred_at: new Date(now).toISOString() },
      actor: { user_id: user.id, role: user.role },
      deviceId: API_DEVICE_ID,
      zone: options.zone ?? 'UTC',
      timing: intentTiming(deps.config, now),
      onInternalError: (err) => deps.logger?.error({ err, intent_id: id, kind }, 'intent rejected by an internal error'),
    }),
  ));
  const { outcome } = executed;
  if (!executed.replayed) deps.metrics?.recordOutcome(outcome);
  if (outcome.status === 'rejected') throw domainError(outcome.code, outcome.message, outcome.details);
  return { id, outcome, effects: executed.effects };
}
