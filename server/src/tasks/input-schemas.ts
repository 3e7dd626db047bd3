/**
 * Request schemas the task, work-session and checklist routes share. They
 * are the server's id and text rules (http/schemas.ts) narrowed to what an
 * intent accepts (shared intent-args.ts), so any input a route lets through
 * also parses as its intent: bad input is 400 INVALID_INPUT at the door,
 * never an INVALID_INTENT from deeper down.
 */
import { z } from '@hono/zod-openapi';
import { MAX_ID_LENGTH, MAX_TITLE_LENGTH } from '@stint/shared';
import { IdSchema, textSchema } from '../http/schemas.ts';

/** A task or checklist item id: the server's id characters, at most the intent's length. */
export const EntityIdSchema = IdSchema.max(MAX_ID_LENGTH);

/** A title as people type it: trimmed, not empty, no NUL, bounded like the intent's. */
export const TitleInputSchema = textSchema(MAX_TITLE_LENGTH);

/** `{id}` path parameter. */
export const EntityIdParamSchema = z.object({
  id: EntityIdSchema.openapi({ param: { name: 'id', in: 'path' } }),
});

/** `{userId}` path parameter. */
export const UserIdParamSchema = z.object({
  userId: IdSchema.openapi({ param: { name: 'userId', in: 'path' } }),
});

/** `{task_id}`: seed 003's work-session body (string ids in this API). */
export const TaskRefBodySchema = z.strictObject({ task_id: EntityIdSchema }).openapi('TaskRef');

/** A PATCH body must name at least one field to change. */
export function atLeastOneField(value: Readonly<Record<string, unknown>>): boolean {
  return Object.values(value).some((field) => field !== undefined);
}
