/**
 * The read path's shared definitions (DESIGN §4): the Zero schema, the synced
 * queries and the one mutator. Imported as `@stint/shared/zero`, apart from
 * the package root, so code that only needs the rules never loads Zero.
 */
export * from './schema.ts';
export * from './queries.ts';
export * from './mutators.ts';
