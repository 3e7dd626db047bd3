import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// One of each everywhere: no enums, one way to build a DomainError, one
// `unreachable` (a local copy is any non-exported function of that name).
const oneOfEach = [
  { selector: 'TSEnumDeclaration', message: 'Use an `as const` object instead of an enum (STYLE.md §4).' },
  { selector: "NewExpression[callee.name='DomainError']", message: 'Build it with domainError(code, message, details).' },
  { selector: ":not(ExportNamedDeclaration) > FunctionDeclaration[id.name='unreachable']", message: 'Import the one unreachable from @stint/shared.' },
];

// Test helpers live in `testing.ts` beside what they help test (or a
// `testing/` folder), and `@stint/shared/testing`; production code — every
// package's src/ but its tests and helpers — imports none of them, nor vitest
// (STYLE §16).
const PRODUCTION = ['shared/src/**/*.ts', 'server/src/**/*.ts', 'client/src/**/*.{ts,tsx}'];
const NOT_PRODUCTION = ['**/*.test.{ts,tsx}', '**/testing.ts', '**/testing/**'];
const testHelperImports = [
  { regex: '(^|/)testing(\\.ts)?$', message: 'Test helpers are for tests: production code never imports them.' },
  { regex: '(^|/)testing/', message: 'Test helpers are for tests: production code never imports them.' },
  { group: ['vitest', 'vitest/*'], message: 'Only tests and their helpers import vitest.' },
];

// shared/ holds the rules every executor runs (server, local view, Zero). It
// must stay pure: time and ids come in as arguments, never from the ambient
// world. The compiler hides Node/DOM globals from it (tsconfig "types": []);
// these rules catch what the compiler cannot.
const pureImports = [
  { group: ['node:*'], message: 'shared/ does no I/O.' },
  { group: ['hono', 'hono/*', 'postgres', 'dexie', 'dexie/*', 'react', 'react-dom', 'react/*'],
    message: 'shared/ does no I/O and renders nothing.' },
  { group: ['fs', 'path', 'crypto', 'child_process', 'http', 'https', 'net', 'os'], message: 'shared/ does no I/O.' },
];
const purity = {
  'no-restricted-imports': ['error', { patterns: pureImports }],
  'no-restricted-properties': ['error',
    { object: 'Date', property: 'now', message: 'Pass `now` in as an argument.' },
    { object: 'Math', property: 'random', message: 'Pass randomness (ids) in as arguments.' },
    { object: 'crypto', property: 'randomUUID', message: 'Pass ids in as arguments.' },
    { object: 'crypto', property: 'getRandomValues', message: 'Pass randomness in as arguments.' },
    { object: 'performance', property: 'now', message: 'Pass `now` in as an argument.' },
  ],
  'no-restricted-syntax': ['error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads the clock; pass `now` in.' },
    { selector: "CallExpression[callee.name='Date']", message: 'Date() reads the clock; pass `now` in.' },
    ...oneOfEach,
  ],
  'no-restricted-globals': ['error', 'fetch', 'setTimeout', 'setInterval', 'queueMicrotask', 'process', 'window', 'document', 'localStorage', 'indexedDB'],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.tools/**', '.stint/**', 'coverage/**', 'test-results/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', ...oneOfEach],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['shared/src/**/*.ts'],
    ignores: ['shared/src/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: purity,
  },
  {
    files: PRODUCTION,
    ignores: NOT_PRODUCTION,
    rules: { 'no-restricted-imports': ['error', { patterns: testHelperImports }] },
  },
  {
    // Both lists for shared's production code: a later block's options replace an earlier one's.
    files: ['shared/src/**/*.ts'],
    ignores: NOT_PRODUCTION,
    rules: { 'no-restricted-imports': ['error', { patterns: [...pureImports, ...testHelperImports] }] },
  },
);
