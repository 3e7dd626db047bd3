/**
 * Readiness: the route is only mounted after migrations ran and Postgres
 * answered, so answering at all means the server can serve requests.
 */
import { createRoute, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['ops'],
  summary: 'Liveness',
  responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), 'Serving') },
});

export function registerHealthRoutes(app: Router): void {
  app.openapi(healthz, (c) => c.json({ ok: true as const }, 200));
}
