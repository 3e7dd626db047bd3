import { describe, expect, test } from 'vitest';
import { defaultLocks, drainLockName, inProcessLocks, processLocks } from './locks.ts';

describe('in-process locks', () => {
  test('one holder at a time, granted in request order', async () => {
    const locks = inProcessLocks();
    const log: string[] = [];
    let releaseFirst = (): void => undefined;
    const first = locks.request('x', () => {
      log.push('first in');
      return new Promise<void>((resolve) => {
        releaseFirst = () => {
          log.push('first out');
          resolve();
        };
      });
    });
    const second = locks.request('x', async () => void log.push('second in'));
    const third = locks.request('x', async () => void log.push('third in'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(log).toEqual(['first in']);
    releaseFirst();
    await Promise.all([first, second, third]);
    expect(log).toEqual(['first in', 'first out', 'second in', 'third in']);
  });

  test('different names do not wait for each other', async () => {
    const locks = inProcessLocks();
    let releaseA = (): void => undefined;
    void locks.request('a', () => new Promise<void>((resolve) => (releaseA = resolve)));
    await expect(locks.request('b', async () => 'b ran')).resolves.toBe('b ran');
    releaseA();
  });

  test('a callback that throws releases the lock', async () => {
    const locks = inProcessLocks();
    await expect(locks.request('x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(locks.request('x', async () => 'next')).resolves.toBe('next');
  });

  test('without navigator.locks every engine of the process shares one manager', () => {
    expect(defaultLocks()).toBe(processLocks);
    expect(drainLockName('stint-w1')).toBe('stint-drain-stint-w1');
  });
});
