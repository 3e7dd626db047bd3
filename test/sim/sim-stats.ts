/**
 * What one seed exercised, in numbers: the soak sums them to show that the
 * seeds reach the faults, outcomes and end states that matter (a simulation
 * that never completes a run or never crashes a batch proves little).
 */
import type { State } from '@stint/shared';
import type { StoredDecision } from './sim-server.ts';

export interface SimStats {
  readonly devices: number;
  readonly steps: number;
  /** The seed's own step count (steps differs when a shorter run was asked for). */
  readonly drawnSteps: number;
  /** Intents journaled by the devices' engines. */
  readonly intents: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Requests that reached the server (each copy counts). */
  readonly deliveries: number;
  /** Fates, faults, acts and outcomes by name: `fate crash`, `act work.start journaled`, `outcome task.claim CONFLICT_CLAIMED`, `end run completed locked`, … */
  readonly counts: Readonly<Record<string, number>>;
}

export function seedStats(input: {
  readonly devices: number;
  readonly steps: number;
  readonly drawnSteps: number;
  readonly intents: number;
  readonly deliveries: number;
  readonly decided: readonly StoredDecision[];
  readonly last: State | null;
  readonly counts: Readonly<Record<string, number>>;
}): SimStats {
  const counts: Record<string, number> = { ...input.counts };
  const bump = (key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  for (const d of input.decided) {
    bump(`outcome ${d.kind} ${d.status === 'rejected' ? (d.code ?? '') : 'accepted'}`);
    bump(`time source ${d.time_source ?? 'none (rejected)'}`);
    if (d.status === 'accepted_with_adjustment') bump('outcome adjusted');
  }
  for (const key of input.last === null ? [] : endState(input.last)) bump(key);
  return {
    devices: input.devices,
    steps: input.steps,
    drawnSteps: input.drawnSteps,
    intents: input.intents,
    accepted: input.decided.filter((d) => d.status !== 'rejected').length,
    rejected: input.decided.filter((d) => d.status === 'rejected').length,
    deliveries: input.deliveries,
    counts,
  };
}

/** The last snapshot by table and status: did the seed reach the states that matter? */
function endState(state: State): string[] {
  return [
    ...[...state.tasks.values()].map((t) => `end task ${t.status}`),
    ...[...state.work_sessions.values()].map((w) => `end session ${w.ended_reason ?? 'open'}${w.offline ? ' offline' : ''}`),
    ...[...state.procedure_runs.values()].map((r) => `end run ${r.status}${r.locked ? ' locked' : ''}`),
    ...[...state.bookings.values()].map((b) => `end booking ${b.status}${b.is_delayed ? ' delayed' : ''}`),
  ];
}
