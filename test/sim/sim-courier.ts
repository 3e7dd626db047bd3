/**
 * The courier carries a device's queued push to the server and decides its
 * fate, then checks what the server answered against what it stored and
 * folds every newly decided intent into the oracle.
 *
 * Fates: delivered; lost on the way (never reached the server); delivered
 * with the answer lost (the server applied it, the device does not know);
 * delivered twice; delivered with a copy left straying in the network (it
 * arrives later, after newer requests); the server crashes in the middle of
 * the batch (one undecided intent's outcome insert fails inside the batch's
 * transaction, everything before it in the batch rolls back, the process
 * restarts, the device sees a dropped connection).
 *
 * Invariants checked on every delivery:
 *  1. One outcome per intent sent, each equal to the intent's stored outcome
 *     (status, code, effective time); a duplicate is answered identically.
 *  2. Newly decided intents agree with the oracle fold (sim-oracle.ts).
 *  3. DESIGN §3: nothing takes effect after the server's now or before its
 *     look-back window; an intent timed by the server takes its receive time.
 *  4. A crashed batch is answered 5xx and decides nothing (the next snapshot
 *     check proves nothing of it was stored).
 */
import { isDeepStrictEqual } from 'node:util';
import { unreachable } from '@stint/shared';
import type { LooseIntent, PushRequest } from '@stint/shared';
import { knownZone } from '../../server/src/intents/push-batch.ts';
import type { Rng } from './prng.ts';
import type { SimDevice } from './sim-device.ts';
import { SimFailure } from './sim-log.ts';
import type { SimLog } from './sim-log.ts';
import type { Answer, InFlight } from './sim-network.ts';
import type { Oracle } from './sim-oracle.ts';
import type { SimServer, StoredDecision } from './sim-server.ts';

export type Fate = 'normal' | 'lost-request' | 'lost-answer' | 'duplicate' | 'stray' | 'crash';

interface WireOutcome {
  readonly id: string;
  readonly status: string;
  readonly code?: string;
  readonly effective_at?: string;
}

export class Courier {
  /** Requests that reached the server (each copy counts). */
  deliveries = 0;
  /** The server may have changed since the last snapshot check. */
  dirty = false;
  readonly strays: { readonly device: SimDevice; readonly body: string }[] = [];
  private readonly server: SimServer;
  private readonly oracle: Oracle;
  private readonly rng: Rng;
  private readonly log: SimLog;

  constructor(server: SimServer, oracle: Oracle, rng: Rng, log: SimLog) {
    this.server = server;
    this.oracle = oracle;
    this.rng = rng;
    this.log = log;
  }

  /** A partitioned device's request never arrives; otherwise mostly delivered, sometimes not cleanly. */
  chooseFate(device: SimDevice, request: PushRequest): Fate {
    if (device.partitioned) return 'lost-request';
    const fates: (readonly [number, Fate])[] = [
      [70, 'normal'],
      [6, 'lost-request'],
      [8, 'lost-answer'],
      [6, 'duplicate'],
      [5, 'stray'],
    ];
    if (request.intents.length > 0) fates.push([5, 'crash']);
    return this.rng.weighted(fates);
  }

  async meetFate(device: SimDevice, inFlight: InFlight, fate: Fate): Promise<void> {
    const request = JSON.parse(inFlight.body) as PushRequest;
    const label = `${device.name} push [${request.intents.map((i) => i.id).join(' ')}]${device.partitioned ? ' (partitioned)' : ''}`;
    this.log.count(device.partitioned ? 'fate partitioned' : `fate ${fate}`);
    switch (fate) {
      case 'lost-request':
        this.log.log(`${label}: lost on the way`);
        inFlight.settle(null);
        return;
      case 'normal':
        this.log.log(`${label}: delivered`);
        inFlight.settle(await this.send(device, inFlight.body));
        return;
      case 'lost-answer':
        this.log.log(`${label}: delivered, answer lost`);
        await this.send(device, inFlight.body);
        inFlight.settle(null);
        return;
      case 'duplicate': {
        this.log.log(`${label}: delivered twice`);
        const first = await this.send(device, inFlight.body);
        const second = await this.send(device, inFlight.body);
        if (first.status === 200 && !isDeepStrictEqual(outcomesOf(first), outcomesOf(second))) {
          throw new SimFailure(`I9 a duplicated batch was answered differently: ${first.text} then ${second.text}`);
        }
        inFlight.settle(second);
        return;
      }
      case 'stray':
        this.log.log(`${label}: delivered, a copy strays in the network`);
        this.strays.push({ device, body: inFlight.body });
        inFlight.settle(await this.send(device, inFlight.body));
        return;
      case 'crash':
        await this.crash(device, inFlight, request, label);
        return;
      default:
        return unreachable(fate);
    }
  }

  /** A stray copy of an old push arrives now; its answer goes nowhere. */
  async deliverStray(): Promise<void> {
    const stray = this.strays.splice(this.rng.int(this.strays.length), 1)[0];
    if (stray === undefined) return;
    const request = JSON.parse(stray.body) as PushRequest;
    this.log.count('stray arrives');
    this.log.log(`a stray copy of ${stray.device.name}'s push [${request.intents.map((i) => i.id).join(' ')}] arrives late`);
    await this.send(stray.device, stray.body);
  }

  /** Delivers a body as the device's user and checks and folds what it decided (invariants 1–3). */
  async send(device: SimDevice, body: string): Promise<Answer> {
    this.deliveries += 1;
    this.dirty = true;
    const serverNow = this.server.clock();
    const answer = await this.server.push(device.user.token, body);
    if (answer.status !== 200) return answer;
    const request = JSON.parse(body) as PushRequest;
    const outcomes = outcomesOf(answer);
    if (outcomes.length !== request.intents.length) throw new SimFailure(`I9 ${request.intents.length} intents sent, ${outcomes.length} outcomes answered`);
    const fresh = [...new Set(outcomes.map((o) => o.id).filter((id) => !this.oracle.decided.has(id)))];
    const stored = fresh.length === 0 ? new Map<string, StoredDecision>() : await this.stored(fresh);
    for (const id of fresh) {
      const decision = stored.get(id);
      const raw = request.intents.find((i) => i.id === id);
      if (decision === undefined || raw === undefined) throw new SimFailure(`I9 intent ${id} answered but no outcome stored`);
      const problem = this.oracle.apply(raw, device.actor, knownZone(request.zone), decision);
      if (problem !== null) throw new SimFailure(`oracle: ${problem}`);
      this.checkTime(id, decision, serverNow);
    }
    for (const outcome of outcomes) {
      const decision = this.oracle.decided.get(outcome.id);
      if (decision === undefined) throw new SimFailure(`I9 intent ${outcome.id} answered but never decided`);
      const effective = outcome.effective_at === undefined ? null : Date.parse(outcome.effective_at);
      if (outcome.status !== decision.status || (outcome.code ?? null) !== decision.code || (effective !== null && effective !== decision.effective_at)) {
        throw new SimFailure(`I9 the answer for ${outcome.id} (${JSON.stringify(outcome)}) is not its stored outcome (${JSON.stringify(decision)})`);
      }
    }
    return answer;
  }

  private async crash(device: SimDevice, inFlight: InFlight, request: PushRequest, label: string): Promise<void> {
    const undecided = request.intents.filter((i) => !this.oracle.decided.has(i.id));
    if (undecided.length === 0) {
      this.log.log(`${label}: delivered (nothing left to crash on)`);
      inFlight.settle(await this.send(device, inFlight.body));
      return;
    }
    const victim = undecided[this.rng.int(undecided.length)] as LooseIntent;
    this.log.log(`${label}: the server crashes while applying ${victim.id} and restarts`);
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
  }

  /** Invariant 3. */
  private checkTime(id: string, decision: StoredDecision, serverNow: number): void {
    const at = decision.effective_at;
    const earliest = serverNow - this.server.config.LOOK_BACK_S * 1000;
    if (at !== null && (at > serverNow || at < earliest)) {
      throw new SimFailure(`§3 intent ${id} took effect at ${new Date(at).toISOString()}, outside [now − look-back, now = ${new Date(serverNow).toISOString()}]`);
    }
    if (decision.time_source === 'server' && at !== serverNow) throw new SimFailure(`§3 intent ${id} timed by the server at ${String(at)}, not at its receive time ${serverNow}`);
  }

  private async stored(ids: readonly string[]): Promise<Map<string, StoredDecision>> {
    const rows = await this.server.sql<(Omit<StoredDecision, 'effective_at' | 'received_at'> & { effective_at: Date | null; received_at: Date })[]>`
      SELECT id, user_id, device_id, kind, status, code, effective_at, time_source, received_at FROM applied_intents WHERE id = ANY(${[...ids]})`;
    return new Map(rows.map((row) => [row.id, { ...row, effective_at: row.effective_at === null ? null : row.effective_at.getTime(), received_at: row.received_at.getTime() }]));
  }
}

function outcomesOf(answer: Answer): WireOutcome[] {
  return (JSON.parse(answer.text) as { data: { outcomes: WireOutcome[] } }).data.outcomes;
}
