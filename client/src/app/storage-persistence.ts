/**
 * Persistent storage for the journal and the replica: the browser may evict
 * a site's IndexedDB when the device runs short of space, unless the site's
 * storage is persistent. Evicting it would lose intents not yet sent, so
 * the app asks for persistence once it is signed in (on every start: a
 * browser may grant it later, e.g. once the app is installed), and says so
 * when the browser refuses.
 *
 *   const persistence = await requestPersistentStorage(navigator.storage);   // 'persisted' | 'refused' | 'unavailable'
 */

/** The part of the browser's StorageManager this needs; injectable for tests. */
export interface StorageManagerLike {
  persisted?(): Promise<boolean>;
  persist?(): Promise<boolean>;
}

export const Persistence = { persisted: 'persisted', refused: 'refused', unavailable: 'unavailable' } as const;
export type Persistence = (typeof Persistence)[keyof typeof Persistence];

/** Asks for persistent storage unless it is already granted; `unavailable` where the browser cannot be asked (no API, not a secure context). */
export async function requestPersistentStorage(manager: StorageManagerLike | undefined): Promise<Persistence> {
  if (manager?.persist === undefined) return Persistence.unavailable;
  try {
    if ((await manager.persisted?.()) === true) return Persistence.persisted;
    return (await manager.persist()) ? Persistence.persisted : Persistence.refused;
  } catch {
    return Persistence.unavailable;
  }
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

function noticeKey(userId: string): string {
  return `stint.storage-notice.v1.${userId}`;
}

/** The person dismissed the notice on this device (it is not shown again). */
export function storageNoticeDismissed(storage: StorageLike, userId: string): boolean {
  try {
    return storage.getItem(noticeKey(userId)) !== null;
  } catch {
    return false;
  }
}

export function dismissStorageNotice(storage: StorageLike, userId: string): void {
  try {
    storage.setItem(noticeKey(userId), 'dismissed');
  } catch {
    // Storage denied: the notice shows again next time, nothing else is lost.
  }
}
