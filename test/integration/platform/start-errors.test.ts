/**
 * Issue 15 §4, the CLI itself (src/main.ts under tsx): a data directory the embedded database
 * cannot use ends the start with exactly one line on stderr naming the path and the cause, and exit
 * code 1; a wrong variable still exits 2 naming it.
 *
 * Tests run as root in CI and root writes through any mode bits, so the read-only directory and
 * the full disk are small tmpfs mounts (read-only, and 2 MB: far less than a cluster). Where
 * mounting is not allowed those cases are skipped; the error mapping behind them is covered
 * without a process in test/unit/data-dir.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../support/app.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Run {
  code: number | null;
  stderr: string;
}

/** `node --import tsx src/main.ts` with `env` over a neutral environment (embedded database, any free port). */
function runMain(env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL', 'POLICY_FILE', 'SEED_DEMO', 'PORT', 'DATA_DIR']) delete base[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...base, HOST: '127.0.0.1', PORT: '0', SWEEP_INTERVAL: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // A start that unexpectedly succeeds would serve forever.
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  return new Promise((done) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    }),
  );
}

/** Exactly one line on stderr, and exit code 1. */
function expectOneLine(run: Run, line: string): void {
  expect(run.stderr).toBe(`${line}\n`);
  expect(run.code).toBe(1);
}

describe.skipIf(onPostgres)('start-up errors (issue 15 §4)', () => {
  // Made in beforeAll: a skipped suite's body still runs (on PostgreSQL), its afterAll does not.
  let root = '';
  const mounts: string[] = [];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'custodian-start-errors-'));
  });

  /** A fresh tmpfs at `dir` with mount `options`; false where this process may not mount. */
  function mountTmpfs(name: string, options: string): string | undefined {
    const dir = join(root, name);
    mkdirSync(dir);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' }).status !== 0) return undefined;
    mounts.push(dir);
    return dir;
  }

  afterAll(() => {
    for (const dir of mounts) spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  });

  it('should name the file a data directory is under', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a directory\n');
    const run = await runMain({ DATA_DIR: join(file, 'data') });
    expectOneLine(run, `Custodian cannot start: data directory ${file}/data is under a file, not a directory (ENOTDIR): ${file}`);
  });

  it('should name a data directory that is a file', async () => {
    const file = join(root, 'data-file');
    writeFileSync(file, 'not a directory\n');
    expectOneLine(await runMain({ DATA_DIR: file }), `Custodian cannot start: data directory ${file} is a file, not a directory (ENOTDIR)`);
  });

  it('should say a data directory is read-only, existing or still to be made', async (context) => {
    const readOnly = mountTmpfs('read-only', 'ro,size=1m');
    if (readOnly === undefined) return context.skip('tmpfs cannot be mounted here (see test/unit/data-dir.test.ts)');
    expectOneLine(await runMain({ DATA_DIR: readOnly }), `Custodian cannot start: data directory ${readOnly} is on a read-only file system (EROFS)`);
    const below = join(readOnly, 'custodian', 'data');
    expectOneLine(
      await runMain({ DATA_DIR: below }),
      `Custodian cannot start: data directory ${below} is on a read-only file system (EROFS): ${join(readOnly, 'custodian')}`,
    );
  });

  it('should say a full disk has no space left, before the start', async (context) => {
    const disk = mountTmpfs('full', 'size=1m');
    if (disk === undefined) return context.skip('tmpfs cannot be mounted here (see test/unit/data-dir.test.ts)');
    mkdirSync(join(disk, 'data'));
    // Fill it: the write fails with ENOSPC once the device is full, as intended.
    spawnSync('dd', ['if=/dev/zero', `of=${join(disk, 'filler')}`, 'bs=64k', 'count=32'], { stdio: 'ignore' });
    expectOneLine(
      await runMain({ DATA_DIR: join(disk, 'data') }),
      `Custodian cannot start: data directory ${disk}/data has no space left on its device (ENOSPC)`,
    );
  });

  // The disk fills while PGlite writes its cluster: PGlite throws emscripten's ErrnoError (not an
  // Error), which the CLI used to print as `[object Object]`.
  it('should say a disk that fills during the start has no space left', async (context) => {
    const disk = mountTmpfs('small', 'size=2m');
    if (disk === undefined) return context.skip('tmpfs cannot be mounted here (see test/unit/data-dir.test.ts)');
    const dataDir = join(disk, 'data');
    expectOneLine(await runMain({ DATA_DIR: dataDir }), `Custodian cannot start: data directory ${dataDir} has no space left on its device (ENOSPC)`);
  }, 180_000);

  it('should still name a wrong variable, exit 2, and check it before the data directory', async () => {
    const file = join(root, 'config-file');
    writeFileSync(file, 'x');
    const run = await runMain({ PORT: 'eighty', DATA_DIR: join(file, 'data') });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('Invalid configuration:\n  - PORT must be a whole number from 0 to 65535 (got "eighty")\n');
  });
});
