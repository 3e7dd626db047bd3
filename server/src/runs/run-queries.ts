/**
 * Read queries for procedure runs. Each run comes with the SOP version it is
 * pinned to and its checks (shared's `RunSnapshot`), which is all `runView`
 * needs.
 *
 * Invariants:
 * 1. A run is always shown with its pinned version (sop_id, sop_version),
 *    never the SOP's latest one (I7).
 * 2. Lists are newest first: started_at DESC, then id DESC so runs started
 *    in the same millisecond page stably.
 * 3. A list costs three queries however long it is (runs, versions, checks).
 */
import { RunStatus } from '@stint/shared';
import type { ProcedureRunRow, RunSnapshot, SafetyCheckRow, SopVersionRow } from '@stint/shared';
import { readRows, selectRow, selectRows } from '../db/rows.ts';
import type { RawRow } from '../db/rows.ts';
import type { Queryable } from '../db/sql.ts';
import type { Paging } from '../http/input.ts';

export async function findRun(db: Queryable, id: string): Promise<RunSnapshot | undefined> {
  const run = await selectRow(db, 'procedure_runs', { id });
  if (run === undefined) return undefined;
  return (await withVersionsAndChecks(db, [run]))[0];
}

/** The worker's active run: in_progress or paused (I7 allows at most one). */
export async function activeRunOf(db: Queryable, workerId: string): Promise<RunSnapshot | null> {
  const runs = await selectRows(db, 'procedure_runs', { worker_id: workerId, status: [RunStatus.inProgress, RunStatus.paused] });
  const newest = runs.sort((a, b) => b.started_at - a.started_at)[0];
  if (newest === undefined) return null;
  return (await withVersionsAndChecks(db, [newest]))[0] ?? null;
}

export interface RunListOptions extends Paging {
  readonly workerId: string;
  readonly status?: RunStatus | undefined;
}

/** A worker's runs, newest first. */
export async function listRuns(db: Queryable, { workerId, status, limit, offset }: RunListOptions): Promise<RunSnapshot[]> {
  const raws = await db<RawRow[]>`
    SELECT * FROM procedure_runs
    WHERE worker_id = ${workerId} AND (${status ?? null}::text IS NULL OR status = ${status ?? null})
    ORDER BY started_at DESC, id DESC
    LIMIT ${limit} OFFSET ${offset}`;
  return withVersionsAndChecks(db, readRows('procedure_runs', raws));
}

async function withVersionsAndChecks(db: Queryable, runs: readonly ProcedureRunRow[]): Promise<RunSnapshot[]> {
  if (runs.length === 0) return [];
  const runIds = runs.map((r) => r.id);
  const [versions, checks] = await Promise.all([
    pinnedVersions(db, runIds),
    db<RawRow[]>`SELECT * FROM safety_checks WHERE run_id = ANY(${runIds}::text[]) ORDER BY checked_at, id`,
  ]);
  const byKey = new Map(versions.map((v) => [versionKey(v.sop_id, v.version), v]));
  const checksByRun = new Map<string, SafetyCheckRow[]>();
  for (const check of readRows('safety_checks', checks)) {
    checksByRun.set(check.run_id, [...(checksByRun.get(check.run_id) ?? []), check]);
  }
  return runs.map((run) => {
    const version = byKey.get(versionKey(run.sop_id, run.sop_version));
    // The foreign key (sop_id, sop_version) makes a missing version impossible.
    if (version === undefined) throw new Error(`run ${run.id}: pinned version ${run.sop_id} v${run.sop_version} missing`);
    return { run, version, checks: checksByRun.get(run.id) ?? [] };
  });
}

async function pinnedVersions(db: Queryable, runIds: readonly string[]): Promise<SopVersionRow[]> {
  const raws = await db<RawRow[]>`
    SELECT v.* FROM sop_versions v
    WHERE (v.sop_id, v.version) IN (
      SELECT DISTINCT r.sop_id, r.sop_version FROM procedure_runs r WHERE r.id = ANY(${runIds as string[]}::text[]))`;
  return readRows('sop_versions', raws);
}

function versionKey(sopId: string, version: number): string {
  return `${sopId}\u0000${version}`;
}
