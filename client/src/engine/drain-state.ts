/**
 * When the drain runs, as one state and a pure transition; drainer.ts does
 * the I/O the effects ask for.
 *
 * Invariants:
 *  1. At most one pass at a time: `pass` is asked for on entering
 *     `passing`, or when the running pass has just ended and another must
 *     follow at once; only its end or `stop` leaves `passing`.
 *  2. However many triggers come during a pass, one more pass follows it
 *     once it drained (person-made ones through the debounce timer); a
 *     `sync()` during it gets one even if it fails.
 *  3. After a retryable failure the next pass waits for the backoff timer;
 *     person-made triggers (`act`, `journal`) neither start one nor move
 *     it, while `online`, `start` and `sync()` start over from zero.
 *  4. A refused batch halts everything until `sync()`.
 *  5. `stopped` is final: no pass, no timer.
 */
import { unreachable } from '@stint/shared';
import type { Millis } from '@stint/shared';
import { backoffDelay } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';

/** Why a pass should run. `manual` is `sync()`; `act` and `journal` are person-made. */
export type DrainTrigger = 'start' | 'act' | 'journal' | 'timer' | 'online' | 'manual';

/** What follows the running pass: nothing, one more pass if it drains, or one more pass whatever happens. */
export type Again = 'none' | 'ifDrained' | 'always';

/** `timerDue`: when the pending timer (interval, debounce or backoff) fires, on the timers' clock; null when none is set. */
export type DrainState =
  | { readonly phase: 'idle'; readonly failures: number; readonly timerDue: Millis | null }
  | { readonly phase: 'passing'; readonly failures: number; readonly again: Again; readonly timerDue: Millis | null }
  /** A batch was refused with a 4xx: retrying would only repeat it. */
  | { readonly phase: 'halted' }
  | { readonly phase: 'stopped' };

export type DrainEvent =
  | { readonly type: 'trigger'; readonly trigger: DrainTrigger }
  /** The server answered a push of the running pass. */
  | { readonly type: 'answered' }
  /** The running pass ended with nothing left to send. */
  | { readonly type: 'drained' }
  /** The running pass ended in a retryable failure; `jitter` in [0, 1) picks the backoff delay. */
  | { readonly type: 'failed'; readonly jitter: number }
  /** The running pass ended with its batch refused. */
  | { readonly type: 'refused' }
  | { readonly type: 'stop' };

export type DrainEffect =
  | { readonly type: 'pass' }
  /** Replaces the pending timer, if any. */
  | { readonly type: 'setTimer'; readonly ms: Millis }
  | { readonly type: 'clearTimer' };

export interface DrainStep {
  readonly state: DrainState;
  readonly effects: readonly DrainEffect[];
}

export interface DrainPolicy {
  /** Pause between passes while all is well (catches anything a trigger missed). */
  readonly intervalMs: Millis;
  /** Delay after a person-made trigger, so a burst of taps goes in one batch. */
  readonly debounceMs: Millis;
  readonly backoff: BackoffPolicy;
}

export type DrainTransition = (state: DrainState, event: DrainEvent, now: Millis) => DrainStep;

export const INITIAL_DRAIN_STATE: DrainState = { phase: 'idle', failures: 0, timerDue: null };

export function drainTransition(policy: DrainPolicy): DrainTransition {
  return (state, event, now) => {
    if (event.type === 'stop') return stop(state);
    switch (state.phase) {
      case 'idle':
        return fromIdle(state, event, now, policy);
      case 'passing':
        return fromPassing(state, event, now, policy);
      case 'halted':
        return event.type === 'trigger' && event.trigger === 'manual' ? pass(0, null) : same(state);
      case 'stopped':
        return same(state);
      default:
        return unreachable(state);
    }
  };
}

type Idle = Extract<DrainState, { phase: 'idle' }>;
type Passing = Extract<DrainState, { phase: 'passing' }>;
type NotStop = Exclude<DrainEvent, { type: 'stop' }>;

function fromIdle(state: Idle, event: NotStop, now: Millis, policy: DrainPolicy): DrainStep {
  // Only a running pass reports its end; elsewhere such an event changes nothing.
  if (event.type !== 'trigger') return same(state);
  switch (event.trigger) {
    case 'manual':
    case 'start':
    case 'online':
      return pass(0, state.timerDue);
    case 'timer':
      return pass(state.failures, state.timerDue);
    case 'act':
    case 'journal':
      return debounce(state, now, policy);
    default:
      return unreachable(event.trigger);
  }
}

function fromPassing(state: Passing, event: NotStop, now: Millis, policy: DrainPolicy): DrainStep {
  switch (event.type) {
    case 'trigger':
      switch (event.trigger) {
        case 'manual':
          return { state: { ...state, failures: 0, again: 'always' }, effects: [] };
        case 'start':
        case 'online':
          return { state: { ...state, failures: 0, again: atLeastIfDrained(state.again) }, effects: [] };
        case 'timer':
          return { state: { ...state, again: atLeastIfDrained(state.again), timerDue: null }, effects: [] };
        case 'act':
        case 'journal':
          return debounce(state, now, policy);
        default:
          return unreachable(event.trigger);
      }
    case 'answered':
      return { state: { ...state, failures: 0 }, effects: [] };
    case 'drained': {
      if (state.again !== 'none') return pass(state.failures, state.timerDue);
      const due = now + policy.intervalMs;
      // A sooner timer (a debounce set during the pass) stands.
      if (state.timerDue !== null && state.timerDue <= due) return { state: { phase: 'idle', failures: state.failures, timerDue: state.timerDue }, effects: [] };
      return { state: { phase: 'idle', failures: state.failures, timerDue: due }, effects: [{ type: 'setTimer', ms: policy.intervalMs }] };
    }
    case 'failed': {
      const failures = state.failures + 1;
      if (state.again === 'always') return pass(failures, state.timerDue);
      // The backoff replaces any sooner timer: a debounce must not jump it.
      const ms = backoffDelay(failures, () => event.jitter, policy.backoff);
      return { state: { phase: 'idle', failures, timerDue: now + ms }, effects: [{ type: 'setTimer', ms }] };
    }
    case 'refused':
      return { state: { phase: 'halted' }, effects: state.timerDue === null ? [] : [CLEAR_TIMER] };
    default:
      return unreachable(event);
  }
}

const PASS: DrainEffect = { type: 'pass' };
const CLEAR_TIMER: DrainEffect = { type: 'clearTimer' };

/** Person-made triggers wait a moment, and for the backoff after a failure. */
function debounce<S extends Idle | Passing>(state: S, now: Millis, policy: DrainPolicy): DrainStep {
  if (state.failures > 0) return same(state);
  const due = now + policy.debounceMs;
  if (state.timerDue !== null && state.timerDue <= due) return same(state);
  return { state: { ...state, timerDue: due }, effects: [{ type: 'setTimer', ms: policy.debounceMs }] };
}

function atLeastIfDrained(again: Again): Again {
  return again === 'always' ? 'always' : 'ifDrained';
}

/** A pass reads everything recorded so far, so the timer a trigger set is spent. */
function pass(failures: number, timerDue: Millis | null): DrainStep {
  return { state: { phase: 'passing', failures, again: 'none', timerDue: null }, effects: timerDue === null ? [PASS] : [CLEAR_TIMER, PASS] };
}

function stop(state: DrainState): DrainStep {
  if (state.phase === 'stopped') return same(state);
  const timerSet = (state.phase === 'idle' || state.phase === 'passing') && state.timerDue !== null;
  return { state: { phase: 'stopped' }, effects: timerSet ? [CLEAR_TIMER] : [] };
}

function same(state: DrainState): DrainStep {
  return { state, effects: [] };
}
