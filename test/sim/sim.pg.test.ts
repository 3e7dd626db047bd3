/**
 * Issue 7 item 1: the deterministic multi-device simulation, 200 seeds,
 * against the real server and Postgres (simulate.ts says what each seed
 * does and checks). One database for the file; each seed truncates it.
 *
 * Replay one seed: SIM_SEED=17 npx vitest run test/sim/sim.pg.test.ts
 * Soak: npm run soak (test/sim/soak.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from '../../server/src/testing/create-test-database.ts';
import type { TestDatabase } from '../../server/src/testing/create-test-database.ts';
import { describeFailure, runSeed } from './simulate.ts';
import { SimServer } from './sim-server.ts';

const only = process.env['SIM_SEED'];
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

describe('multi-device simulation against the real server', () => {
  test.each(SEEDS)('seed %i: invariants after every step, one outcome per intent, replicas equal the server', async (seed) => {
    const result = await runSeed(server, seed);
    if (!result.ok) console.error(describeFailure(result));
    if (process.env['SIM_TRACE'] !== undefined) console.log(result.trace.join('\n'), JSON.stringify(result.stats));
    expect(result.failure).toBeNull();
    expect(result.stats.intents).toBeGreaterThan(0);
  }, 60_000);
});
