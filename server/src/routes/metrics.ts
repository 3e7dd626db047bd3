/**
 * GET /metrics: this app instance's Prometheus registry in the text
 * exposition format (intent outcomes, sweep runs and durations, HTTP
 * latency; see metrics/metrics.ts). Unauthenticated, as scrapers expect:
 * it holds counts and timings, never ids or payloads.
 */
import type { AppDeps } from '../http/env.ts';
import { createRoute, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';

export const METRICS_PATH = '/metrics';

const metricsRoute = createRoute({
  method: 'get',
  path: METRICS_PATH,
  tags: ['ops'],
  summary: 'Prometheus metrics (text exposition format)',
  responses: {
    200: {
      description: 'Prometheus text format 0.0.4',
      content: { 'text/plain': { schema: z.string() } },
    },
  },
});

export function registerMetricsRoutes(app: Router, { metrics }: AppDeps): void {
  app.openapi(metricsRoute, async (c) => {
    const body = await metrics.registry.metrics();
    return c.text(body, 200, { 'content-type': metrics.registry.contentType });
  });
}
