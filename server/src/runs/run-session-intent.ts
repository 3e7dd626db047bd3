/**
 * Runs one seed 001 intent (run.* / sop.*) for a REST route through the
 * executor (`runIntent`), and puts the refusal's details in wire form: the
 * rules' details carry epoch-ms times (SESSION_LOCKED's `locked_at`), the
 * API sends ISO-8601 UTC.
 */
import { domainError, isDomainError } from '@stint/shared';
import type { IntentArgs, IntentKind, UserRow } from '@stint/shared';
import type { AppDeps } from '../http/env.ts';
import { runIntent } from '../intents/run-intent.ts';
import type { RanIntent } from '../intents/run-intent.ts';
import { wireTimeDetails } from './wire-times.ts';

export async function runSeedIntent<K extends IntentKind>(
  deps: Pick<AppDeps, 'sql' | 'clock' | 'config'>,
  user: Pick<UserRow, 'id' | 'role'>,
  kind: K,
  args: IntentArgs<K>,
): Promise<RanIntent> {
  try {
    return await runIntent(deps, user, kind, args);
  } catch (error) {
    if (isDomainError(error)) throw domainError(error.code, error.message, wireTimeDetails(error.details));
    throw error;
  }
}
