/**
 * Read queries for SOPs. Reads only: every change goes through
 * the intent executor (sop.create / edit / confirm / delete).
 *
 * Invariants:
 * 1. A soft-deleted SOP is not found and not listed.
 * 2. Without a version number the latest version is shown; with one, that
 *    version (undefined when it does not exist).
 * 3. `confirmedVersion` is the highest confirmed version, null when none.
 * 4. Lists are ordered by title, then id, so paging is stable.
 */
import type { SopRow, SopVersionRow } from '@stint/shared';
import { readRows, selectRow } from '../db/rows.ts';
import type { RawRow } from '../db/rows.ts';
import type { Queryable } from '../db/sql.ts';
import type { Paging } from '../http/input.ts';
import type { SopRecord } from './sop-json.ts';

export async function findSop(db: Queryable, id: string, version?: number): Promise<SopRecord | undefined> {
  const sop = await selectRow(db, 'sops', { id });
  if (sop === undefined || sop.deleted_at !== null) return undefined;
  const [shown, confirmed] = await Promise.all([
    selectRow(db, 'sop_versions', { sop_id: id, version: version ?? sop.latest_version }),
    confirmedVersions(db, [id]),
  ]);
  if (shown === undefined) return undefined;
  return { sop, version: shown, confirmedVersion: confirmed.get(id) ?? null };
}

export interface SopListOptions extends Paging {
  /** Only SOPs with a confirmed version (those a worker can start). */
  readonly confirmedOnly: boolean;
}

/** Live SOPs with their latest version. */
export async function listSops(db: Queryable, { limit, offset, confirmedOnly }: SopListOptions): Promise<SopRecord[]> {
  const raws = await db<RawRow[]>`
    SELECT s.* FROM sops s
    WHERE s.deleted_at IS NULL
      AND (${!confirmedOnly} OR EXISTS (
        SELECT 1 FROM sop_versions c WHERE c.sop_id = s.id AND c.status = 'confirmed'))
    ORDER BY s.title, s.id
    LIMIT ${limit} OFFSET ${offset}`;
  const sops: SopRow[] = readRows('sops', raws);
  if (sops.length === 0) return [];
  const ids = sops.map((s) => s.id);
  const [versions, confirmed] = await Promise.all([latestVersions(db, ids), confirmedVersions(db, ids)]);
  const latest = new Map(versions.map((v) => [v.sop_id, v]));
  return sops.flatMap((sop) => {
    const version = latest.get(sop.id);
    return version === undefined ? [] : [{ sop, version, confirmedVersion: confirmed.get(sop.id) ?? null }];
  });
}

async function latestVersions(db: Queryable, sopIds: readonly string[]): Promise<SopVersionRow[]> {
  const raws = await db<RawRow[]>`
    SELECT v.* FROM sop_versions v JOIN sops s ON s.id = v.sop_id AND s.latest_version = v.version
    WHERE s.id = ANY(${sopIds as string[]}::text[])`;
  return readRows('sop_versions', raws);
}

/** The newest confirmed version number of each SOP that has one. */
async function confirmedVersions(db: Queryable, sopIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db<{ sop_id: string; version: number }[]>`
    SELECT sop_id, max(version) AS version FROM sop_versions
    WHERE status = 'confirmed' AND sop_id = ANY(${sopIds as string[]}::text[])
    GROUP BY sop_id`;
  return new Map(rows.map((r) => [r.sop_id, r.version]));
}
