/**
 * The audit log for supervisors. Entries are only ever inserted, by the
 * rules' effects and by the executor when it refuses a change to a locked
 * run; a database trigger refuses UPDATE, DELETE and TRUNCATE, so this route
 * only reads.
 */
import { requireRole } from '../auth/middleware.ts';
import type { AppDeps } from '../http/env.ts';
import { createRoute, dataOf, errorResponses, jsonResponse, z } from '../http/router.ts';
import type { Router } from '../http/router.ts';
import { MAX_ID_LENGTH } from '@stint/shared';
import { PAGING_QUERY, textSchema } from '../http/input.ts';
import { AuditEntryJsonSchema, auditEntryJson, listAudit } from '../runs/audit-entries.ts';

/** Entity ids are matched as stored (an intent's id may hold any character), so only their length is checked. */
const filter = (name: string, description: string, max = 200) =>
  textSchema(max).optional().openapi({ param: { name, in: 'query' }, description });

const AuditQuerySchema = z.object({
  entity_id: filter('entity_id', 'Only entries about this entity (e.g. a run id)', MAX_ID_LENGTH),
  entity: filter('entity', 'Only entries about this kind of entity (e.g. procedure_runs)'),
  action: filter('action', 'Only entries with this action (e.g. WorkSessionCompleted)'),
  ...PAGING_QUERY,
});

const listAuditRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit',
  tags: ['audit'],
  summary: 'Audit log entries, newest first (supervisor, admin)',
  middleware: [requireRole('supervisor', 'admin')] as const,
  request: { query: AuditQuerySchema },
  responses: { 200: jsonResponse(dataOf(z.array(AuditEntryJsonSchema)), 'Audit entries'), ...errorResponses(400, 401, 403) },
});

export function registerAuditRoutes(app: Router, { sql }: AppDeps): void {
  app.openapi(listAuditRoute, async (c) => {
    const { entity_id, entity, action, limit, offset } = c.req.valid('query');
    const rows = await listAudit(sql, { entityId: entity_id, entity, action, limit, offset });
    return c.json({ data: rows.map(auditEntryJson) }, 200);
  });
}
