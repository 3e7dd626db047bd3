import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One runner for the whole workspace. Each package is a project; the file
// suffix names the environment a test needs (STYLE.md §10).
//
// `*.pg.test.ts` files need real Postgres: the server and test projects share
// one global setup that starts ONE embedded cluster per run and migrates a
// template database; each file clones its own database from it
// (server/src/testing/create-test-database.ts). The shared project stays pure
// and starts nothing.
const postgresSetup = fileURLToPath(new URL('./server/src/testing/global-setup.ts', import.meta.url));
const summaryReporter = fileURLToPath(new URL('./scripts/vitest-summary.ts', import.meta.url));

export default defineConfig({
  test: {
    reporters: ['default', summaryReporter],
    projects: [
      { test: { name: 'shared', root: './shared', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'server',
          root: './server',
          include: ['src/**/*.test.ts'],
          globalSetup: [postgresSetup],
          hookTimeout: 30_000,
        },
      },
      { test: { name: 'client', root: './client', include: ['src/**/*.test.ts'] } },
      // Component tests: React components rendered into happy-dom (Testing Library).
      { test: { name: 'client-dom', root: './client', include: ['src/**/*.test.tsx'], environment: 'happy-dom' } },
      {
        test: {
          name: 'test',
          root: './test',
          include: ['**/*.test.ts'],
          exclude: ['node_modules/**'],
          globalSetup: [postgresSetup],
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
