/**
 * Where PGlite's template cluster is (pglite.ts makes it) and copying it into a new data
 * directory. Light on purpose (node built-ins only): the CLI starts the copy before it loads the app's
 * modules, so the two overlap.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { migrationsFolder, packageRoot } from './paths.js';

/** The installed PGlite's version: a template made by another version is never used. */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A digest of the committed migrations (their SQL and journal). */
function migrationsDigest(folder: string): string {
  const hash = createHash('sha256');
  const files = [...readdirSync(folder).filter((f) => f.endsWith('.sql')), 'meta/_journal.json'].sort();
  for (const f of files)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(folder, f)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Where the template cluster of the installed PGlite and the committed migrations is kept. */
export function templateDir(): string {
  return join(packageRoot(), 'dist', 'pglite-template', `${pgliteVersion()}-${migrationsDigest(migrationsFolder())}`);
}

/** `<PGlite version>-<16 hex digits of the migrations' digest>`. */
export const TEMPLATE_NAME = /^\d+\.\d+\.\d+[^/]*-[0-9a-f]{16}$/;

export const isCluster = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** The cluster's folder inside the app's data directory; undefined for an in-memory database. */
export function pgliteDataDir(dataDir: string | undefined): string | undefined {
  return dataDir === undefined || dataDir.startsWith('memory://') ? undefined : join(dataDir, 'pg');
}

/**
 * cpSync on a thread of its own: the main thread goes on loading modules. (fs/promises' cp took
 * twice the CPU for the template's thousand files.)
 */
function copyOnWorker(from: string, to: string): Promise<void> {
  const code = "require('node:fs').cpSync(require('node:worker_threads').workerData.from, require('node:worker_threads').workerData.to, { recursive: true })";
  return new Promise((resolve, reject) => {
    // No inherited flags: `--input-type=module` would make this CommonJS snippet a module.
    const worker = new Worker(code, { eval: true, workerData: { from, to }, execArgv: [] });
    worker.once('error', reject);
    worker.once('exit', (exitCode) => (exitCode === 0 ? resolve() : reject(new Error(`the template copy stopped with ${exitCode}`))));
  });
}

/**
 * A missing or empty `dataDir` becomes a copy of the template, if there is one. A missing one is
 * copied beside it and renamed, so an interrupted copy never leaves half a cluster; an existing
 * empty one (a mount point, say) is copied into. Returns whether it copied; false also when
 * anything fails (createPglite then makes the template or runs initdb itself).
 */
export async function copyTemplateInto(dataDir: string): Promise<boolean> {
  const tmp = `${dataDir}.tmp-${process.pid}`;
  try {
    const entries = await readdir(dataDir).catch(() => undefined);
    if (entries !== undefined && entries.length > 0) return false;
    const template = templateDir();
    if (!isCluster(template)) return false;
    if (entries !== undefined) {
      await copyOnWorker(template, dataDir);
      return true;
    }
    await mkdir(dirname(dataDir), { recursive: true });
    await copyOnWorker(template, tmp);
    await rename(tmp, dataDir);
    return true;
  } catch {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    return false;
  }
}
