import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  test('an empty environment gives the documented defaults', () => {
    expect(loadConfig({}, '/repo')).toEqual({
      PORT: 3000,
      DATABASE_URL: undefined,
      DATA_DIR: '/repo/.stint',
      ADMIN_TOKEN: undefined,
      JWT_SECRET: undefined,
      CRON_SECRET: undefined,
      STALE_CUTOFF_S: 180,
      SCHEDULER_INTERVAL_S: 30,
      ZERO_PORT: 3001,
      ZERO: 'on',
      LOOK_BACK_S: 7 * 24 * 3600,
      LOG_LEVEL: 'info',
      DEMO: 'off',
    });
  });

  test('every variable is read and coerced', () => {
    const config = loadConfig(
      {
        PORT: '3900',
        DATABASE_URL: 'postgres://u:p@db:5432/stint',
        DATA_DIR: '/var/lib/stint',
        ADMIN_TOKEN: 'a'.repeat(20),
        JWT_SECRET: 's'.repeat(40),
        CRON_SECRET: 'c'.repeat(16),
        STALE_CUTOFF_S: '120',
        SCHEDULER_INTERVAL_S: '5',
        ZERO_PORT: '4900',
        ZERO: 'off',
        LOOK_BACK_S: '3600',
        LOG_LEVEL: 'debug',
      },
      '/repo',
    );
    expect(config).toMatchObject({
      PORT: 3900,
      DATABASE_URL: 'postgres://u:p@db:5432/stint',
      DATA_DIR: '/var/lib/stint',
      STALE_CUTOFF_S: 120,
      SCHEDULER_INTERVAL_S: 5,
      ZERO_PORT: 4900,
      ZERO: 'off',
      LOOK_BACK_S: 3600,
      LOG_LEVEL: 'debug',
    });
  });

  test('ZERO_PORT defaults to PORT + 1', () => {
    expect(loadConfig({ PORT: '3900' }, '/repo').ZERO_PORT).toBe(3901);
  });

  test('a relative DATA_DIR resolves against the directory npm start ran in (INIT_CWD)', () => {
    expect(loadConfig({ INIT_CWD: '/work/repo' }).DATA_DIR).toBe('/work/repo/.stint');
    expect(loadConfig({ DATA_DIR: 'data/x' }, '/srv').DATA_DIR).toBe('/srv/data/x');
  });

  test('blank values count as unset', () => {
    expect(loadConfig({ PORT: '', ADMIN_TOKEN: '  ', DATABASE_URL: '' }, '/repo')).toMatchObject({
      PORT: 3000,
      ADMIN_TOKEN: undefined,
      DATABASE_URL: undefined,
    });
  });

  test.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a number (got "abc")'],
    [{ PORT: '3.5' }, 'Invalid configuration: PORT must be a whole number (got "3.5")'],
    [{ PORT: '0' }, 'Invalid configuration: PORT must be at least 1 (got "0")'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT must be at most 65535 (got "70000")'],
    [{ ZERO_PORT: '-2' }, 'Invalid configuration: ZERO_PORT must be at least 1 (got "-2")'],
    [{ STALE_CUTOFF_S: '0' }, 'Invalid configuration: STALE_CUTOFF_S must be greater than 0 (got "0")'],
    [{ SCHEDULER_INTERVAL_S: 'often' }, 'Invalid configuration: SCHEDULER_INTERVAL_S must be a number (got "often")'],
    [{ LOOK_BACK_S: '-60' }, 'Invalid configuration: LOOK_BACK_S must be greater than 0 (got "-60")'],
    [
      { LOG_LEVEL: 'loud' },
      'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [{ DATABASE_URL: 'mysql://x/y' }, 'Invalid configuration: DATABASE_URL must be a postgres:// URL'],
    [{ ADMIN_TOKEN: 'short' }, 'Invalid configuration: ADMIN_TOKEN must be at least 16 characters'],
    [{ JWT_SECRET: 'short' }, 'Invalid configuration: JWT_SECRET must be at least 32 characters'],
    [{ CRON_SECRET: 'short' }, 'Invalid configuration: CRON_SECRET must be at least 16 characters'],
  ])('%o is refused with one line naming the variable', (env, message) => {
    const attempt = () => loadConfig(env, '/repo');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    expect(message).not.toContain('\n');
  });

  test('secrets are never echoed in the error', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'hunter2' }, '/repo')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as unknown }),
    );
  });
});
