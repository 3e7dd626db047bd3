import { afterAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config.ts';
import { selectRow } from '../db/rows.ts';
import { createTestDatabase } from '../testing/create-test-database.ts';
import { sameSecret } from './auth.ts';
import { loadAuthKeys } from './secrets.ts';

const db = await createTestDatabase();
afterAll(() => db.drop());
const clock = () => Date.UTC(2026, 0, 16);

describe('auth keys', () => {
  test('without ADMIN_TOKEN an admin token is generated once, stored, and the built-in admin exists', async () => {
    const config = loadConfig({}, '/tmp');
    const first = await loadAuthKeys(db.sql, config, clock);
    expect(first.adminTokenGenerated).toBe(true);
    expect(first.adminToken).toMatch(/^stint_admin_[\w-]{32}$/);
    const second = await loadAuthKeys(db.sql, config, clock);
    expect(second.adminTokenGenerated).toBe(false);
    expect(second.adminToken).toBe(first.adminToken);
    expect(second.jwtSecret).toEqual(first.jwtSecret);
    expect(await selectRow(db.sql, 'users', { id: 'admin' })).toMatchObject({ role: 'admin' });
  });

  test('concurrent first starts agree on one secret', async () => {
    const fresh = await createTestDatabase();
    try {
      const config = loadConfig({}, '/tmp');
      const keys = await Promise.all([1, 2, 3, 4].map(() => loadAuthKeys(fresh.sql, config, clock)));
      expect(new Set(keys.map((k) => k.adminToken)).size).toBe(1);
      expect(new Set(keys.map((k) => Buffer.from(k.jwtSecret).toString('hex'))).size).toBe(1);
      expect(keys.filter((k) => k.adminTokenGenerated)).toHaveLength(1);
    } finally {
      await fresh.drop();
    }
  });

  test('ADMIN_TOKEN and JWT_SECRET from the environment win and are never stored', async () => {
    const fresh = await createTestDatabase();
    try {
      const config = loadConfig({ ADMIN_TOKEN: 'env-admin-token-123456', JWT_SECRET: 'j'.repeat(40) }, '/tmp');
      const keys = await loadAuthKeys(fresh.sql, config, clock);
      expect(keys).toMatchObject({ adminToken: 'env-admin-token-123456', adminTokenGenerated: false });
      expect(new TextDecoder().decode(keys.jwtSecret)).toBe('j'.repeat(40));
      expect(await fresh.sql`SELECT key FROM server_settings`).toHaveLength(0);
    } finally {
      await fresh.drop();
    }
  });

  test('the built-in admin keeps role admin across restarts even if it was changed', async () => {
    await db.sql`UPDATE users SET role = 'worker' WHERE id = 'admin'`;
    await loadAuthKeys(db.sql, loadConfig({}, '/tmp'), clock);
    expect(await selectRow(db.sql, 'users', { id: 'admin' })).toMatchObject({ role: 'admin' });
  });
});

describe('sameSecret', () => {
  test.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', 'x', false],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(sameSecret(a, b)).toBe(expected);
  });
});
