import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { corruptedRequest, requestConforms } from './corrupted-requests.ts';
import type { FuzzRequest } from './corrupted-requests.ts';
import { conforms } from './json-schema-check.ts';
import type { JsonSchema, Operation } from './openapi-model.ts';
import { DEEP_ARRAY, Raw, serialise } from './json-text.ts';
import { invalidValues, validValue } from './schema-arbitraries.ts';

const ID: JsonSchema = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:@-]+$' };
const TITLE: JsonSchema = { type: 'string', minLength: 1, maxLength: 500 };
const STEP: JsonSchema = { type: 'object', properties: { id: ID, title: TITLE, requires_check: { type: 'boolean' } }, required: ['title'] };

/** Schemas shaped like the document's: every feature the generators must handle. */
const SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  id: ID,
  title: TITLE,
  numericStatus: { type: 'integer', enum: [1, 2, 3, 4] },
  time: { type: 'string', format: 'date-time' },
  paging: { type: 'string', pattern: '^\\d{1,16}$' },
  bounded: { type: ['integer', 'null'], minimum: 0, maximum: 1_000_000 },
  strict: { type: 'object', properties: { task_id: ID, status: { type: 'string', enum: ['todo', 'done'] } }, required: ['task_id'], additionalProperties: false },
  nested: { type: 'object', properties: { title: TITLE, tasks: { type: 'array', items: { type: 'object', properties: { title: TITLE, steps: { type: 'array', items: STEP, maxItems: 3 } }, required: ['title', 'steps'] }, maxItems: 2 } }, required: ['title', 'tasks'] },
  nullableList: { type: ['array', 'null'], items: { type: 'object', properties: {}, additionalProperties: {} } },
  unconstrained: {},
};

const POOL = ['fx-task', 'fx-sop', 'fx-step-1'];

const OPERATION: Operation = {
  method: 'PATCH',
  path: '/things/{id}',
  key: 'PATCH /things/{id}',
  pathParams: [{ name: 'id', in: 'path', required: true, schema: ID }],
  queryParams: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } }],
  body: { schema: SCHEMAS['nested'] ?? {}, required: true },
  responses: [200, 400],
};

describe('schema arbitraries', () => {
  test.each(Object.entries(SCHEMAS))('valid values of %s conform', (_name, schema) => {
    fc.assert(fc.property(validValue(schema, POOL), (value) => conforms(schema, value)), { numRuns: 200 });
  });

  test.each(Object.entries(SCHEMAS))('invalid values for %s never conform', (_name, schema) => {
    fc.assert(
      fc.property(validValue(schema, POOL), (current) => {
        for (const bad of invalidValues(schema, current)) {
          const parsed: unknown = bad instanceof Raw ? JSON.parse(bad.text) : bad;
          expect(conforms(schema, parsed), `${serialise(bad).slice(0, 80)} conforms`).toBe(false);
        }
      }),
      { numRuns: 20 },
    );
  });

  test('ids come mostly from the pool of existing entities', () => {
    const drawn = fc.sample(validValue(ID, POOL), { numRuns: 400, seed: 3 });
    expect(drawn.filter((id) => POOL.includes(id as string)).length).toBeGreaterThan(200);
  });
});

describe('corrupted requests', () => {
  test('every generated request is invalid per the document', () => {
    const arbitrary = corruptedRequest(OPERATION, POOL);
    if (arbitrary === null) throw new Error('the operation declares input');
    fc.assert(fc.property(arbitrary, (request) => !requestConforms(OPERATION, request)), { numRuns: 500 });
  });

  test('the oracle accepts a valid request, so a refusal is never by construction', () => {
    const valid: FuzzRequest = {
      method: 'PATCH',
      pathParams: { id: 'fx-task' },
      query: [['limit', '20']],
      body: { text: JSON.stringify({ title: 'T', tasks: [{ title: 'A', steps: [{ title: 'S' }] }] }), contentType: 'application/json; charset=utf-8' },
      corruption: 'none',
    };
    expect(requestConforms(OPERATION, valid)).toBe(true);
    expect(requestConforms(OPERATION, { ...valid, query: [['limit', '20'], ['limit', '21']] })).toBe(false);
    expect(requestConforms(OPERATION, { ...valid, body: { text: valid.body?.text ?? '', contentType: 'text/plain' } })).toBe(false);
    expect(requestConforms(OPERATION, { ...valid, pathParams: { id: 'a b' } })).toBe(false);
  });

  test('an operation with no declared input gets no corrupted requests', () => {
    const { body: _body, ...bodiless } = OPERATION;
    expect(corruptedRequest({ ...bodiless, pathParams: [], queryParams: [] }, POOL)).toBeNull();
  });

  test('serialise splices raw JSON text in place', () => {
    expect(serialise({ a: new Raw('1e999'), b: ['x'] })).toBe('{"a":1e999,"b":["x"]}');
    expect(JSON.parse(serialise({ deep: DEEP_ARRAY })).deep).toBeInstanceOf(Array);
  });
});
