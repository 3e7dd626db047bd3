/**
 * Where this device remembers the stale prompts it raised and the answers
 * given (stale-prompt-model.ts invariant 3): localStorage, one entry per
 * signed-in person. Anything unreadable reads as "nothing remembered": the
 * worst case is one prompt asked again.
 */
import { z } from 'zod';
import { StaleAnswer } from './stale-prompt-model.ts';
import type { StalePromptRecord } from './stale-prompt-model.ts';

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

const RecordsSchema = z.record(
  z.string(),
  z.object({ raised_at: z.number().int().nonnegative(), answer: z.enum([StaleAnswer.keep, StaleAnswer.discard]).nullable() }),
);

export function stalePromptKey(userId: string): string {
  return `stint.stale-prompts.v1.${userId}`;
}

export function loadStalePrompts(storage: StorageLike, userId: string): Map<string, StalePromptRecord> {
  try {
    const raw = storage.getItem(stalePromptKey(userId));
    const parsed = raw === null ? null : RecordsSchema.safeParse(JSON.parse(raw));
    return new Map(parsed?.success === true ? Object.entries(parsed.data) : []);
  } catch {
    return new Map();
  }
}

export function saveStalePrompts(storage: StorageLike, userId: string, records: ReadonlyMap<string, StalePromptRecord>): void {
  try {
    storage.setItem(stalePromptKey(userId), JSON.stringify(Object.fromEntries(records)));
  } catch {
    // Storage full or denied: the prompt may be asked again, nothing else is lost.
  }
}
