/**
 * The drizzle schema, one file per table group in `schema/`. This barrel keeps the
 * `platform/db/schema.js` import path that the rest of the code uses.
 */
export * from './schema/index.js';
