/**
 * The multi-device simulation (issue 7 item 1): one seed drives a few
 * devices — several per worker, a supervisor's — each a real engine, against
 * the real server and Postgres, through a network the simulator controls.
 *
 * A seed: choose the server's look-back window and stale cutoff, the users
 * and their devices (sim-setup.ts); the supervisor journals the day's work
 * and it drains online; then 30–60 random steps (sim-steps.ts) — acts of
 * every intent kind from each device's own view, drains, deliveries with
 * their fates (sim-courier.ts: lost, answer lost, duplicated, straying and
 * arriving late, a server crash in the middle of a batch), reordering between
 * devices, partitions, replication rounds, clock advances and jumps, reloads
 * in the middle of a drain, server restarts, scheduler periods, dismissed
 * rejections; then the network heals and every device drains.
 *
 * Invariants checked (a failure stops the seed with a message and a trace):
 *  1. After every step that reached the server: I1–I8, history order and
 *     the oracle fold on the database (sim-checks.ts); after every step:
 *     every device's view is a possible state.
 *  2. On every delivery: answers equal stored outcomes, the fold agrees with
 *     every verdict, effective times respect DESIGN §3 (sim-courier.ts).
 *  3. At the end: I9 and the views (sim-final.ts); no evidence of work lost
 *     and no time invented, judged from what the devices observed (sim-evidence.ts).
 *
 * Determinism: all randomness comes from the seed; the server clock and the
 * device clocks are virtual; drain passes run only when the simulator starts
 * them and block on the simulated network; the simulator waits for each
 * device to block or finish before its next decision, and delivers one
 * request at a time. A seed replays the same run.
 */
import { emptyState } from '@stint/shared';
import { createRng } from './prng.ts';
import type { Rng } from './prng.ts';
import { snapshotViolations, viewViolations } from './sim-checks.ts';
import { Courier } from './sim-courier.ts';
import type { SimDevice } from './sim-device.ts';
import { evidenceViolations } from './sim-evidence.ts';
import { finalViolations } from './sim-final.ts';
import { SimFailure, SimLog } from './sim-log.ts';
import { SimNetwork } from './sim-network.ts';
import { Oracle } from './sim-oracle.ts';
import type { SimServer, Snapshot } from './sim-server.ts';
import { castOf, journalTheDay } from './sim-setup.ts';
import { seedStats } from './sim-stats.ts';
import type { SimStats } from './sim-stats.ts';
import { randomStep } from './sim-steps.ts';
import type { StepContext } from './sim-steps.ts';

export interface SimOptions {
  /** Random steps after the set-up (default: 30–60, drawn from the seed). */
  readonly steps?: number;
  /** Real time a device may take to block on the network or finish, before the seed fails as hung. */
  readonly hangMs?: number;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly failure: string | null;
  readonly trace: readonly string[];
  readonly stats: SimStats;
}

export async function runSeed(server: SimServer, seed: number, options: SimOptions = {}): Promise<SimResult> {
  const sim = new Simulation(server, seed, options);
  try {
    await sim.run();
    return sim.result(null);
  } catch (error) {
    const what = error instanceof SimFailure ? error.message : `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    return sim.result(`after step ${sim.step}: ${what}`);
  } finally {
    await sim.shutdown();
  }
}

/**
 * The shortest run of a failed seed that still fails: the same seed with
 * only its first k random steps, then the final heal-and-drain. A failure
 * during the steps already ends its trace at the failing step; a failure at
 * the end is rerun with k = 0, 1, … until one fails.
 */
export async function shrinkSeed(server: SimServer, failed: SimResult): Promise<SimResult> {
  if (failed.ok || failed.stats.steps === 0) return failed;
  const failedAt = Number(/^after step (\d+):/.exec(failed.failure ?? '')?.[1] ?? Number.NaN);
  if (failedAt <= failed.stats.steps) return failed;
  for (let steps = 0; steps < failed.stats.steps; steps++) {
    const shorter = await runSeed(server, failed.seed, { steps });
    if (!shorter.ok) return shorter;
  }
  return failed;
}

/** A failed seed for a person: the seed, how to replay it, the failure, the last steps. */
export function describeFailure(result: SimResult, lastSteps = 40): string {
  const trace = result.trace.slice(-lastSteps);
  return [
    `seed ${result.seed} failed: ${result.failure ?? '(no failure)'}`,
    `replay: SIM_SEED=${result.seed}${result.stats.steps === result.stats.drawnSteps ? '' : ` SIM_STEPS=${result.stats.steps}`} npx vitest run test/sim/sim.pg.test.ts (${result.stats.devices} devices, ${result.stats.steps} steps)`,
    `last ${trace.length} of ${result.trace.length} trace lines:`,
    ...trace.map((line) => `  ${line}`),
  ].join('\n');
}

class Simulation implements StepContext {
  readonly server: SimServer;
  readonly rng: Rng;
  readonly actRng: Rng;
  readonly network = new SimNetwork();
  readonly oracle: Oracle;
  readonly log = new SimLog();
  readonly courier: Courier;
  devices: readonly SimDevice[] = [];
  userIds: readonly string[] = [];
  private readonly seed: number;
  private readonly prefix: string;
  private readonly hangMs: number;
  private readonly stepCount: number;
  private readonly drawnSteps: number;
  private last: Snapshot | null = null;
  private entityIds = 0;

  constructor(server: SimServer, seed: number, options: SimOptions) {
    this.server = server;
    this.seed = seed;
    this.rng = createRng(seed);
    this.actRng = this.rng.fork('acts');
    this.oracle = new Oracle(() => server.staleCutoffMs);
    this.courier = new Courier(server, this.oracle, this.rng.fork('network'), this.log);
    this.prefix = `s${seed}-`;
    this.hangMs = options.hangMs ?? 15_000;
    // Drawn even when overridden, so a shorter run of the seed replays the same first steps (shrinkSeed).
    this.drawnSteps = this.rng.between(30, 60);
    this.stepCount = options.steps ?? this.drawnSteps;
  }

  async run(): Promise<void> {
    const lookBackS = this.rng.weighted([[3, undefined], [1, 3600], [1, 600]] as const);
    const staleCutoffS = this.rng.weighted([[3, undefined], [1, 1800]] as const);
    await this.server.reset({ ...(lookBackS === undefined ? {} : { lookBackS }), ...(staleCutoffS === undefined ? {} : { staleCutoffS }) });
    this.log.log(`server: look-back ${this.server.config.LOOK_BACK_S} s, stale cutoff ${this.server.config.STALE_CUTOFF_S} s`);
    const cast = castOf(this.server, this.network, this.rng, this.prefix, this.log);
    this.devices = cast.devices;
    this.userIds = cast.users.map((u) => u.id);
    for (const device of this.devices) {
      await this.within(device.open(), `${device.name}'s engine to open and take the drain lock`);
      await this.follow(device);
    }
    const desk = this.devices.find((d) => d.user.role !== 'worker');
    if (desk === undefined) throw new SimFailure('no supervisor device');
    await journalTheDay(desk, cast.users, this.rng, (tag) => this.fresh(tag), this.server.clock(), this.log);
    await this.drainHealthy(desk);
    await this.check();
    for (const device of this.devices) this.replicate(device);

    for (this.log.step = 1; this.log.step <= this.stepCount; this.log.step++) {
      await randomStep(this);
      if (this.courier.dirty) await this.check();
      this.checkViews();
    }
    await this.finish();
  }

  /** The step being run: 0 is the set-up, steps + 1 the final heal-and-drain. */
  get step(): number {
    return this.log.step;
  }

  result(failure: string | null): SimResult {
    return {
      seed: this.seed,
      ok: failure === null,
      failure,
      trace: this.log.trace,
      stats: seedStats({
        devices: this.devices.length,
        steps: this.stepCount,
        drawnSteps: this.drawnSteps,
        intents: this.devices.reduce((n, d) => n + d.journaled.length, 0),
        deliveries: this.courier.deliveries,
        decided: [...this.oracle.decided.values()],
        last: this.last?.state ?? null,
        counts: this.log.counts,
      }),
    };
  }

  /** Answers whatever is still in flight (nothing stays pending) and closes every engine. */
  async shutdown(): Promise<void> {
    for (const device of this.devices) {
      for (let inFlight = this.network.take(device.name); inFlight !== undefined; inFlight = this.network.take(device.name)) inFlight.settle(null);
      await device.close().catch(() => undefined);
    }
    await this.server.disarmCrash().catch(() => undefined);
  }

  async follow(device: SimDevice): Promise<void> {
    // Never by polling: SimNetwork.arrival resolves when the device queues a push.
    while (device.drive !== null && !this.network.has(device.name)) {
      await this.within(Promise.race([device.drive, this.network.arrival(device.name)]), `${device.name} to block on the network or finish its drain`);
    }
  }

  async within<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SimFailure(`hung waiting for ${what} (${this.hangMs} ms)`)), this.hangMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  fresh(tag: string): string {
    this.entityIds += 1;
    return `${this.prefix}${tag}${this.entityIds}`;
  }

  replicate(device: SimDevice): void {
    if (this.last !== null) device.replica.replicate(this.last);
  }

  /** Drains a device completely over a healthy network. */
  private async drainHealthy(device: SimDevice): Promise<void> {
    for (let round = 0; round < 20; round++) {
      device.startDrive(false);
      await this.follow(device);
      for (let inFlight = this.network.take(device.name); inFlight !== undefined; inFlight = this.network.take(device.name)) {
        this.log.log(`${device.name} push [${(JSON.parse(inFlight.body) as { intents: { id: string }[] }).intents.map((i) => i.id).join(' ')}] (healthy network): delivered`);
        inFlight.settle(await this.courier.send(device, inFlight.body));
        await this.follow(device);
      }
      if (device.engine?.status.getSnapshot().pending === 0 && device.drive === null) return;
    }
    throw new SimFailure(`${device.name} still has ${device.engine?.status.getSnapshot().pending ?? '?'} pending intents after draining on a healthy network`);
  }

  private async check(): Promise<void> {
    const snapshot = await this.server.snapshot(this.prefix);
    const violations = snapshotViolations(snapshot, this.last?.state ?? emptyState(), this.oracle);
    this.last = snapshot;
    this.courier.dirty = false;
    if (violations.length > 0) this.fail(violations);
  }

  private checkViews(): void {
    for (const device of this.devices) {
      if (device.engine === null) continue;
      const violations = viewViolations(device.engine.view.getSnapshot(), device.actor);
      if (violations.length > 0) this.fail(violations.map((v) => `${device.name}'s view shows an impossible state: ${v}`));
    }
  }

  /** The network heals, strays arrive, every device drains, replicas catch up: then I9 and the views. */
  private async finish(): Promise<void> {
    this.log.log('— the network heals; every device drains —');
    for (const device of this.devices) device.partitioned = false;
    while (this.courier.strays.length > 0) await this.courier.deliverStray();
    for (const device of this.devices) await this.drainHealthy(device);
    await this.check();
    const snapshot = this.last;
    if (snapshot === null) throw new SimFailure('no snapshot at the end');
    for (const device of this.devices) this.replicate(device);
    const violations = [...(await finalViolations(this.devices, snapshot)), ...(await evidenceViolations(this.server.sql, snapshot.state))];
    if (violations.length > 0) this.fail(violations);
    const pruned = this.devices.reduce((n, d) => n + d.pruned.length, 0);
    for (let i = 0; i < pruned; i++) this.log.count('settled row pruned');
    this.log.log(`end: ${snapshot.applied.size} outcomes, ${this.courier.deliveries} deliveries, ${pruned} settled rows pruned`);
  }

  private fail(violations: readonly string[]): never {
    const more = violations.length > 8 ? ` (+${violations.length - 8} more)` : '';
    throw new SimFailure(`${violations.slice(0, 8).join('; ')}${more}`);
  }
}
