/**
 * Applies the committed migrations (`drizzle/`) from code, for both drivers (each driver's
 * migrator is in client.ts). drizzle-kit's own migrate command is not used: with PGlite it opens
 * the database without extensions.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.js';

/** The repository root: the first folder above this file with a package.json (src/ or dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/** The committed migrations. */
export function migrationsFolder(): string {
  return join(packageRoot(), 'drizzle');
}

/** Brings the database's schema up to the newest committed migration. */
export async function runMigrations(database: Database): Promise<void> {
  await database.migrate(migrationsFolder());
}
