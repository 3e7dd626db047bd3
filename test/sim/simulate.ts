/**
 * The multi-device simulation (issue 7 item 1): one seed drives a few
 * devices — several per worker, a supervisor's — each a real engine, against
 * the real server and Postgres, through a network the simulator controls.
 *
 * A seed: pick users and devices (zones, clock skews up to ±2 h, batch
 * sizes); the supervisor sets up tasks, checklists, an SOP and bookings
 * online; then a fixed number of random steps — acts of every intent kind
 * from each device's own view, drains, deliveries with faults (lost request,
 * lost answer, duplicate, stray copy delivered later, server crash in the
 * middle of a batch), reordering between devices, partitions, replication
 * rounds, clock advances and jumps, device reloads in the middle of a
 * drain, server restarts, scheduler periods (stale-session and booking
 * sweeps), dismissed rejections; then the network heals and every device
 * drains.
 *
 * Invariants checked (a failure stops the seed with a message and a trace):
 *  1. After every step that reached the server: I1–I8 on the database
 *     (sim-checks.ts), and the oracle fold equals the database. After every
 *     step: each device's local view is a possible state.
 *  2. Every answer of a delivered batch equals the stored outcome of its
 *     intent (a replay answers the same), and a crashed batch left nothing.
 *  3. At the end (I9): each device's journal holds exactly the intents it
 *     accepted, each with exactly one outcome equal to the stored one; the
 *     stored outcomes are exactly the journaled intents; every rejection
 *     not dismissed is in that device's inbox; every row an intent created
 *     belongs to an accepted intent; and each device's view equals the
 *     server's rows its user may see, with nothing left in the overlay.
 *
 * Determinism: all randomness comes from the seed; the server clock and the
 * device clocks are virtual; drain passes run only when the simulator
 * starts them and block on the simulated network, and the simulator waits
 * for each device to block or finish before its next decision. A seed
 * replays the same run.
 */
import { isDeepStrictEqual } from 'node:util';
import { HOUR, MINUTE, SECOND } from '@stint/shared';
import type { IntentArgs, IntentKind, LooseIntent, PushRequest, State } from '@stint/shared';
import { emptyState } from '@stint/shared';
import { knownZone } from '../../server/src/intents/push-batch.ts';
import { createRng } from './prng.ts';
import type { Rng } from './prng.ts';
import { snapshotViolations, viewViolations } from './sim-checks.ts';
import { SimDevice } from './sim-device.ts';
import { chooseIntent } from './sim-intents.ts';
import { SimNetwork } from './sim-network.ts';
import type { Answer, InFlight } from './sim-network.ts';
import { Oracle } from './sim-oracle.ts';
import { visibleState } from './sim-replica.ts';
import type { SimServer, SimUser, Snapshot, StoredDecision } from './sim-server.ts';

export interface SimOptions {
  /** Random steps after the setup (default: 30–60, drawn from the seed). */
  readonly steps?: number;
  /** Real-time limit for a device to block or finish, before the seed fails as hung. */
  readonly hangMs?: number;
}

export interface SimStats {
  readonly devices: number;
  readonly steps: number;
  readonly intents: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly deliveries: number;
  /** Fates of deliveries, other faults (reload mid-drain, server restarts, …) and acts by kind and local verdict. */
  readonly faults: Readonly<Record<string, number>>;
  /** Decided intents by `kind status/code`, and by time source: what the seed exercised. */
  readonly outcomes: Readonly<Record<string, number>>;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly failure: string | null;
  readonly trace: readonly string[];
  readonly stats: SimStats;
}

const ZONES = ['Europe/Madrid', 'America/Bogota', 'Asia/Kolkata', 'UTC', 'Pacific/Auckland'] as const;
const MAX_SKEW_MS = 2 * HOUR;

type Fate = 'normal' | 'lost-request' | 'lost-answer' | 'duplicate' | 'stray' | 'crash';

class SimFailure extends Error {
  override readonly name = 'SimFailure';
}

export async function runSeed(server: SimServer, seed: number, options: SimOptions = {}): Promise<SimResult> {
  const sim = new Simulation(server, seed, options);
  try {
    await sim.run();
    return sim.result(null);
  } catch (error) {
    const message = error instanceof SimFailure ? error.message : `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    return sim.result(message);
  } finally {
    await sim.shutdown();
  }
}

/** A failed seed as lines to print: the seed, the failure, the last steps. */
export function describeFailure(result: SimResult, lastSteps = 40): string {
  const trace = result.trace.slice(-lastSteps);
  return [
    `seed ${result.seed} failed: ${result.failure ?? '(no failure)'}`,
    `replay: SIM_SEED=${result.seed} (test/sim), ${result.stats.devices} devices, ${result.stats.steps} steps`,
    `last ${trace.length} of ${result.trace.length} trace lines:`,
    ...trace.map((line) => `  ${line}`),
  ].join('\n');
}

class Simulation {
  private readonly server: SimServer;
  private readonly seed: number;
  private readonly rng: Rng;
  private readonly netRng: Rng;
  private readonly actRng: Rng;
  private readonly prefix: string;
  private readonly network = new SimNetwork();
  private readonly oracle = new Oracle();
  private readonly devices: SimDevice[] = [];
  private readonly trace: string[] = [];
  private readonly strays: { device: SimDevice; body: string }[] = [];
  private readonly faults: Record<string, number> = {};
  private readonly hangMs: number;
  private readonly stepCount: number;
  private users: SimUser[] = [];
  private last: Snapshot | null = null;
  private dirty = false;
  private step = 0;
  private deliveries = 0;
  private entityIds = 0;

  constructor(server: SimServer, seed: number, options: SimOptions) {
    this.server = server;
    this.seed = seed;
    this.rng = createRng(seed);
    this.netRng = this.rng.fork('network');
    this.actRng = this.rng.fork('acts');
    this.prefix = `s${seed}-`;
    this.hangMs = options.hangMs ?? 15_000;
    this.stepCount = options.steps ?? this.rng.between(30, 60);
  }

  async run(): Promise<void> {
    const lookBackS = this.rng.weighted([[3, undefined], [1, 3600], [1, 600]] as const);
    const staleCutoffS = this.rng.weighted([[3, undefined], [1, 1800]] as const);
    await this.server.reset({ ...(lookBackS === undefined ? {} : { lookBackS }), ...(staleCutoffS === undefined ? {} : { staleCutoffS }) });
    this.log(`server: look-back ${this.server.config.LOOK_BACK_S}s, stale cutoff ${this.server.config.STALE_CUTOFF_S}s`);
    this.createDevices();
    for (const device of this.devices) {
      await device.open();
      await this.follow(device);
    }
    await this.setUp();
    for (this.step = 1; this.step <= this.stepCount; this.step++) {
      await this.randomStep();
      if (this.dirty) await this.check();
      this.checkViews();
    }
    this.step = this.stepCount + 1;
    await this.finish();
  }

  result(failure: string | null): SimResult {
    const decided = [...this.oracle.decided.values()];
    return {
      seed: this.seed,
      ok: failure === null,
      failure,
      trace: this.trace,
      stats: {
        devices: this.devices.length,
        steps: this.stepCount,
        intents: this.devices.reduce((n, d) => n + d.journaled.length, 0),
        accepted: decided.filter((d) => d.status !== 'rejected').length,
        rejected: decided.filter((d) => d.status === 'rejected').length,
        deliveries: this.deliveries,
        faults: { ...this.faults },
        outcomes: countBy([...endState(this.last?.state ?? emptyState()), ...decided.flatMap((d) => [`${d.kind} ${d.status === 'rejected' ? (d.code ?? '') : 'accepted'}`, `time ${d.time_source ?? 'none'}`, ...(d.status === 'accepted_with_adjustment' ? ['adjusted'] : [])])]),
      },
    };
  }

  /** Closes every engine and answers whatever is still in flight (so nothing is left pending). */
  async shutdown(): Promise<void> {
    for (const device of this.devices) {
      for (let inFlight = this.network.take(device.name); inFlight !== undefined; inFlight = this.network.take(device.name)) inFlight.settle(null);
      await device.close().catch(() => undefined);
    }
    await this.server.disarmCrash().catch(() => undefined);
  }

  // ── set-up ──────────────────────────────────────────────────────────────

  private createDevices(): void {
    const workers = this.server.users.filter((u) => u.role === 'worker');
    const supervisors = this.server.users.filter((u) => u.role !== 'worker');
    const workerCount = this.rng.weighted([[1, 1], [3, 2], [2, 3]] as const);
    const chosen = shuffle(this.rng, workers).slice(0, workerCount);
    const supervisor = this.rng.pick(supervisors);
    this.users = [...chosen, supervisor];
    // At most four worker devices and one or two of the supervisor's: enough to conflict, small enough for 200 seeds.
    const plan: SimUser[] = [];
    for (const worker of chosen) for (let i = this.rng.weighted([[1, 1], [2, 2]] as const); i > 0; i--) plan.push(worker);
    plan.splice(4);
    plan.push(supervisor);
    if (plan.length < 5 && this.rng.chance(0.2)) plan.push(supervisor);
    const perUser = new Map<string, number>();
    for (const user of plan) {
      const n = (perUser.get(user.id) ?? 0) + 1;
      perUser.set(user.id, n);
      const device = new SimDevice({
        name: `${user.id.replace('sim-', '')}-d${n}`,
        prefix: this.prefix,
        user,
        zone: this.rng.pick(ZONES),
        skewMs: this.rng.chance(0.25) ? 0 : this.rng.between(-MAX_SKEW_MS, MAX_SKEW_MS),
        batchSize: this.rng.weighted([[2, 2], [3, 4], [2, 10], [1, 100]] as const),
        serverClock: this.server.clock,
        network: this.network,
        rng: this.rng.fork(`engine-${user.id}-${n}`),
      });
      this.devices.push(device);
    }
    this.log(`devices: ${this.devices.map((d) => `${d.name}(${d.zone}, skew ${Math.round(d.skewMs / SECOND)}s, batch ${d.batchSize})`).join(', ')}`);
  }

  /** The supervisor's desk creates the day's work online, through its engine. */
  private async setUp(): Promise<void> {
    const desk = this.devices.find((d) => d.user.role !== 'worker');
    if (desk === undefined) throw new SimFailure('no supervisor device');
    const tasks = Array.from({ length: this.rng.between(3, 5) }, () => this.fresh('t'));
    for (const [i, id] of tasks.entries()) await this.must(desk, 'task.create', { task_id: id, title: `Task ${i + 1}`, status: 'todo' });
    for (const id of tasks.slice(0, this.rng.between(1, 2))) {
      for (let n = this.rng.between(1, 3); n > 0; n--) await this.must(desk, 'checklist.add', { checklist_item_id: this.fresh('i'), task_id: id, title: `Item ${n}`, status: 1 });
    }
    const sop = this.fresh('sop');
    await this.must(desk, 'sop.create', {
      sop_id: sop,
      title: 'Lockout procedure',
      tasks: [{ title: 'Isolate', steps: [{ title: 'Close the valve' }, { title: 'Tag it', requires_check: this.rng.chance(0.5) }] }, { title: 'Verify', steps: [{ title: 'Test for zero energy' }] }],
    });
    await this.must(desk, 'sop.confirm', { sop_id: sop });
    const people = this.users.map((u) => u.id);
    for (let n = this.rng.between(0, 2); n > 0; n--) {
      const start = this.server.clock() + this.rng.between(-20, 90) * MINUTE;
      const mentor = this.rng.pick(people);
      const student = this.rng.pick(people.filter((p) => p !== mentor));
      await this.must(desk, 'booking.create', {
        booking_id: this.fresh('b'),
        mentor_id: mentor,
        student_id: student,
        start_time: new Date(start).toISOString(),
        end_time: new Date(start + 45 * MINUTE).toISOString(),
      });
    }
    await this.drainHealthy(desk);
    await this.check();
    for (const device of this.devices) this.replicate(device);
  }

  // ── steps ───────────────────────────────────────────────────────────────

  private async randomStep(): Promise<void> {
    const queued = this.devices.filter((d) => this.network.has(d.name));
    const any = (): SimDevice => this.rng.pick(this.devices);
    const steps: (readonly [number, () => Promise<void> | void])[] = [
      [30, () => this.act(any())],
      [16, () => this.drain(any())],
      [8, () => this.replicateSome()],
      [8, () => this.advanceTime()],
      [4, () => this.togglePartition(any())],
      [2, () => this.jumpClock(any())],
      [3, () => this.reload(any())],
      [1.5, () => this.restartServer()],
      [3, () => this.schedulerTick()],
      [1, () => this.dismiss(any())],
    ];
    if (queued.length > 0) steps.push([24, () => this.deliver(this.rng.pick(queued))]);
    if (this.strays.length > 0) steps.push([1.5, () => this.deliverStray()]);
    await this.rng.weighted(steps)();
  }

  private async act(device: SimDevice): Promise<void> {
    const engine = device.engine;
    if (engine === null) return;
    for (let n = this.rng.between(1, 3); n > 0; n--) {
      const choice = chooseIntent({
        rng: this.actRng,
        view: engine.view.getSnapshot(),
        actor: device.actor,
        fresh: (tag) => this.fresh(tag),
        now: this.server.clock(),
        userIds: this.users.map((u) => u.id),
      });
      if (choice === null) continue;
      const result = await engine.act(choice.kind, choice.args as never);
      if (result.accepted) device.journaled.push(result.id);
      this.count(`act ${choice.kind} ${result.accepted ? 'journaled' : `refused locally ${result.error.code}`}`);
      this.log(`${device.name} act ${choice.kind} ${JSON.stringify(choice.args)} → ${result.accepted ? `journaled ${result.id}` : `refused locally ${result.error.code}`}`);
    }
  }

  private async drain(device: SimDevice): Promise<void> {
    if (device.engine === null) return;
    const fire = this.rng.chance(0.3);
    this.log(`${device.name} drain${fire ? ' (timers fired)' : ''}${device.drive !== null ? ' (already draining)' : ''}`);
    device.startDrive(fire);
    await this.follow(device);
  }

  /** One queued request of the device meets its fate. */
  private async deliver(device: SimDevice): Promise<void> {
    const inFlight = this.network.take(device.name);
    if (inFlight === undefined) return;
    const request = JSON.parse(inFlight.body) as PushRequest;
    const fate: Fate = device.partitioned
      ? 'lost-request'
      : this.netRng.weighted<Fate>([
          [70, 'normal'],
          [6, 'lost-request'],
          [8, 'lost-answer'],
          [6, 'duplicate'],
          [5, 'stray'],
          [request.intents.length > 0 ? 5 : 0.001, 'crash'],
        ]);
    this.count(device.partitioned ? 'partitioned push' : fate);
    await this.meetFate(device, inFlight, request, fate);
    await this.follow(device);
  }

  private async meetFate(device: SimDevice, inFlight: InFlight, request: PushRequest, fate: Fate): Promise<void> {
    const ids = request.intents.map((i) => i.id);
    const label = `${device.name} push [${ids.join(' ')}]${device.partitioned ? ' (partitioned)' : ''}`;
    switch (fate) {
      case 'lost-request':
        this.log(`${label}: lost on the way`);
        inFlight.settle(null);
        return;
      case 'normal':
        this.log(`${label}: delivered`);
        inFlight.settle(await this.send(device, inFlight.body));
        return;
      case 'lost-answer':
        this.log(`${label}: delivered, answer lost`);
        await this.send(device, inFlight.body);
        inFlight.settle(null);
        return;
      case 'duplicate': {
        this.log(`${label}: delivered twice`);
        const first = await this.send(device, inFlight.body);
        const second = await this.send(device, inFlight.body);
        if (first.status === 200 && !isDeepStrictEqual(outcomesOf(first), outcomesOf(second))) {
          throw new SimFailure(`I9 a duplicated batch was answered differently: ${first.text} then ${second.text}`);
        }
        inFlight.settle(second);
        return;
      }
      case 'stray':
        this.log(`${label}: delivered, a copy strays in the network`);
        this.strays.push({ device, body: inFlight.body });
        inFlight.settle(await this.send(device, inFlight.body));
        return;
      case 'crash': {
        const undecided = request.intents.filter((i) => !this.oracle.decided.has(i.id));
        if (undecided.length === 0) {
          this.log(`${label}: delivered (nothing left to crash on)`);
          inFlight.settle(await this.send(device, inFlight.body));
          return;
        }
        const victim = undecided[this.netRng.int(undecided.length)] as LooseIntent;
        this.log(`${label}: server crashes while applying ${victim.id}, restarts`);
        await this.server.armCrash(victim.id);
        let answer: Answer;
        try {
          answer = await this.send(device, inFlight.body);
        } finally {
          await this.server.disarmCrash();
        }
        if (answer.status < 500) throw new SimFailure(`a batch that crashed on ${victim.id} was answered ${answer.status}: ${answer.text.slice(0, 300)}`);
        this.server.restart();
        inFlight.settle(null);
        return;
      }
      default:
        return unreachable(fate);
    }
  }

  /** Delivers a body to the server as the device's user and folds what it decided (invariant 2). */
  private async send(device: SimDevice, body: string): Promise<Answer> {
    this.deliveries += 1;
    this.dirty = true;
    const serverNow = this.server.clock();
    const answer = await this.server.push(device.user.token, body);
    if (answer.status !== 200) return answer;
    const request = JSON.parse(body) as PushRequest;
    const outcomes = outcomesOf(answer);
    const fresh = outcomes.filter((o, i) => !this.oracle.decided.has(o.id) && outcomes.findIndex((x) => x.id === o.id) === i).map((o) => o.id);
    const stored = fresh.length === 0 ? new Map<string, StoredDecision>() : await this.stored(fresh);
    for (const id of fresh) {
      const decision = stored.get(id);
      const raw = request.intents.find((i) => i.id === id);
      if (decision === undefined || raw === undefined) throw new SimFailure(`I9 intent ${id} answered but no outcome stored`);
      const problem = this.oracle.apply(raw, device.actor, knownZone(request.zone), decision);
      if (problem !== null) throw new SimFailure(`oracle: ${problem}`);
      // DESIGN §3: nothing takes effect in the future, nor before the look-back window.
      const at = decision.effective_at;
      if (at !== null && (at > serverNow || at < serverNow - this.server.config.LOOK_BACK_S * 1000)) {
        throw new SimFailure(`§3 intent ${id} took effect at ${new Date(at).toISOString()}, outside [now − look-back, now = ${new Date(serverNow).toISOString()}]`);
      }
      if (decision.time_source === 'server' && at !== serverNow) throw new SimFailure(`§3 intent ${id} timed by the server at ${String(at)}, not at its receive time ${serverNow}`);
    }
    for (const outcome of outcomes) {
      const decision = this.oracle.decided.get(outcome.id);
      if (decision === undefined) throw new SimFailure(`I9 intent ${outcome.id} answered but never decided`);
      const effective = 'effective_at' in outcome ? Date.parse(outcome.effective_at) : null;
      const code = 'code' in outcome ? outcome.code : null;
      if (outcome.status !== decision.status || code !== decision.code || (effective !== null && effective !== decision.effective_at)) {
        throw new SimFailure(`I9 the answer for ${outcome.id} (${JSON.stringify(outcome)}) is not its stored outcome (${JSON.stringify(decision)})`);
      }
    }
    if (outcomes.length !== request.intents.length) throw new SimFailure(`I9 ${request.intents.length} intents sent, ${outcomes.length} outcomes answered`);
    return answer;
  }

  private async stored(ids: readonly string[]): Promise<Map<string, StoredDecision>> {
    const rows = await this.server.sql<(Omit<StoredDecision, 'effective_at'> & { effective_at: Date | null })[]>`
      SELECT id, user_id, device_id, kind, status, code, effective_at, time_source FROM applied_intents WHERE id = ANY(${[...ids]})`;
    return new Map(rows.map((row) => [row.id, { ...row, effective_at: row.effective_at === null ? null : row.effective_at.getTime() }]));
  }

  private replicateSome(): void {
    const all = this.rng.chance(0.3);
    const targets = all ? this.devices : [this.rng.pick(this.devices)];
    this.log(`replication round → ${targets.map((d) => d.name).join(' ')}`);
    for (const device of targets) this.replicate(device);
  }

  private replicate(device: SimDevice): void {
    if (this.last === null) return;
    device.replica.replicate(this.last);
  }

  private advanceTime(): void {
    const ms = this.rng.chance(0.1) ? this.rng.between(1, 3) * HOUR + this.rng.int(HOUR) : this.rng.between(1, 600) * SECOND + this.rng.int(SECOND);
    this.server.clock.advance(ms);
    this.log(`time +${Math.round(ms / SECOND)}s`);
  }

  private togglePartition(device: SimDevice): void {
    device.partitioned = !device.partitioned;
    this.log(`${device.name} ${device.partitioned ? 'loses' : 'regains'} the network`);
  }

  private jumpClock(device: SimDevice): void {
    const before = device.skewMs;
    device.skewMs = this.rng.between(-MAX_SKEW_MS, MAX_SKEW_MS);
    this.count('clock jump');
    this.log(`${device.name} clock jumps ${Math.round((device.skewMs - before) / SECOND)}s (skew ${Math.round(device.skewMs / SECOND)}s)`);
  }

  /** The page reloads; a request in flight is lost, with or without reaching the server. */
  private async reload(device: SimDevice): Promise<void> {
    const inFlight = this.network.take(device.name);
    const drive = device.drive;
    this.log(`${device.name} reloads${inFlight !== undefined ? ' in the middle of a drain' : ''}`);
    this.count(inFlight !== undefined ? 'reload mid-drain' : 'reload');
    await device.close();
    if (inFlight !== undefined) {
      const request = JSON.parse(inFlight.body) as PushRequest;
      await this.meetFate(device, inFlight, request, !device.partitioned && this.netRng.chance(0.6) ? 'lost-answer' : 'lost-request');
    }
    if (drive !== null) await this.within(drive, `${device.name}'s drain to stop after close`);
    device.drive = null;
    device.reloads += 1;
    await device.open();
    await this.follow(device);
  }

  /** The server's scheduler runs one period (stale sessions, bookings), folded into the oracle at the same point. */
  private async schedulerTick(): Promise<void> {
    this.log('scheduler period (stale sessions, bookings)');
    this.count('scheduler period');
    this.dirty = true;
    await this.server.tick();
    this.oracle.sweep(this.server.clock(), this.server.staleCutoffMs);
  }

  private restartServer(): void {
    this.log('server restarts');
    this.count('server restart');
    this.server.restart();
  }

  private async deliverStray(): Promise<void> {
    const stray = this.strays.splice(this.netRng.int(this.strays.length), 1)[0];
    if (stray === undefined) return;
    const request = JSON.parse(stray.body) as PushRequest;
    this.count('stray arrives');
    this.log(`a stray copy of ${stray.device.name}'s push [${request.intents.map((i) => i.id).join(' ')}] arrives late`);
    await this.send(stray.device, stray.body);
  }

  private async dismiss(device: SimDevice): Promise<void> {
    const engine = device.engine;
    const item = engine?.inbox.getSnapshot()[0];
    if (engine === null || engine === undefined || item === undefined) return;
    this.log(`${device.name} dismisses the rejection of ${item.id} (${item.code})`);
    await engine.inbox.dismiss(item.id);
    device.dismissed.add(item.id);
  }

  // ── following drains ────────────────────────────────────────────────────

  /** Waits until the device's drain pass blocks on the network or ends (never by polling: see SimNetwork.arrival). */
  private async follow(device: SimDevice): Promise<void> {
    while (device.drive !== null && !this.network.has(device.name)) {
      await this.within(Promise.race([device.drive, this.network.arrival(device.name)]), `${device.name} to block on the network or finish its drain`);
    }
  }

  /** Drains a device completely over a healthy network. */
  private async drainHealthy(device: SimDevice): Promise<void> {
    for (let round = 0; round < 20; round++) {
      device.startDrive(false);
      await this.follow(device);
      while (this.network.has(device.name)) {
        const inFlight = this.network.take(device.name);
        if (inFlight === undefined) break;
        this.log(`${device.name} push (healthy network): delivered`);
        inFlight.settle(await this.send(device, inFlight.body));
        await this.follow(device);
      }
      if (device.engine !== null && device.engine.status.getSnapshot().pending === 0 && device.drive === null) return;
    }
    throw new SimFailure(`${device.name} still has ${device.engine?.status.getSnapshot().pending ?? '?'} pending intents after draining on a healthy network`);
  }

  private async within<T>(promise: Promise<T>, what: string): Promise<T> {
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

  // ── checks ──────────────────────────────────────────────────────────────

  private async check(): Promise<void> {
    const snapshot = await this.server.snapshot(this.prefix);
    const violations = snapshotViolations(snapshot, this.last?.state ?? emptyState(), this.oracle);
    this.last = snapshot;
    this.dirty = false;
    if (violations.length > 0) throw new SimFailure(`after step ${this.step}: ${violations.slice(0, 8).join('; ')}${violations.length > 8 ? ` (+${violations.length - 8} more)` : ''}`);
  }

  private checkViews(): void {
    for (const device of this.devices) {
      if (device.engine === null) continue;
      const violations = viewViolations(device.engine.view.getSnapshot(), device.actor);
      if (violations.length > 0) throw new SimFailure(`after step ${this.step}: ${device.name}'s view shows an impossible state: ${violations.slice(0, 5).join('; ')}`);
    }
  }

  /** The network heals, strays arrive, every device drains, replicas catch up: then I9 and the views. */
  private async finish(): Promise<void> {
    this.log('— the network heals; every device drains —');
    for (const device of this.devices) device.partitioned = false;
    while (this.strays.length > 0) await this.deliverStray();
    for (const device of this.devices) {
      if (device.engine === null) await device.open();
      await this.follow(device);
      for (let inFlight = this.network.take(device.name); inFlight !== undefined; inFlight = this.network.take(device.name)) {
        this.log(`${device.name} push (healed network): delivered`);
        inFlight.settle(await this.send(device, inFlight.body));
        await this.follow(device);
      }
    }
    for (const device of this.devices) await this.drainHealthy(device);
    await this.check();
    const snapshot = this.last;
    if (snapshot === null) throw new SimFailure('no snapshot');
    for (const device of this.devices) this.replicate(device);

    const allJournaled = new Set<string>();
    for (const device of this.devices) {
      const engine = device.engine;
      if (engine === null) throw new SimFailure(`${device.name} has no engine at the end`);
      const view = engine.view.getSnapshot();
      const expected = visibleState(snapshot.state, device.actor);
      const diff = stateDiff(view, expected);
      if (diff.length > 0) throw new SimFailure(`${device.name}'s view differs from the server's rows it may see: ${diff.slice(0, 5).join('; ')}`);
      if (view !== device.replica.getState()) throw new SimFailure(`${device.name}'s view still replays an overlay after every intent was decided and replicated`);
      const inbox = engine.inbox.getSnapshot().map((item) => item.id);
      const status = engine.status.getSnapshot();
      if (status.pending !== 0) throw new SimFailure(`${device.name} reports ${status.pending} pending`);

      const rows = await device.journal();
      const ids = rows.map((row) => row.id);
      if (!isDeepStrictEqual(ids, device.journaled)) {
        throw new SimFailure(`I9 ${device.name}'s journal holds [${ids.join(' ')}], but it journaled [${device.journaled.join(' ')}]`);
      }
      const rejected: string[] = [];
      for (const row of rows) {
        allJournaled.add(row.id);
        const stored = snapshot.applied.get(row.id);
        if (stored === undefined) throw new SimFailure(`I9 ${device.name}'s intent ${row.id} (${row.kind}) has no stored outcome`);
        if (row.status !== stored.status || row.code !== stored.code || (row.status !== 'rejected' && row.effective_at !== stored.effective_at)) {
          throw new SimFailure(`I9 ${device.name}'s intent ${row.id}: journal says ${row.status} ${row.code ?? ''} at ${String(row.effective_at)}, server ${stored.status} ${stored.code ?? ''} at ${String(stored.effective_at)}`);
        }
        if (stored.device_id !== device.deviceId) throw new SimFailure(`I9 intent ${row.id} stored as from ${stored.device_id}, sent by ${device.deviceId}`);
        if (row.status === 'rejected' && !device.dismissed.has(row.id)) rejected.push(row.id);
      }
      if (!isDeepStrictEqual([...inbox].sort(), [...rejected].sort())) {
        throw new SimFailure(`I9 ${device.name}'s inbox [${inbox.join(' ')}] is not its undismissed rejections [${rejected.join(' ')}]`);
      }
    }
    for (const id of snapshot.applied.keys()) if (!allJournaled.has(id)) throw new SimFailure(`I9 outcome stored for ${id}, which no device journaled`);
    for (const problem of derivedRows(snapshot.state, snapshot.applied)) throw new SimFailure(`applied twice? ${problem}`);
    this.log(`end: ${allJournaled.size} intents, ${snapshot.applied.size} outcomes, ${this.deliveries} deliveries`);
  }

  // ── helpers ─────────────────────────────────────────────────────────────

  private async must<K extends IntentKind>(device: SimDevice, kind: K, args: IntentArgs<K>): Promise<void> {
    const engine = device.engine;
    if (engine === null) throw new SimFailure(`${device.name} is closed`);
    const result = await engine.act(kind, args);
    if (!result.accepted) throw new SimFailure(`set-up ${kind} ${JSON.stringify(args)} refused: ${result.error.message}`);
    device.journaled.push(result.id);
    this.log(`${device.name} act ${kind} ${JSON.stringify(args)} → journaled ${result.id}`);
  }

  private count(what: string): void {
    this.faults[what] = (this.faults[what] ?? 0) + 1;
  }

  private fresh(tag: string): string {
    this.entityIds += 1;
    return `${this.prefix}${tag}${this.entityIds}`;
  }

  private log(line: string): void {
    this.trace.push(`#${this.step} ${line}`);
  }
}

/** Rows named after an intent (`<intent id>:<tag>`) must come from an accepted intent, once. */
function derivedRows(state: State, applied: ReadonlyMap<string, StoredDecision>): string[] {
  const out: string[] = [];
  const openPerIntent = new Map<string, number>();
  for (const session of state.work_sessions.values()) {
    const intent = session.id.slice(0, session.id.lastIndexOf(':'));
    openPerIntent.set(intent, (openPerIntent.get(intent) ?? 0) + 1);
    if (applied.get(intent)?.status === 'rejected' || !applied.has(intent)) out.push(`session ${session.id} from intent ${intent}, which was not accepted`);
  }
  for (const [intent, n] of openPerIntent) if (n > 1) out.push(`intent ${intent} opened ${n} sessions`);
  for (const check of state.safety_checks.values()) {
    const intent = check.id.slice(0, check.id.lastIndexOf(':'));
    if (applied.get(intent)?.status === 'rejected' || !applied.has(intent)) out.push(`check ${check.id} from intent ${intent}, which was not accepted`);
  }
  return out;
}

function stateDiff(a: State, b: State): string[] {
  const out: string[] = [];
  for (const table of Object.keys(b) as (keyof State)[]) {
    const left = a[table] as ReadonlyMap<string, unknown>;
    const right = b[table] as ReadonlyMap<string, unknown>;
    for (const [key, row] of right) if (!isDeepStrictEqual(left.get(key), row)) out.push(`${table} ${key}: view ${JSON.stringify(left.get(key))}, server ${JSON.stringify(row)}`);
    for (const key of left.keys()) if (!right.has(key)) out.push(`${table} ${key}: in the view only`);
  }
  return out;
}

function outcomesOf(answer: Answer): { id: string; status: string; code?: string; effective_at?: string }[] {
  return (JSON.parse(answer.text) as { data: { outcomes: { id: string; status: string; code?: string; effective_at?: string }[] } }).data.outcomes;
}

/** What the last snapshot holds, by table and status: did the seed reach the states that matter? */
function endState(state: State): string[] {
  return [
    ...[...state.tasks.values()].map((t) => `end task ${t.status}`),
    ...[...state.work_sessions.values()].map((w) => `end session ${w.ended_reason ?? 'open'}${w.offline ? ' offline' : ''}`),
    ...[...state.procedure_runs.values()].map((r) => `end run ${r.status}${r.locked ? ' locked' : ''}`),
    ...[...state.bookings.values()].map((b) => `end booking ${b.status}${b.is_delayed ? ' delayed' : ''}`),
  ];
}

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of keys) out[key] = (out[key] ?? 0) + 1;
  return out;
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function unreachable(value: never): never {
  throw new Error(`unhandled fate: ${String(value)}`);
}
