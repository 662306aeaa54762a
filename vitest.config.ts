import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

/**
 * Three projects:
 * - `unit`: pure code (no database), runs once;
 * - `pglite`: every database-touching suite on an embedded PGlite (always);
 * - `postgres`: the same suites on a real PostgreSQL, only when TEST_DATABASE_URL is set.
 * Each integration test file gets its own database (see test/support/db.ts).
 */
const integration = {
  include: ['test/integration/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // One module graph per worker, not per file: every file starts its own app on its own
  // database, so nothing but the compiled modules is shared, and the suite stops paying for the
  // whole server's import 180 times.
  isolate: false,
};

export default defineConfig({
  // Resolve graphql as Node does (CommonJS). Vite would otherwise load its ESM build for our
  // code while Apollo and type-graphql get the CommonJS one: two GraphQLError classes.
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    // Two files at once even on 2 cores (vitest's default leaves one core idle): integration files
    // spend much of their time waiting on PostgreSQL or on a child process, and the suite has to
    // fit CI's 20 minutes. Nothing here is timed, so sharing the CPU changes no outcome.
    maxWorkers: 2,
    projects: [
      { extends: true as const, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true as const, test: { name: 'pglite', ...integration, env: { TEST_DB: 'pglite' } } },
      ...(process.env.TEST_DATABASE_URL ? [{ extends: true as const, test: { name: 'postgres', ...integration, env: { TEST_DB: 'postgres' } } }] : []),
    ],
  },
});
