/**
 * The end of a seed, once the network healed, every device drained and
 * every replica caught up (I9 and the read path):
 *
 *  1. Each device's journal holds exactly the intents its engine accepted,
 *     in order — nothing lost, nothing invented, even across reloads — but
 *     for settled rows the engine pruned (accepted and shown by the replica,
 *     or dismissed), whose outcomes the server still holds.
 *  2. Each journaled intent has exactly one outcome, the stored one: same
 *     status, code and effective time, recorded as from that device.
 *  3. Every stored outcome belongs to a journaled intent.
 *  4. Every rejection not dismissed is in its device's inbox, and only those
 *     (a heartbeat's never: beats are machine-made, DESIGN §3.1).
 *  1a. A heartbeat may leave the journal unsent when a later beat of the
 *     same unbroken run stands in for it (the engine says which it replaced).
 *  5. Each device's view equals the server's rows its user may see, and is
 *     the replica itself: no overlay left.
 *  6. Nothing was applied twice: every session and check named after an
 *     intent comes from an accepted intent, one each. (The oracle fold,
 *     equal to the database after every step, is the full proof; this says
 *     it in the terms of the issue.)
 */
import { isDeepStrictEqual } from 'node:util';
import type { State } from '@stint/shared';
import type { SimDevice } from './sim-device.ts';
import { visibleState } from './sim-replica.ts';
import type { Snapshot, StoredDecision } from './sim-server.ts';

export async function finalViolations(devices: readonly SimDevice[], snapshot: Snapshot): Promise<string[]> {
  const out: string[] = [];
  const journaled = new Set<string>();
  for (const device of devices) {
    const engine = device.engine;
    if (engine === null) {
      out.push(`${device.name} has no engine at the end`);
      continue;
    }
    const view = engine.view.getSnapshot();
    out.push(...stateDiff(view, visibleState(snapshot.state, device.actor)).slice(0, 5).map((d) => `${device.name}'s view ≠ the server's rows it may see: ${d}`));
    if (view !== device.replica.getState()) out.push(`${device.name}'s view still replays an overlay after every intent was decided and replicated`);
    const pending = engine.status.getSnapshot().pending;
    if (pending !== 0) out.push(`${device.name} reports ${pending} pending`);

    const rows = await device.journal();
    const ids = rows.map((row) => row.id);
    const kept = new Set(ids);
    if (!isDeepStrictEqual(ids, device.journaled.filter((id) => kept.has(id)))) out.push(`I9 ${device.name}'s journal holds [${ids.join(' ')}], not in the order it journaled [${device.journaled.join(' ')}]`);
    for (const id of device.journaled) {
      if (kept.has(id)) continue;
      journaled.add(id);
      // A beat a later beat of its run stood in for: its evidence went with the later one.
      if (device.replaced.has(id)) continue;
      // Pruned: only settled rows may go — accepted ones the replica showed, dismissed rejections, rejected beats.
      const stored = snapshot.applied.get(id);
      const settledRejection = device.dismissed.has(id) || device.beats.has(id);
      if (stored === undefined || (stored.status === 'rejected' && !settledRejection)) out.push(`I9 ${device.name} lost intent ${id} from its journal (stored: ${stored?.status ?? 'nothing'})`);
      else device.pruned.push(id);
    }
    const rejected: string[] = [];
    for (const row of rows) {
      journaled.add(row.id);
      const stored = snapshot.applied.get(row.id);
      if (stored === undefined) {
        out.push(`I9 ${device.name}'s intent ${row.id} (${row.kind}) has no stored outcome`);
        continue;
      }
      if (row.status !== stored.status || row.code !== stored.code || (row.status !== 'rejected' && row.effective_at !== stored.effective_at)) {
        out.push(`I9 ${device.name}'s intent ${row.id}: the journal says ${row.status} ${row.code ?? ''} at ${String(row.effective_at)}, the server ${stored.status} ${stored.code ?? ''} at ${String(stored.effective_at)}`);
      }
      if (stored.device_id !== device.deviceId) out.push(`I9 intent ${row.id} stored as from ${stored.device_id}, sent by ${device.deviceId}`);
      if (row.status === 'rejected' && !device.dismissed.has(row.id) && !device.beats.has(row.id)) rejected.push(row.id);
    }
    const inbox = engine.inbox.getSnapshot().map((item) => item.id);
    if (!isDeepStrictEqual([...inbox].sort(), rejected.sort())) out.push(`I9 ${device.name}'s inbox [${inbox.join(' ')}] is not its undismissed rejections [${rejected.join(' ')}]`);
  }
  for (const id of snapshot.applied.keys()) if (!journaled.has(id)) out.push(`I9 an outcome is stored for ${id}, which no device journaled`);
  out.push(...derivedRows(snapshot.state, snapshot.applied));
  return out;
}

/** Invariant 6: rows named `<intent id>:<tag>` come from an accepted intent, one per tag. */
function derivedRows(state: State, applied: ReadonlyMap<string, StoredDecision>): string[] {
  const out: string[] = [];
  const perIntent = new Map<string, number>();
  const accepted = (intent: string): boolean => (applied.get(intent)?.status ?? 'rejected') !== 'rejected';
  for (const session of state.work_sessions.values()) {
    const intent = intentOf(session.id);
    perIntent.set(intent, (perIntent.get(intent) ?? 0) + 1);
    if (!accepted(intent)) out.push(`applied twice? session ${session.id} comes from intent ${intent}, which was not accepted`);
  }
  for (const [intent, n] of perIntent) if (n > 1) out.push(`applied twice: intent ${intent} opened ${n} sessions`);
  for (const check of state.safety_checks.values()) {
    if (!accepted(intentOf(check.id))) out.push(`applied twice? check ${check.id} comes from intent ${intentOf(check.id)}, which was not accepted`);
  }
  return out;
}

function intentOf(rowId: string): string {
  return rowId.slice(0, rowId.lastIndexOf(':'));
}

/** Rows that differ between two states, one line each. */
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
