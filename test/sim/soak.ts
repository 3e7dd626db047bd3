/**
 * The simulation soak (`npm run soak`): runs many seeds of the multi-device
 * simulation (simulate.ts) against its own embedded Postgres, stops at the
 * first failing seed, prints it with its trace and exits 1.
 *
 *   npm run soak                              # seeds 1..10000
 *   npm run soak -- --seeds 500 --from 20001  # seeds 20001..20500
 *   npm run soak -- --minutes 5               # as many as fit in 5 minutes
 *
 * A failing seed replays alone with `SIM_SEED=<n> npx vitest run test/sim/sim.pg.test.ts`;
 * pin it as a named regression test there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../../server/src/db/embedded.ts';
import { migrate } from '../../server/src/db/migrate.ts';
import { createSql } from '../../server/src/db/sql.ts';
import { describeFailure, runSeed, shrinkSeed } from './simulate.ts';
import type { SimResult } from './simulate.ts';
import { SimServer } from './sim-server.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10000' },
    from: { type: 'string', default: '1' },
    minutes: { type: 'string' },
    every: { type: 'string', default: '100' },
  },
});
const count = positive(values.seeds, '--seeds');
const from = positive(values.from, '--from');
const every = positive(values.every, '--every');
const deadline = values.minutes === undefined ? Number.POSITIVE_INFINITY : performance.now() + positive(values.minutes, '--minutes') * 60_000;

process.exit(await main());

/** Its own embedded Postgres, migrated, for the whole soak; removed afterwards. */
async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'stint-soak-'));
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), persistent: false, settings: { fsync: 'off', synchronous_commit: 'on', full_page_writes: 'off' } });
  try {
    const url = pg.url('stint_soak');
    await migrate(url);
    const sql = createSql(url, { max: 4 });
    try {
      return await soak(await SimServer.create(sql));
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function soak(server: SimServer): Promise<number> {
  const started = performance.now();
  const totals: Record<string, number> = {};
  let ran = 0;
  for (let seed = from; seed < from + count; seed++) {
    if (performance.now() > deadline) {
      console.log(`time is up after ${ran} seeds`);
      break;
    }
    const result = await runSeed(server, seed);
    ran += 1;
    add(totals, result);
    if (!result.ok) {
      console.error(describeFailure(await shrinkSeed(server, result), 120));
      console.error(`\n${ran} seeds ran (${from}..${seed}); seed ${seed} FAILED.`);
      return 1;
    }
    if (ran % every === 0) {
      const perSeed = (performance.now() - started) / ran;
      console.log(`${ran}/${count} seeds ok (up to ${seed}), ${Math.round(perSeed)} ms/seed, ~${Math.round(((count - ran) * perSeed) / 60_000)} min left`);
    }
  }
  console.log(`${ran} seeds ok (${from}..${from + ran - 1}) in ${Math.round((performance.now() - started) / 1000)} s`);
  console.log(Object.entries(totals).sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `  ${key}: ${n}`).join('\n'));
  return 0;
}

/** What the seeds exercised, summed (sim-stats.ts). */
function add(totals: Record<string, number>, result: SimResult): void {
  const bump = (key: string, n: number): void => {
    totals[key] = (totals[key] ?? 0) + n;
  };
  bump('intents journaled', result.stats.intents);
  bump('deliveries', result.stats.deliveries);
  for (const [key, n] of Object.entries(result.stats.counts)) bump(key, n);
}

function positive(text: string | undefined, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${name} must be a positive integer, got ${String(text)}`);
    process.exit(2);
  }
  return n;
}
