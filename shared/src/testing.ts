/**
 * Test helpers of shared, for tests here and in the other packages
 * (`@stint/shared/testing`). Never part of the package's entry point, and
 * production code never imports them (eslint.config.js says so).
 */
export * from './intents/testing.ts';
export * from './tasks/testing.ts';
