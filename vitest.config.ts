import { defineConfig } from 'vitest/config';

// One runner for the whole workspace. Each package is a project; the file
// suffix names the environment a test needs (STYLE.md §10).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', root: './shared', include: ['src/**/*.test.ts'] } },
      { test: { name: 'server', root: './server', include: ['src/**/*.test.ts'] } },
      { test: { name: 'client', root: './client', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] } },
      { test: { name: 'test', root: './test', include: ['**/*.test.ts'], exclude: ['node_modules/**'] } },
    ],
  },
});
