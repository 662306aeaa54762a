/**
 * Opening the embedded PGlite: its memory settings and a template cluster that spares every new
 * data directory its own initdb.
 *
 * initdb in WebAssembly is most of an empty start (PGlite runs it in a second in-memory instance
 * and copies the result over), and the migrations on PGlite are seconds more: the same work, with
 * the same result, for every new data directory of one PGlite version and one set of migrations.
 * So that cluster is made once into `dist/pglite-template/<PGlite version>-<hash of drizzle/>/` (by
 * npm start's prestart, or by the first empty start that finds none) and a new data directory
 * starts as a file copy of it. The migrator still runs on the copy (and finds nothing to do);
 * demo data is seeded on it as on a fresh cluster. A new migration or PGlite version makes a new
 * template.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder } from './paths.js';
import { copyTemplateInto, isCluster, TEMPLATE_NAME, templateDir } from './template.js';

export { templateDir } from './template.js';

/**
 * PostgreSQL's buffer cache inside PGlite's WebAssembly memory. PGlite touches all of it at start
 * (PostgreSQL's default of 128 MB was 120 MB of the process's RSS); its files are read through the
 * operating system's page cache, so a miss here costs a system call, not a disk read.
 */
export const PGLITE_SHARED_BUFFERS = '16MB';

/** The options every PGlite of the app opens with (extensions are loaded on every open, not only the first). */
export function pgliteOptions(): PGliteOptions & { extensions: { pg_trgm: typeof pg_trgm } } {
  return { extensions: { pg_trgm }, startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] };
}

/**
 * Makes the template cluster unless it exists: initdb into a folder of this process's own, then a
 * rename, so processes racing to make it never see half a cluster. Returns its path.
 */
export async function ensurePgliteTemplate(dir = templateDir()): Promise<string> {
  if (isCluster(dir)) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const pg = await PGlite.create(tmp, pgliteOptions());
  try {
    await migrate(drizzle({ client: pg }), { migrationsFolder: migrationsFolder() });
  } finally {
    await pg.close();
  }
  // Templates of other PGlite versions or migrations (named as templateDir names them) are of no further use.
  for (const old of readdirSync(dirname(dir))) {
    if (old !== basename(dir) && TEMPLATE_NAME.test(old)) rmSync(join(dirname(dir), old), { recursive: true, force: true });
  }
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!isCluster(dir)) throw err;
  }
  return dir;
}

/**
 * A new (missing or empty) data directory becomes a copy of the template cluster (made first if
 * there is none). When the template cannot be made (say, a read-only install), PGlite runs initdb
 * itself as before.
 */
async function seedFromTemplate(dataDir: string): Promise<void> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return;
  try {
    await ensurePgliteTemplate();
  } catch {
    return;
  }
  await copyTemplateInto(dataDir);
}

/** `dataDir` undefined gives a throw-away in-memory database (initdb in memory, as before). */
export async function createPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir !== undefined) {
    await seedFromTemplate(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  return PGlite.create(dataDir, pgliteOptions());
}

// `node dist/src/platform/db/pglite.js` (npm start's prestart): make the template before the first start.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.env.DATABASE_URL) process.exit(0);
  await ensurePgliteTemplate();
}
