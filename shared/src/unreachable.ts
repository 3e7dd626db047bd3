/**
 * The default branch of an exhaustive switch: the compiler proves it is never
 * reached (a new member of the union does not compile until handled), and if
 * a value from outside the types gets there anyway, the error names it.
 */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value) ?? String(value)}`);
}
