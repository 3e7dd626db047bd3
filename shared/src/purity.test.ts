/**
 * shared/ must stay pure (STYLE.md §1). The lint rules in eslint.config.js
 * enforce it; this proves they do, by linting offending code as if it lived
 * in shared/src.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function problems(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}shared/src/purity-probe.ts` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('shared/ purity', () => {
  test.each([
    ['reading the clock with Date.now()', 'export const t = Date.now();', 'no-restricted-properties'],
    ['reading the clock with new Date()', 'export const t = new Date();', 'no-restricted-syntax'],
    ['randomness with Math.random()', 'export const r = Math.random();', 'no-restricted-properties'],
    ['random ids with crypto.randomUUID()', 'export const id = crypto.randomUUID();', 'no-restricted-properties'],
    ['importing node:fs', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", 'no-restricted-imports'],
    ['importing postgres', "import postgres from 'postgres';\nexport const p = postgres;", 'no-restricted-imports'],
    ['importing hono', "import { Hono } from 'hono';\nexport const h = Hono;", 'no-restricted-imports'],
    ['importing dexie', "import Dexie from 'dexie';\nexport const d = Dexie;", 'no-restricted-imports'],
    ['importing react', "import { useState } from 'react';\nexport const u = useState;", 'no-restricted-imports'],
    ['timers', 'export const s = setTimeout;', 'no-restricted-globals'],
    ['a TypeScript enum', 'export enum Color { Red }', 'no-restricted-syntax'],
  ])('lint refuses %s', async (_what, code, rule) => {
    expect(await problems(code)).toContain(rule);
  });

  test('lint accepts a date built from a given time', async () => {
    expect(await problems('export const iso = (ms: number) => new Date(ms).toISOString();')).toEqual([]);
  });
});
