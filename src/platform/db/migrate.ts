/**
 * Applies the committed migrations (`drizzle/`) from code, for both drivers (each driver's
 * migrator is in client.ts). drizzle-kit's own migrate command is not used: with PGlite it opens
 * the database without extensions.
 */
import type { Database } from './client.js';
import { migrationsFolder } from './paths.js';

/** Brings the database's schema up to the newest committed migration. */
export async function runMigrations(database: Database): Promise<void> {
  await database.migrate(migrationsFolder());
}
