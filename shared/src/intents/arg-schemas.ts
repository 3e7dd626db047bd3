/**
 * What every intent's args are made of. Args are strict objects (an unknown
 * key is an error, never silently dropped, so a client and the server cannot
 * disagree about what an intent meant) and every string is bounded, so one
 * intent cannot be arbitrarily large.
 */
import { z } from 'zod';

export const MAX_ID_LENGTH = 128;
export const MAX_TITLE_LENGTH = 500;
export const MAX_NOTES_LENGTH = 4_000;
export const MAX_REASON_LENGTH = 1_000;

/** An ISO-8601 timestamp from a device: `Z` or a numeric offset, never a bare local time. */
export const DeviceTimeSchema = z.iso.datetime({ offset: true }).max(64);

/** A client-made id (UUID, ULID, …): non-empty, bounded. */
export const IdSchema = z.string().min(1).max(MAX_ID_LENGTH);
/** A title as people type it: trimmed, non-empty, bounded. */
export const TitleSchema = z.string().trim().min(1).max(MAX_TITLE_LENGTH);
/** A person's reason (an approval, a supervisor's override): trimmed, non-empty, bounded. */
export const ReasonSchema = z.string().trim().min(1).max(MAX_REASON_LENGTH);
