/**
 * Conventions the lint rules in eslint.config.js enforce across packages
 * (STYLE.md §5, §16): production code imports no test helper and no vitest,
 * builds DomainErrors one way and has one `unreachable`. This proves the
 * rules do, by linting offending code as if it lived in each package.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function problems(code: string, path: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const PRODUCTION = ['shared/src/tasks/probe.ts', 'server/src/routes/probe.ts', 'client/src/engine/probe.ts', 'client/src/app/probe.tsx'];

const HELPER_IMPORTS = [
  ['a testing.ts beside it', "import { T0 } from './testing.ts';\nexport const t = T0;"],
  ["another folder's testing.ts", "import { T0 } from '../tasks/testing.ts';\nexport const t = T0;"],
  ['a testing/ folder', "import { createTestApp } from '../testing/test-app.ts';\nexport const t = createTestApp;"],
  ["shared's test helpers", "import { step } from '@stint/shared/testing';\nexport const s = step;"],
  ['vitest', "import { expect } from 'vitest';\nexport const e = expect;"],
  ['vitest, types only', "import type { Mock } from 'vitest';\nexport type M = Mock;"],
] as const;

describe('production code never imports test helpers', () => {
  describe.each(PRODUCTION)('in %s', (path) => {
    test.each(HELPER_IMPORTS)('lint refuses importing %s', async (_what, code) => {
      expect(await problems(code, path)).toContain('no-restricted-imports');
    });
  });

  test.each(['server/src/routes/probe.pg.test.ts', 'client/src/app/probe.test.tsx', 'shared/src/tasks/probe.test.ts', 'server/src/runs/testing.ts', 'client/src/engine/testing/probe.ts', 'test/sim/probe.ts'])(
    'tests, test helpers and test/ may: %s',
    async (path) => {
      for (const [, code] of HELPER_IMPORTS) expect(await problems(code, path)).toEqual([]);
    },
  );

  test('a module whose name merely contains "testing" is not a test helper', async () => {
    expect(await problems("import { retesting } from './retesting.ts';\nexport const r = retesting;", 'server/src/routes/probe.ts')).toEqual([]);
  });
});

describe('one of each', () => {
  test.each(PRODUCTION)('lint refuses new DomainError( in %s: domainError() builds them', async (path) => {
    const code = "import { DomainError } from '@stint/shared';\nexport const e = new DomainError('NOT_FOUND', 'gone');";
    expect(await problems(code, path)).toContain('no-restricted-syntax');
  });

  test.each(PRODUCTION)('lint refuses a local unreachable in %s: the one is exported by shared', async (path) => {
    const code = 'function unreachable(value: never): never {\n  throw new Error(String(value));\n}\nexport const u = (v: never) => unreachable(v);';
    expect(await problems(code, path)).toContain('no-restricted-syntax');
  });
});
