/**
 * The operations of the app's own OpenAPI document (`GET /api/openapi.json`),
 * with every `$ref` resolved, so the fuzzers cover whatever routes the app
 * declares today: a new route is fuzzed the day it is registered.
 *
 * Invariants:
 * 1. Schemas are read only from the generated document, never restated
 *    here, so the fuzzers cannot drift from the routes' zod schemas.
 * 2. Resolution is total: an unresolvable or cyclic `$ref` throws (the
 *    document's generator cannot describe recursion, see routes/zero.ts).
 */

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** The subset of JSON Schema (OpenAPI 3.1) the document uses. */
export interface JsonSchema {
  readonly type?: JsonType | readonly JsonType[];
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly $ref?: string;
}

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: JsonSchema;
}

export interface Operation {
  /** Upper case, e.g. `POST`. */
  readonly method: string;
  /** OpenAPI template, e.g. `/api/v1/tasks/{id}`. */
  readonly path: string;
  /** `POST /api/v1/tasks/{id}/claim`: how tables and test names refer to an operation. */
  readonly key: string;
  readonly pathParams: readonly Parameter[];
  readonly queryParams: readonly Parameter[];
  /** The JSON body, if the operation declares one. */
  readonly body?: { readonly schema: JsonSchema; readonly required: boolean };
  readonly responses: readonly number[];
}

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, RawOperation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> };
}

/** Every operation of the document, in document order, with schemas resolved. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const params = (raw.parameters ?? []).map((p) => ({ ...p, required: p.required === true, schema: resolveSchema(doc, p.schema) }));
      const json = raw.requestBody?.content?.['application/json'];
      operations.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        ...(json === undefined ? {} : { body: { schema: resolveSchema(doc, json.schema), required: raw.requestBody?.required === true } }),
        responses: Object.keys(raw.responses ?? {}).map(Number),
      });
    }
  }
  return operations;
}

/** A schema with every `$ref` replaced by its target (invariant 2). */
export function resolveSchema(doc: OpenApiDocument, schema: JsonSchema, seen: readonly string[] = []): JsonSchema {
  if (schema.$ref !== undefined) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : doc.components?.schemas?.[name];
    if (name === undefined || target === undefined) throw new Error(`unresolvable $ref ${schema.$ref}`);
    if (seen.includes(name)) throw new Error(`cyclic $ref ${[...seen, name].join(' → ')}`);
    return resolveSchema(doc, target, [...seen, name]);
  }
  const out: Record<string, unknown> = { ...schema };
  if (schema.properties !== undefined) {
    out['properties'] = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolveSchema(doc, v, seen)]));
  }
  if (schema.items !== undefined) out['items'] = resolveSchema(doc, schema.items, seen);
  if (typeof schema.additionalProperties === 'object') out['additionalProperties'] = resolveSchema(doc, schema.additionalProperties, seen);
  return out as JsonSchema;
}

/** The types a schema admits (no `type` and no `enum`: anything). */
export function typesOf(schema: JsonSchema): readonly JsonType[] | 'any' {
  if (schema.type !== undefined) return typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (schema.enum !== undefined) return [...new Set(schema.enum.map(jsonTypeOf))];
  if (schema.properties !== undefined) return ['object'];
  return 'any';
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

interface RawOperation {
  readonly parameters?: readonly { readonly name: string; readonly in: Parameter['in']; readonly required?: boolean; readonly schema: JsonSchema }[];
  readonly requestBody?: { readonly required?: boolean; readonly content?: Readonly<Record<string, { readonly schema: JsonSchema }>> };
  readonly responses?: Readonly<Record<string, unknown>>;
}
