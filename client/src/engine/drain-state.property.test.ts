/**
 * The drain's state machine under random event sequences (STYLE.md §12).
 * A small world plays the I/O shell: it runs at most the passes the effects
 * ask for, keeps the one timer they set, fires it when time passes it, and
 * ends running passes with an answer, a failure or a refusal.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { backoffCeiling } from './backoff.ts';
import { INITIAL_DRAIN_STATE, drainTransition } from './drain-state.ts';
import type { DrainEvent, DrainPolicy, DrainState, DrainTrigger } from './drain-state.ts';

const POLICY: DrainPolicy = { intervalMs: 30_000, debounceMs: 20, backoff: { baseMs: 500, capMs: 60_000 } };
const transition = drainTransition(POLICY);

type Command =
  | { readonly type: 'trigger'; readonly trigger: Exclude<DrainTrigger, 'timer'> }
  /** Time passes; the timer fires if it falls due. */
  | { readonly type: 'advance'; readonly ms: number }
  | { readonly type: 'answer' }
  | { readonly type: 'end'; readonly end: 'drained' | 'failed' | 'refused'; readonly jitter: number }
  | { readonly type: 'stop' };

const PERSON_MADE = ['act', 'journal'] as const;
const RESTARTS = ['start', 'online', 'manual'] as const;
const trigger = fc.constantFrom(...PERSON_MADE, ...RESTARTS);
const jitter = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const advance = fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 70_000 })).map((ms) => ({ type: 'advance' as const, ms }));
const end = fc.record({ type: fc.constant('end' as const), end: fc.constantFrom('drained' as const, 'failed' as const, 'refused' as const), jitter });

const commandArb = (withStop: boolean): fc.Arbitrary<Command> =>
  fc.oneof(
    { weight: 4, arbitrary: trigger.map((t) => ({ type: 'trigger' as const, trigger: t })) },
    { weight: 3, arbitrary: advance },
    { weight: 2, arbitrary: fc.constant({ type: 'answer' as const }) },
    { weight: 3, arbitrary: end },
    { weight: withStop ? 1 : 0, arbitrary: fc.constant({ type: 'stop' as const }) },
  );
const commands = (withStop = true, maxLength = 40): fc.Arbitrary<Command[]> => fc.array(commandArb(withStop), { maxLength });

/** What a dispatch did, for the properties to judge. */
interface Dispatched {
  readonly before: DrainState;
  readonly event: DrainEvent;
  readonly after: DrainState;
  readonly passesStarted: number;
  readonly at: number;
}

class World {
  state: DrainState = INITIAL_DRAIN_STATE;
  now = 0;
  timer: number | null = null;
  running = false;
  passes = 0;
  readonly log: Dispatched[] = [];

  dispatch(event: DrainEvent): Dispatched {
    const before = this.state;
    const step = transition(before, event, this.now);
    this.state = step.state;
    let passesStarted = 0;
    for (const effect of step.effects) {
      switch (effect.type) {
        case 'pass':
          // Invariant 1: a pass is never asked for while one runs.
          expect(this.running).toBe(false);
          this.running = true;
          this.passes += 1;
          passesStarted += 1;
          break;
        case 'setTimer':
          this.timer = this.now + effect.ms;
          break;
        case 'clearTimer':
          this.timer = null;
          break;
      }
    }
    const entry = { before, event, after: this.state, passesStarted, at: this.now };
    this.log.push(entry);
    this.checkMirrors();
    return entry;
  }

  run(command: Command): void {
    switch (command.type) {
      case 'trigger':
        this.dispatch({ type: 'trigger', trigger: command.trigger });
        return;
      case 'advance': {
        const target = this.now + command.ms;
        if (this.timer !== null && this.timer <= target) {
          this.now = Math.max(this.now, this.timer);
          this.timer = null;
          this.dispatch({ type: 'trigger', trigger: 'timer' });
        }
        this.now = Math.max(this.now, target);
        return;
      }
      case 'answer':
        if (this.running) this.dispatch({ type: 'answered' });
        return;
      case 'end':
        if (!this.running) return;
        this.running = false;
        this.dispatch(command.end === 'failed' ? { type: 'failed', jitter: command.jitter } : { type: command.end });
        return;
      case 'stop':
        this.running = false;
        this.dispatch({ type: 'stop' });
        return;
    }
  }

  /** Gets to a pass that owes nothing: the running one drains (a pass owed starts fresh), else `sync()` starts one. */
  freshPass(): void {
    if (this.running) this.run({ type: 'end', end: 'drained', jitter: 0 });
    if (!this.running) this.dispatch({ type: 'trigger', trigger: 'manual' });
    expect(this.state).toMatchObject({ phase: 'passing', again: 'none', timerDue: null });
  }

  /** The state says what the world sees: a pass runs iff passing, the timer is where it says. */
  private checkMirrors(): void {
    if (this.state.phase === 'stopped') return;
    expect(this.state.phase === 'passing').toBe(this.running);
    const due = this.state.phase === 'halted' ? null : this.state.timerDue;
    expect(due).toBe(this.timer);
  }
}

const play = (world: World, list: readonly Command[]): World => {
  for (const command of list) world.run(command);
  return world;
};

describe('drain state (property)', () => {
  test('at most one pass runs at a time, and the state mirrors the running pass and the one timer', () => {
    fc.assert(
      fc.property(commands(true, 80), (list) => {
        const world = play(new World(), list);
        expect(world.log.every((entry) => entry.passesStarted <= 1)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  test('triggers during a pass that drains give exactly one more pass; none give none before the interval', () => {
    fc.assert(
      fc.property(commands(false), fc.array(fc.oneof(trigger.map((t) => ({ type: 'trigger' as const, trigger: t })), fc.integer({ min: 0, max: 30 }).map((ms) => ({ type: 'advance' as const, ms }))), { maxLength: 8 }), (prefix, during) => {
        const world = play(new World(), prefix);
        world.freshPass();
        world.run({ type: 'answer' });
        const triggered = during.some((command) => command.type === 'trigger');
        play(world, during);
        const before = world.passes;
        world.run({ type: 'end', end: 'drained', jitter: 0 });
        world.run({ type: 'advance', ms: POLICY.debounceMs });
        expect(world.passes - before).toBe(triggered ? 1 : 0);
        if (!triggered) return;
        // That one pass settles what was owed: once it drains, nothing follows until the interval.
        world.run({ type: 'end', end: 'drained', jitter: 0 });
        world.run({ type: 'advance', ms: POLICY.intervalMs - 1 });
        expect(world.passes - before).toBe(1);
        expect(world.timer).toBe(world.now + 1);
      }),
      { numRuns: 2_000 },
    );
  });

  test('after a failure, person-made triggers wait for the backoff; online, start and sync() go at once', () => {
    const personMade = fc.oneof(fc.constantFrom(...PERSON_MADE).map((t) => ({ type: 'trigger' as const, trigger: t })), fc.integer({ min: 0, max: 70_000 }).map((ms) => ({ type: 'advance' as const, ms })));
    fc.assert(
      fc.property(commands(false), jitter, fc.array(personMade, { maxLength: 10 }), fc.option(fc.constantFrom(...RESTARTS)), (prefix, draw, waiting, restart) => {
        const world = play(new World(), prefix);
        world.freshPass();
        const failures = world.state.phase === 'passing' ? world.state.failures + 1 : Number.NaN;
        world.run({ type: 'end', end: 'failed', jitter: draw });
        const due = world.timer;
        expect(world.state).toEqual({ phase: 'idle', failures, timerDue: due });
        const delay = (due ?? Number.NaN) - world.now;
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(backoffCeiling(failures, POLICY.backoff));
        const before = world.passes;
        for (const command of waiting) {
          world.run(command);
          if (world.passes > before) {
            // Only the backoff timer itself started it.
            expect(world.log.at(-1)).toMatchObject({ event: { type: 'trigger', trigger: 'timer' }, at: due });
            return;
          }
          expect(world.timer).toBe(due);
        }
        if (restart === null) return;
        world.run({ type: 'trigger', trigger: restart });
        expect(world.passes).toBe(before + 1);
        expect(world.state).toMatchObject({ phase: 'passing', failures: 0 });
      }),
      { numRuns: 2_000 },
    );
  });

  test('a refused batch halts everything until sync()', () => {
    const notSync = commandArb(false).filter((command) => !(command.type === 'trigger' && command.trigger === 'manual'));
    fc.assert(
      fc.property(commands(false), fc.array(notSync, { maxLength: 30 }), (prefix, afterwards) => {
        const world = play(new World(), prefix);
        world.freshPass();
        world.run({ type: 'end', end: 'refused', jitter: 0 });
        expect(world.state).toEqual({ phase: 'halted' });
        expect(world.timer).toBeNull();
        const before = world.passes;
        play(world, afterwards);
        expect(world.passes).toBe(before);
        expect(world.state).toEqual({ phase: 'halted' });
        world.run({ type: 'trigger', trigger: 'manual' });
        expect(world.passes).toBe(before + 1);
        expect(world.state).toMatchObject({ phase: 'passing', failures: 0 });
      }),
      { numRuns: 1_000 },
    );
  });

  test('nothing happens after stop: no pass, no timer, whatever comes', () => {
    const events: fc.Arbitrary<DrainEvent> = fc.oneof(
      fc.constantFrom<DrainTrigger>('start', 'act', 'journal', 'timer', 'online', 'manual').map((t) => ({ type: 'trigger' as const, trigger: t })),
      fc.constantFrom<DrainEvent>({ type: 'answered' }, { type: 'drained' }, { type: 'refused' }, { type: 'stop' }),
      jitter.map((j) => ({ type: 'failed' as const, jitter: j })),
    );
    fc.assert(
      fc.property(commands(true), fc.array(events, { maxLength: 30 }), (prefix, afterwards) => {
        const world = play(new World(), prefix);
        world.run({ type: 'stop' });
        expect(world.state).toEqual({ phase: 'stopped' });
        expect(world.timer).toBeNull();
        for (const event of afterwards) {
          const step = transition(world.state, event, world.now);
          expect(step.effects).toEqual([]);
          expect(step.state).toBe(world.state);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('drain state', () => {
  test('an act during a pass sets the debounce timer instead of queueing a pass at once', () => {
    const world = new World();
    world.dispatch({ type: 'trigger', trigger: 'start' });
    world.dispatch({ type: 'trigger', trigger: 'act' });
    expect(world.timer).toBe(POLICY.debounceMs);
    world.run({ type: 'end', end: 'drained', jitter: 0 });
    expect(world.passes).toBe(1);
    world.run({ type: 'advance', ms: POLICY.debounceMs });
    expect(world.passes).toBe(2);
  });

  test('sync() during a failing pass gets a pass of its own at once', () => {
    const world = new World();
    world.dispatch({ type: 'trigger', trigger: 'start' });
    world.dispatch({ type: 'trigger', trigger: 'manual' });
    world.run({ type: 'end', end: 'failed', jitter: 0.5 });
    expect(world.passes).toBe(2);
    expect(world.state).toMatchObject({ phase: 'passing', failures: 1 });
  });

  test.each(['drained', 'failed', 'refused'] as const)('a pass that %s is reported while idle changes nothing', (ended) => {
    const step = transition(INITIAL_DRAIN_STATE, ended === 'failed' ? { type: 'failed', jitter: 0 } : { type: ended }, 0);
    expect(step).toEqual({ state: INITIAL_DRAIN_STATE, effects: [] });
  });
});
