/**
 * Corrupted requests for one operation of the document: a valid request
 * drawn from its declared schemas, then exactly one thing broken — a path
 * parameter, a query parameter, one spot of the JSON body (wrong type,
 * missing required field, unknown field, null, oversized, out of range,
 * deep nesting, …), the JSON text itself, or its content type.
 *
 * Invariants:
 * 1. `requestConforms` re-checks a whole request against the document
 *    independently of how it was built; every request `corruptedRequest`
 *    yields fails it (the fuzz tests assert so before sending).
 * 2. Only declared inputs are corrupted: junk in an undeclared place (an
 *    extra query parameter, a body on a body-less route) is ignored by
 *    design, so it could leave a valid request that changes state.
 * 3. An optional body (the run action routes) may be absent or empty, and
 *    a body without a content type counts as absent there, so neither is
 *    generated as a corruption for such routes.
 */
import fc from 'fast-check';
import { conforms } from './json-schema-check.ts';
import { typesOf } from './openapi-model.ts';
import type { JsonSchema, Operation, Parameter } from './openapi-model.ts';
import { editsAt, spotsOf } from './body-spots.ts';
import { preview, serialise } from './json-text.ts';
import { invalidStrings, validValue } from './schema-arbitraries.ts';

export interface FuzzRequest {
  readonly method: string;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: readonly (readonly [string, string])[];
  /** Absent: no body at all. `contentType` null: no Content-Type header. */
  readonly body?: { readonly text: string; readonly contentType: string | null };
  /** What was broken, for failure messages. */
  readonly corruption: string;
}

export interface CorruptionOptions {
  /** Valid bodies to start from instead of ones drawn from the schema (e.g. a push batch of real intents). */
  readonly validBody?: fc.Arbitrary<unknown>;
}

/** Requests for `op` with one declared input corrupted; null when the operation declares no input. */
export function corruptedRequest(op: Operation, pool: readonly string[], options: CorruptionOptions = {}): fc.Arbitrary<FuzzRequest> | null {
  if (op.pathParams.length === 0 && op.queryParams.length === 0 && op.body === undefined) return null;
  return validRequest(op, pool, options.validBody).chain((base) => {
    const choices: Weighted[] = [];
    for (const param of op.pathParams) choices.push({ weight: 3, arbitrary: corruptPathParam(base, param) });
    for (const param of op.queryParams) choices.push({ weight: 3, arbitrary: corruptQueryParam(base, param, pool) });
    if (op.body !== undefined && base.bodyValue !== undefined) choices.push(...corruptBody(op, base, base.bodyValue));
    return fc.oneof(...choices);
  });
}

/** The whole request against the document (invariant 1). */
export function requestConforms(op: Operation, request: FuzzRequest): boolean {
  for (const param of op.pathParams) {
    const value = request.pathParams[param.name];
    if (value === undefined || !conforms(param.schema, value)) return false;
  }
  for (const param of op.queryParams) {
    const values = request.query.filter(([name]) => name === param.name).map(([, value]) => value);
    if (values.length > 1) return false;
    if (values.length === 0 ? param.required : !queryValueConforms(param.schema, values[0] ?? '')) return false;
  }
  if (op.body === undefined) return true;
  if (request.body === undefined || request.body.text.trim() === '') return !op.body.required;
  if (request.body.contentType === null || !isJsonMediaType(request.body.contentType)) return false;
  try {
    return conforms(op.body.schema, JSON.parse(request.body.text));
  } catch {
    return false;
  }
}

/** The URL of a request: template filled with percent-encoded parameters, then the query string. */
export function urlOf(path: string, request: FuzzRequest): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(request.pathParams[name] ?? ''));
  const query = new URLSearchParams(request.query.map(([name, value]): [string, string] => [name, value])).toString();
  return query === '' ? filled : `${filled}?${query}`;
}

export function isJsonMediaType(contentType: string): boolean {
  return /^application\/json\s*(;.*)?$/i.test(contentType.trim());
}

interface ValidRequest extends Omit<FuzzRequest, 'corruption'> {
  readonly bodyValue?: unknown;
}

function validRequest(op: Operation, pool: readonly string[], validBody?: fc.Arbitrary<unknown>): fc.Arbitrary<ValidRequest> {
  const pathParams = fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, validValue(p.schema, pool).map(String)])));
  const query = fc.tuple(...op.queryParams.map((p) => fc.option(validValue(p.schema, pool).map((v): [string, string] => [p.name, String(v)]), { nil: undefined })));
  const body = op.body === undefined ? fc.constant(undefined) : (validBody ?? validValue(op.body.schema, pool));
  return fc.record({ pathParams, query, body }).map(({ pathParams: params, query: entries, body: value }) => ({
    method: op.method,
    pathParams: params as Record<string, string>,
    query: entries.filter((entry): entry is [string, string] => entry !== undefined),
    ...(value === undefined ? {} : { bodyValue: value, body: { text: serialise(value), contentType: 'application/json' } }),
  }));
}

function corruptPathParam(base: ValidRequest, param: Parameter): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...invalidStrings(param.schema).filter(encodable)).map((value) => ({
    ...base,
    pathParams: { ...base.pathParams, [param.name]: value },
    corruption: `path ${param.name} := ${preview(value)}`,
  }));
}

function corruptQueryParam(base: ValidRequest, param: Parameter, pool: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const others = base.query.filter(([name]) => name !== param.name);
  const single = fc.constantFrom(...invalidQueryStrings(param.schema)).map((value) => ({
    ...base,
    query: [...others, [param.name, value] as const],
    corruption: `query ${param.name} := ${preview(value)}`,
  }));
  const repeated = fc.tuple(validValue(param.schema, pool), validValue(param.schema, pool)).map(([a, b]) => ({
    ...base,
    query: [...others, [param.name, String(a)] as const, [param.name, String(b)] as const],
    corruption: `query ${param.name} repeated`,
  }));
  return fc.oneof({ weight: 4, arbitrary: single }, { weight: 1, arbitrary: repeated });
}

type Weighted = { readonly weight: number; readonly arbitrary: fc.Arbitrary<FuzzRequest> };

function corruptBody(op: Operation, base: ValidRequest, value: unknown): Weighted[] {
  const required = op.body?.required === true;
  // A spot of unconstrained content (Zero's protocol bodies) has no invalid value.
  const edits = spotsOf(op.body?.schema ?? {}, value).flatMap(editsAt);
  const atSpot = fc.constantFrom(...edits).map((edit) => withBody(base, serialise(edit.apply(value)), 'application/json', `body ${edit.label}`));
  const text = base.body?.text ?? '{}';
  const malformed = [text.slice(0, Math.max(1, text.length - 1)), text.slice(0, Math.ceil(text.length / 2)), `${text}}`, `${text} trailing`, '{', "{'title': 'x'}", 'undefined', 'NaN', '{"a":1,}', '\u0000', '"unterminated'];
  const contentTypes = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', 'application/jsonx'];
  const whole: fc.Arbitrary<FuzzRequest>[] = [
    fc.constantFrom(...malformed).map((bad) => withBody(base, bad, 'application/json', `malformed JSON ${preview(bad)}`)),
    fc.constantFrom(...contentTypes).map((type) => withBody(base, text, type, `content type ${type}`)),
  ];
  if (required) {
    whole.push(
      fc.constant({ ...withoutBody(base), corruption: 'no body' }),
      fc.constant(withBody(base, text, null, 'no content type')),
      fc.constant(withBody(base, '', 'application/json', 'empty body')),
    );
  }
  return [{ weight: 8, arbitrary: atSpot }, ...whole.map((arbitrary) => ({ weight: 1, arbitrary }))];
}

function invalidQueryStrings(schema: JsonSchema): string[] {
  const types = typesOf(schema);
  const numeric = types !== 'any' && !types.includes('string') && types.some((type) => type === 'integer' || type === 'number');
  // No '' for numbers: the bookings list reads it as 0 through z.coerce (lenient, harmless on a read).
  const candidates = numeric
    ? ['abc', '1.5', '-1', '1e999', 'Infinity', 'NaN', '9'.repeat(400), String((schema.maximum ?? 1e9) + 1), String((schema.minimum ?? 0) - 1), 'x'.repeat(10_240), '1\u0000']
    : invalidStrings(schema);
  return candidates.filter((value) => encodable(value) && !queryValueConforms(schema, value));
}

function queryValueConforms(schema: JsonSchema, value: string): boolean {
  const types = typesOf(schema);
  if (types === 'any' || types.includes('string')) return conforms(schema, value);
  return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value) && conforms(schema, Number(value));
}

function withBody(base: ValidRequest, text: string, contentType: string | null, corruption: string): FuzzRequest {
  return { ...withoutBody(base), body: { text, contentType }, corruption };
}

function withoutBody(base: ValidRequest): Omit<FuzzRequest, 'corruption'> {
  return { method: base.method, pathParams: base.pathParams, query: base.query };
}

/** A URL cannot carry lone surrogates (encodeURIComponent throws; URLSearchParams makes them U+FFFD). */
function encodable(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}
