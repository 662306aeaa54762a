import { defineConfig } from 'drizzle-kit';

/** Used only to generate migrations (`npm run db:generate`); the app applies them itself. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/platform/db/schema/index.ts',
  out: './drizzle',
});
