import { describe, expect, test } from 'vitest';
import { dismissStorageNotice, requestPersistentStorage, storageNoticeDismissed } from './storage-persistence.ts';
import type { StorageManagerLike } from './storage-persistence.ts';

/** A storage manager that answers as told and counts the requests. */
function manager(answers: { persisted?: boolean; persist?: boolean | Error }): StorageManagerLike & { asked: number } {
  const fake = {
    asked: 0,
    persisted: () => Promise.resolve(answers.persisted ?? false),
    persist: () => {
      fake.asked += 1;
      return answers.persist instanceof Error ? Promise.reject(answers.persist) : Promise.resolve(answers.persist ?? false);
    },
  };
  return fake;
}

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

describe('persistent storage', () => {
  test('already persistent: granted without asking again', async () => {
    const storage = manager({ persisted: true });
    expect(await requestPersistentStorage(storage)).toBe('persisted');
    expect(storage.asked).toBe(0);
  });

  test('asked and granted, or asked and refused', async () => {
    const granted = manager({ persist: true });
    expect(await requestPersistentStorage(granted)).toBe('persisted');
    expect(granted.asked).toBe(1);
    expect(await requestPersistentStorage(manager({ persist: false }))).toBe('refused');
  });

  test('a browser without the API, or one that throws (not a secure context), cannot be asked', async () => {
    expect(await requestPersistentStorage(undefined)).toBe('unavailable');
    expect(await requestPersistentStorage({})).toBe('unavailable');
    expect(await requestPersistentStorage(manager({ persist: new Error('SecurityError') }))).toBe('unavailable');
  });

  test('the refusal notice, once dismissed, stays dismissed for that person on this device', () => {
    const storage = memoryStorage();
    expect(storageNoticeDismissed(storage, 'w1')).toBe(false);
    dismissStorageNotice(storage, 'w1');
    expect(storageNoticeDismissed(storage, 'w1')).toBe(true);
    expect(storageNoticeDismissed(storage, 'w2')).toBe(false);
  });
});
