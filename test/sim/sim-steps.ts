/**
 * The random steps of a seed, one drawn at a time with these weights: a
 * person acts on a device, a device drains, the network delivers one queued
 * push (with its fate), a replication round, time passes, a device loses or
 * regains the network, a device clock jumps, a page reloads (in the middle
 * of a drain when a push is in flight), the server restarts, the scheduler
 * runs a period, a stray copy arrives, a rejection is dismissed.
 *
 * Invariants:
 *  1. Every step leaves each device either blocked on the network or idle
 *     (`follow`), so the next draw sees a settled world (determinism).
 *  2. A step that reaches the server marks it dirty; the simulator checks
 *     the database before the next step.
 */
import { HOUR, SECOND } from '@stint/shared';
import type { Rng } from './prng.ts';
import type { Courier } from './sim-courier.ts';
import type { SimDevice } from './sim-device.ts';
import { chooseIntent } from './sim-intents.ts';
import type { SimLog } from './sim-log.ts';
import type { SimNetwork } from './sim-network.ts';
import type { Oracle } from './sim-oracle.ts';
import type { SimServer } from './sim-server.ts';

export const MAX_SKEW_MS = 2 * HOUR;

/** What the steps act on: the simulation's world. */
export interface StepContext {
  readonly server: SimServer;
  readonly rng: Rng;
  /** Intent choices draw from their own stream. */
  readonly actRng: Rng;
  readonly network: SimNetwork;
  readonly courier: Courier;
  readonly oracle: Oracle;
  readonly devices: readonly SimDevice[];
  readonly userIds: readonly string[];
  readonly log: SimLog;
  /** Waits until the device blocks on the network or its drain ends (invariant 1). */
  follow(device: SimDevice): Promise<void>;
  /** Fails the seed if the promise takes longer than the hang limit. */
  within<T>(promise: Promise<T>, what: string): Promise<T>;
  fresh(tag: string): string;
  /** One replication round from the last snapshot. */
  replicate(device: SimDevice): void;
}

export async function randomStep(sim: StepContext): Promise<void> {
  const { rng } = sim;
  const any = (): SimDevice => rng.pick(sim.devices);
  const queued = sim.devices.filter((d) => sim.network.has(d.name));
  const steps: (readonly [number, () => Promise<void> | void])[] = [
    [30, () => act(sim, any())],
    [16, () => drain(sim, any())],
    [8, () => replicateSome(sim)],
    [8, () => advanceTime(sim)],
    [4, () => togglePartition(sim, any())],
    [2, () => jumpClock(sim, any())],
    [3, () => reload(sim, any())],
    [1.5, () => restartServer(sim)],
    [3, () => schedulerPeriod(sim)],
    [1, () => dismiss(sim, any())],
    [3, () => offlineStretch(sim, any())],
  ];
  if (queued.length > 0) steps.push([24, () => deliver(sim, rng.pick(queued))]);
  if (sim.courier.strays.length > 0) steps.push([1.5, () => sim.courier.deliverStray()]);
  await rng.weighted(steps)();
}

/** One to three acts of the device's person, chosen from its view. */
async function act(sim: StepContext, device: SimDevice): Promise<void> {
  const engine = device.engine;
  if (engine === null) return;
  for (let n = sim.rng.between(1, 3); n > 0; n--) {
    const choice = chooseIntent({
      rng: sim.actRng,
      view: engine.view.getSnapshot(),
      actor: device.actor,
      fresh: (tag) => sim.fresh(tag),
      now: sim.server.clock(),
      userIds: sim.userIds,
    });
    if (choice === null) continue;
    const result = await engine.act(choice.kind, choice.args as never);
    if (result.accepted) journaled(device, choice.kind, result);
    const verdict = result.accepted ? 'journaled' : `refused locally ${result.error.code}`;
    sim.log.count(`act ${choice.kind} ${verdict}`);
    sim.log.log(`${device.name} act ${choice.kind} ${JSON.stringify(choice.args)} → ${verdict}${result.accepted ? ` ${result.id}` : ''}`);
  }
}

/**
 * A worker's phone out of signal for a long stretch, the app open (DESIGN
 * §3.1): it beats for every session its view shows open, every so often
 * within the cutoff — and now and then it sleeps longer than the cutoff —
 * while the server's scheduler sweeps. It may come back online at the end.
 */
async function offlineStretch(sim: StepContext, device: SimDevice): Promise<void> {
  const engine = device.engine;
  if (engine === null || device.actor.role !== 'worker') return;
  const { rng } = sim;
  const cutoff = sim.server.staleCutoffMs;
  device.partitioned = true;
  const beats = rng.between(3, 15);
  sim.log.count('offline stretch');
  sim.log.log(`${device.name} works out of signal: ${beats} beats`);
  for (let i = 0; i < beats; i++) {
    const asleep = rng.chance(0.15);
    const gap = asleep ? cutoff + rng.between(1, 2 * cutoff) : rng.between(Math.floor(cutoff / 6), Math.floor(cutoff * 0.9));
    sim.server.clock.advance(gap);
    if (asleep) sim.log.count('phone asleep past the cutoff');
    const view = engine.view.getSnapshot();
    for (const session of view.work_sessions.values()) {
      if (session.user_id !== device.actor.user_id || session.ended_at !== null) continue;
      const result = await engine.act('work.heartbeat', { task_id: session.task_id });
      if (result.accepted) journaled(device, 'work.heartbeat', result);
      sim.log.log(`${device.name} beats on ${session.task_id} after ${Math.round(gap / SECOND)}s${asleep ? ' (slept)' : ''} → ${result.accepted ? `journaled ${result.id}${result.replaced === undefined ? '' : ` for ${result.replaced}`}` : `refused locally ${result.error.code}`}`);
    }
    if (rng.chance(0.3)) await schedulerPeriod(sim);
  }
  if (rng.chance(0.6)) {
    device.partitioned = false;
    sim.log.log(`${device.name} is back in signal`);
  }
}

function journaled(device: SimDevice, kind: string, result: { readonly id: string; readonly replaced?: string }): void {
  device.journaled.push(result.id);
  if (kind === 'work.heartbeat') device.beats.add(result.id);
  if (result.replaced !== undefined) device.replaced.add(result.replaced);
}

async function drain(sim: StepContext, device: SimDevice): Promise<void> {
  if (device.engine === null) return;
  const fire = sim.rng.chance(0.3);
  sim.log.log(`${device.name} drain${fire ? ' (timers fired)' : ''}${device.drive !== null ? ' (already draining)' : ''}`);
  device.startDrive(fire);
  await sim.follow(device);
}

/** The device's oldest queued push meets its fate; the device goes on until it blocks again. */
async function deliver(sim: StepContext, device: SimDevice): Promise<void> {
  const inFlight = sim.network.take(device.name);
  if (inFlight === undefined) return;
  await sim.courier.meetFate(device, inFlight, sim.courier.chooseFate(device, JSON.parse(inFlight.body) as never));
  await sim.follow(device);
}

function replicateSome(sim: StepContext): void {
  const targets = sim.rng.chance(0.3) ? sim.devices : [sim.rng.pick(sim.devices)];
  sim.log.log(`replication round → ${targets.map((d) => d.name).join(' ')}`);
  for (const device of targets) sim.replicate(device);
}

/** Mostly seconds to minutes; sometimes hours (stale sessions, late bookings, look-back clamps). */
function advanceTime(sim: StepContext): void {
  const { rng } = sim;
  const ms = rng.chance(0.1) ? rng.between(1, 3) * HOUR + rng.int(HOUR) : rng.between(1, 600) * SECOND + rng.int(SECOND);
  sim.server.clock.advance(ms);
  sim.log.log(`time +${Math.round(ms / SECOND)}s`);
}

function togglePartition(sim: StepContext, device: SimDevice): void {
  device.partitioned = !device.partitioned;
  sim.log.log(`${device.name} ${device.partitioned ? 'loses' : 'regains'} the network`);
}

function jumpClock(sim: StepContext, device: SimDevice): void {
  const before = device.skewMs;
  device.skewMs = sim.rng.between(-MAX_SKEW_MS, MAX_SKEW_MS);
  sim.log.count('clock jump');
  sim.log.log(`${device.name}'s clock jumps ${Math.round((device.skewMs - before) / SECOND)}s (skew ${Math.round(device.skewMs / SECOND)}s)`);
}

/** The page reloads: a push in flight is lost, having reached the server or not; a new engine opens the same IndexedDB. */
async function reload(sim: StepContext, device: SimDevice): Promise<void> {
  const inFlight = sim.network.take(device.name);
  const drive = device.drive;
  sim.log.log(`${device.name} reloads${inFlight !== undefined ? ' in the middle of a drain' : ''}`);
  sim.log.count(inFlight !== undefined ? 'reload mid-drain' : 'reload');
  await device.close();
  if (inFlight !== undefined) await sim.courier.meetFate(device, inFlight, !device.partitioned && sim.rng.chance(0.6) ? 'lost-answer' : 'lost-request');
  if (drive !== null) await sim.within(drive, `${device.name}'s drain to stop after close`);
  device.drive = null;
  await sim.within(device.open(), `${device.name}'s engine to reopen and take the drain lock`);
  await sim.follow(device);
}

function restartServer(sim: StepContext): void {
  sim.log.log('the server restarts');
  sim.log.count('server restart');
  sim.server.restart();
}

/** The scheduler runs one period (stale sessions, bookings), folded into the oracle at the same point. */
async function schedulerPeriod(sim: StepContext): Promise<void> {
  sim.log.log('scheduler period (stale sessions, bookings)');
  sim.log.count('scheduler period');
  sim.courier.dirty = true;
  await sim.server.tick();
  sim.oracle.sweep(sim.server.clock(), sim.server.staleCutoffMs);
}

async function dismiss(sim: StepContext, device: SimDevice): Promise<void> {
  const engine = device.engine;
  const item = engine?.inbox.getSnapshot()[0];
  if (engine === null || engine === undefined || item === undefined) return;
  sim.log.log(`${device.name} dismisses the rejection of ${item.id} (${item.code})`);
  await engine.inbox.dismiss(item.id);
  device.dismissed.add(item.id);
}
