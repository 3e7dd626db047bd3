/** The read path on the client: a Zero client for Stint and the replica it feeds (DESIGN §4). */
export { createStintZero } from './stint-zero.ts';
export type { StintZero, StintZeroOptions } from './stint-zero.ts';
export { ZeroReplica } from './zero-replica.ts';
export type { Replica, ReplicaStatus, ZeroReplicaOptions } from './zero-replica.ts';
