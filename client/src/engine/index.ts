/**
 * The client engine's public API (README "Client engine"). The web app and
 * the tests use nothing else.
 */
export { createEngine, MAX_ENGINE_BATCH } from './engine.ts';
export type { ActResult, Engine, EngineOptions, Inbox, SyncStatus } from './engine.ts';
export type { Readable, ReplicaSource } from './local-view.ts';
export { REJECTION_HINTS, UNKNOWN_REJECTION_HINT, hintFor } from './inbox.ts';
export type { InboxItem } from './inbox.ts';
export { httpTransport, TransportError, TransportErrorKind } from './transport.ts';
export type { HttpTransportOptions, Transport } from './transport.ts';
export { inProcessLocks } from './locks.ts';
export type { LockManagerLike } from './locks.ts';
export type { Timers } from './drainer.ts';
export { DEFAULT_BACKOFF, backoffDelay } from './backoff.ts';
export type { BackoffPolicy } from './backoff.ts';
export { Phase, openJournal, readAllRows, JOURNAL_SCHEMA_VERSION } from './journal.ts';
export type { IntentStatus, JournalRow, SyncError } from './journal.ts';
