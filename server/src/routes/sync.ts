/**
 * Where a device drains its intent journal. A batch that is malformed as a
 * whole is a 400 and nothing applies; a malformed single intent is only that
 * intent's rejected outcome, so one bad row never blocks a device's journal.
 * What Postgres could not store in any outcome (a NUL in the device id, a
 * sent_at outside years 1–9999) is refused with the batch.
 */
import { PushRequestSchema, PushResponseSchema } from '@stint/shared';
import { currentUser, requireUser } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonBody, jsonResponse } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { isStorableText } from '../db/sql.ts';
import { storableTime } from '../intents/execute.ts';
import { pushBatch } from '../intents/push-batch.ts';

/** The shared batch schema plus what Postgres must be able to store for every outcome. */
export const PushBodySchema = PushRequestSchema.superRefine((batch, ctx) => {
  if (!isStorableText(batch.device_id)) ctx.addIssue({ code: 'custom', path: ['device_id'], message: 'must not contain NUL characters or lone surrogates' });
  if (storableTime(Date.parse(batch.sent_at)) === null) {
    ctx.addIssue({ code: 'custom', path: ['sent_at'], message: 'must be between the years 1 and 9999' });
  }
  batch.intents.forEach((intent, index) => {
    if (!isStorableText(intent.id)) ctx.addIssue({ code: 'custom', path: ['intents', index, 'id'], message: 'must not contain NUL characters or lone surrogates' });
  });
});

const push = createRoute({
  method: 'post',
  path: '/api/v1/sync/push',
  tags: ['sync'],
  summary: "Apply a device's journaled intents in order; one outcome per intent",
  middleware: [requireUser] as const,
  request: { body: jsonBody(PushBodySchema) },
  responses: {
    200: jsonResponse(dataOf(PushResponseSchema), 'One outcome per intent, in order'),
    ...errorResponses(400, 401),
  },
});

export function registerSyncRoutes(app: Router, deps: AppDeps): void {
  app.openapi(push, async (c) => {
    const user = currentUser(c);
    const data = await pushBatch({ ...deps, logger: c.var.log }, { user_id: user.id, role: user.role }, c.req.valid('json'));
    return c.json({ data }, 200);
  });
}
