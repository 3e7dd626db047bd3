/**
 * JSON text as a fuzzer means it: values that JSON.stringify cannot build
 * (a `1e999` literal, 10,000 levels of nesting) spliced in verbatim, and
 * short previews of any value for failure messages.
 *
 * Invariants:
 * 1. `serialise` is JSON.stringify with every `Raw` replaced by its text, so
 *    deep or out-of-range values cost nothing to build and never recurse.
 * 2. `preview` never prints more than about 60 characters.
 */

/** JSON text to splice into a body as is (invariant 1). */
export class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** 10,000 levels of nesting: a parser or validator that recurses would fall over. */
export const DEEP_ARRAY = new Raw('['.repeat(10_000) + ']'.repeat(10_000));
export const DEEP_OBJECT = new Raw('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000));

/** JSON text of a value, `Raw` spliced in verbatim (invariant 1). */
export function serialise(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `\u0001raw${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_, index: string) => raws[Number(index)] ?? 'null');
}

/** A short quoted form of a value for labels (invariant 2). */
export function preview(value: unknown): string {
  const text = value instanceof Raw ? value.text : value === undefined ? 'undefined' : serialise(value);
  return text.length > 60 ? `${text.slice(0, 40)}…(${text.length} chars)` : text;
}
