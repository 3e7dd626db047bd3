/**
 * The places of a JSON body its schema declares, and the edits that break
 * one place: a value the schema refuses, a required property removed, an
 * unknown property added where the schema forbids unknown ones.
 *
 * Invariants:
 * 1. Spots are walked along the schema, not the value: undeclared content
 *    (Zero's protocol bodies, loose objects' extra keys) is never a spot.
 * 2. Every edit leaves the rest of the body as it was (copy on write), so
 *    exactly one thing is wrong with the result.
 */
import type { JsonSchema } from './openapi-model.ts';
import { preview } from './json-text.ts';
import { invalidValues } from './schema-arbitraries.ts';

export interface Spot {
  readonly path: readonly (string | number)[];
  readonly schema: JsonSchema;
  /** undefined: an optional property the valid body left out. */
  readonly current: unknown;
}

export interface Edit {
  readonly label: string;
  apply(body: unknown): unknown;
}

/** Every place of a body the schema declares: the value itself, its declared properties (present or not), its items. */
export function spotsOf(schema: JsonSchema, value: unknown, path: readonly (string | number)[] = []): Spot[] {
  const spots: Spot[] = [{ path, schema, current: value }];
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => spots.push(...spotsOf(schema.items ?? {}, item, [...path, index])));
  } else if (value !== null && typeof value === 'object' && schema.properties !== undefined) {
    const record = value as Record<string, unknown>;
    for (const [name, field] of Object.entries(schema.properties)) {
      spots.push(...(Object.hasOwn(record, name) ? spotsOf(field, record[name], [...path, name]) : [{ path: [...path, name], schema: field, current: undefined }]));
    }
  }
  return spots;
}

/** The edits that make the body wrong at `spot` (invariant 2). */
export function editsAt(spot: Spot): Edit[] {
  const where = spot.path.length === 0 ? '(root)' : spot.path.join('.');
  const edits: Edit[] = invalidValues(spot.schema, spot.current).map((bad) => ({
    label: `${where} := ${preview(bad)}`,
    apply: (body) => setAt(body, spot.path, bad),
  }));
  if (spot.current !== null && typeof spot.current === 'object' && !Array.isArray(spot.current)) {
    const record = spot.current as Record<string, unknown>;
    for (const name of spot.schema.required ?? []) {
      if (Object.hasOwn(record, name)) edits.push({ label: `${where} without ${name}`, apply: (body) => setAt(body, [...spot.path, name], REMOVE) });
    }
    if (spot.schema.additionalProperties === false) {
      for (const extra of ['unexpected_field', '__proto__', 'constructor']) {
        edits.push({ label: `${where} + unknown field ${extra}`, apply: (body) => setAt(body, [...spot.path, extra], 'surprise') });
      }
    }
  }
  return edits;
}

/** Passed to `setAt`: remove the property instead of setting it. */
export const REMOVE = Symbol('remove');

/** A copy of `root` with the value at `path` replaced (or removed). */
export function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[head as number] = setAt(copy[head as number], rest, value);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(root as Record<string, unknown>)) copy[key] = field;
  const next = setAt(copy[head], rest, value);
  if (next === REMOVE) delete copy[head];
  // defineProperty so "__proto__" becomes an own key, as JSON.parse would make it.
  else Object.defineProperty(copy, head, { value: next, enumerable: true, writable: true, configurable: true });
  return copy;
}
