/**
 * GET /api/openapi.json: the OpenAPI 3.1 document, generated at request time
 * from the same zod schemas every route validates with (createRoute), so it
 * cannot drift from the code. Nothing here is written by hand but the title.
 */
import type { Router } from '../http/router.ts';

export const OPENAPI_PATH = '/api/openapi.json';

export function registerOpenApiRoutes(app: Router): void {
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'Stint API',
      version: '1',
      description:
        'Offline-first work sessions, tasks, SOP runs and scheduled sessions. Auth: Authorization: Bearer <token>. ' +
        'Errors: {"error": {"code", "message", "details"}}. Times: ISO-8601 UTC with Z; durations: whole seconds.',
    },
  });
}
