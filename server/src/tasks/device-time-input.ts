/**
 * A time a device writes in a request body or query (`until`, `alive_since`,
 * `from`, `to`): ISO-8601 with `Z` or a numeric offset, never a bare local
 * time. It is shared's DeviceTimeSchema (intent-args.ts) rebuilt with the
 * server's zod, whose schemas take OpenAPI metadata; shared's own instance
 * does not. Same rule, so any time a route lets through also parses as its
 * intent's (device-time-input.test.ts holds them together).
 */
import { z } from '@hono/zod-openapi';

export const DeviceTimeInputSchema = z.iso.datetime({ offset: true }).max(64);
