import type { DomainError } from './errors.ts';

/** The outcome of every pure rule: a value, or the domain error that refused it. */
export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly adjustment?: string }
  | { readonly ok: false; readonly error: DomainError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/**
 * Accepted, but not exactly as asked (e.g. an extension cut short by a later
 * event): the outcome is `accepted_with_adjustment` and the message says why.
 */
export function adjusted<T>(value: T, adjustment: string): Result<T> {
  return { ok: true, value, adjustment };
}

export function err<T = never>(error: DomainError): Result<T> {
  return { ok: false, error };
}

/** Chains a rule that may fail after one that succeeded. */
export function andThen<T, U>(result: Result<T>, next: (value: T) => Result<U>): Result<U> {
  return result.ok ? next(result.value) : result;
}
