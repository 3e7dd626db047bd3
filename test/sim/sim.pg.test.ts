/**
 * Issue 7 item 1: the deterministic multi-device simulation against the
 * real server and Postgres (simulate.ts says what a seed does and checks),
 * 200 seeds. One database for the file; each seed truncates it.
 *
 * Replay one seed with its trace: SIM_SEED=17 SIM_TRACE=1 npx vitest run test/sim/sim.pg.test.ts
 * (SIM_STEPS=k runs only its first k random steps, as a shrunk failure says).
 * Many more seeds: npm run soak (test/sim/soak.ts).
 * A seed that fails is pinned below as `regression: seed N — <what>`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import type { TestDatabase } from '../../server/src/testing/create-test-database.ts';
import { describeFailure, runSeed, shrinkSeed } from './simulate.ts';
import type { SimResult } from './simulate.ts';
import { SimServer } from './sim-server.ts';

const only = process.env['SIM_SEED'];
const steps = process.env['SIM_STEPS'] === undefined ? {} : { steps: Number(process.env['SIM_STEPS']) };
const SEEDS = only === undefined ? Array.from({ length: 200 }, (_, i) => i + 1) : [Number(only)];

let db: TestDatabase;
let server: SimServer;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await SimServer.create(db.sql);
});

afterAll(async () => {
  await db?.drop();
});

async function seed(n: number): Promise<SimResult> {
  const result = await runSeed(server, n, steps);
  if (!result.ok) console.error(describeFailure(await shrinkSeed(server, result), 120));
  if (process.env['SIM_TRACE'] !== undefined) console.log(`${result.trace.join('\n')}\n${JSON.stringify(result.stats, null, 1)}`);
  return result;
}

describe('multi-device simulation against the real server', () => {
  test('a seed replays identically: the same trace, outcomes and counts', async () => {
    const first = await seed(7);
    const again = await seed(7);
    expect(again.trace).toEqual(first.trace);
    expect(again.stats).toEqual(first.stats);
    expect(first.stats.deliveries).toBeGreaterThan(5);
  }, 60_000);

  test.each(SEEDS)('seed %i: invariants after every step, one outcome per intent, views equal the server', async (n) => {
    const result = await seed(n);
    expect(result.failure).toBeNull();
    expect(result.stats.intents).toBeGreaterThan(0);
  }, 60_000);
});
