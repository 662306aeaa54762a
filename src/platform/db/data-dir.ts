/**
 * Issue 15 §4: a data directory the embedded database cannot use stops the start with one line
 * naming the path and the cause. Most cases are found up front ({@link checkDataDir}, before
 * PGlite starts); the rest are read from whatever a later step threw ({@link startFailureLine}):
 * Node's fs errors (`code`, `path`), PGlite's file-system errors (emscripten's ErrnoError: not an
 * Error, an `errno` in emscripten's numbering, no path) and PostgreSQL's own disk_full.
 * Node built-ins only: the CLI loads it before the app's modules.
 */
import { accessSync, constants, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { inspect } from 'node:util';

/** A problem with the data directory, said in one line: `data directory /x is on a read-only file system (EROFS)`. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

/** What each storage error means for the data directory (the code follows in brackets). */
const CAUSES: Record<string, string> = {
  EROFS: 'is on a read-only file system',
  EACCES: 'cannot be used: permission denied',
  EPERM: 'cannot be used: operation not permitted',
  ENOSPC: 'has no space left on its device',
  EDQUOT: 'has no space left: disk quota exceeded',
  EIO: 'cannot be read or written: input/output error',
  ENOENT: 'cannot be used: a file or directory in it is missing',
};

/** Errors about storage itself: attributed to the data directory even when they carry no path. */
const STORAGE = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT', 'EIO', 'ENOTDIR']);
/** Node's calls on an open file (its errors name no path); others, like `listen EACCES`, are not the data directory's. */
const FILE_SYSCALLS = new Set(['read', 'write', 'writev', 'fsync', 'fdatasync', 'ftruncate', 'fstat', 'futime', 'close']);

/**
 * PGlite's file-system errors number errno as emscripten does (its ERRNO_CODES, WASI's numbers),
 * not as Linux does: ENOSPC is 51 there (28 is EINVAL).
 */
const EMSCRIPTEN_ERRNO: Record<number, string> = {
  2: 'EACCES',
  19: 'EDQUOT',
  20: 'EEXIST',
  29: 'EIO',
  31: 'EISDIR',
  44: 'ENOENT',
  51: 'ENOSPC',
  54: 'ENOTDIR',
  63: 'EPERM',
  69: 'EROFS',
};

/** PostgreSQL's words for storage errors (strerror in its messages) and its disk_full SQLSTATE. */
const POSTGRES_STORAGE: [RegExp, string][] = [
  [/No space left on device/, 'ENOSPC'],
  [/Read-only file system/, 'EROFS'],
  [/Disk quota exceeded/, 'EDQUOT'],
];
const DISK_FULL = '53100';

const isWithin = (outer: string, inner: string) => {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

const property = (value: unknown, key: string): unknown => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined);

/** The value and the errors it wraps (`cause`), outermost first. */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [err];
  for (let e = property(err, 'cause'); e !== undefined && e !== null && chain.length < 8 && !chain.includes(e); e = property(e, 'cause')) chain.push(e);
  return chain;
}

/** The nearest path at or above `path` that exists and is not a directory. */
function fileAbove(path: string): string | undefined {
  for (let at = path; ; at = dirname(at)) {
    try {
      if (!statSync(at).isDirectory()) return at;
    } catch {
      // missing, or under a file: look further up
    }
    if (dirname(at) === at) return undefined;
  }
}

/** One line for a storage error `code` concerning `dir` (`path`: the file or directory it was about, when known). */
function describe(code: string, dir: string, path: string | undefined): string {
  const file = code === 'ENOTDIR' || code === 'EEXIST' ? fileAbove(path ?? dir) : undefined;
  if (file !== undefined) {
    if (file === dir) return `data directory ${dir} is a file, not a directory (${code})`;
    if (isWithin(file, dir)) return `data directory ${dir} is under a file, not a directory (${code}): ${file}`;
    return `data directory ${dir} holds a file where a directory belongs (${code}): ${file}`;
  }
  const where = path !== undefined && path !== dir ? `: ${path}` : '';
  return `data directory ${dir} ${CAUSES[code] ?? 'cannot be used'} (${code})${where}`;
}

/**
 * The error code of one error in a chain and the path it names, if it is a file-system error; a
 * path-less one only if it can be nothing but storage (PGlite's, PostgreSQL's, or Node's on an open file).
 */
function storageError(e: unknown): { code: string; path?: string } | undefined {
  const code = property(e, 'code');
  const path = property(e, 'path');
  const syscall = property(e, 'syscall');
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    if (typeof path === 'string') return { code, path: resolve(path) };
    return STORAGE.has(code) && (syscall === undefined || (typeof syscall === 'string' && FILE_SYSCALLS.has(syscall))) ? { code } : undefined;
  }
  const errno = property(e, 'errno');
  if (property(e, 'name') === 'ErrnoError' && typeof errno === 'number') return { code: EMSCRIPTEN_ERRNO[errno] ?? `emscripten errno ${errno}` };
  const message = property(e, 'message');
  const postgres = typeof message === 'string' ? POSTGRES_STORAGE.find(([words]) => words.test(message)) : undefined;
  if (postgres) return { code: postgres[1] };
  return code === DISK_FULL ? { code: 'ENOSPC' } : undefined;
}

/**
 * The one-line cause when `err` (or an error it wraps) is about the data directory `dataDir`:
 * a path in it or above it, or a storage error with no path (PGlite's, or PostgreSQL's disk_full).
 * Undefined for anything else (a missing POLICY_FILE, a port in use).
 */
export function dataDirProblem(err: unknown, dataDir: string): string | undefined {
  const dir = resolve(dataDir);
  for (const e of causeChain(err)) {
    if (e instanceof DataDirError) return e.message;
    const found = storageError(e);
    if (found === undefined) continue;
    const { code, path } = found;
    if (path === undefined || isWithin(dir, path) || isWithin(path, dir)) return describe(code, dir, path);
  }
  return undefined;
}

/** `path` is a directory (true), missing (false), or in the way (throws, as Node would). */
function isDirectory(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return true;
  } catch (err) {
    const code = property(err, 'code');
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
  throw Object.assign(new Error(`ENOTDIR: not a directory, '${path}'`), { code: 'ENOTDIR', path });
}

/**
 * mkdir -p one level at a time: Node's recursive mkdir says ENOENT when a level cannot be made on
 * a read-only file system, hiding the cause.
 */
function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !isDirectory(at) && dirname(at) !== at; at = dirname(at)) missing.unshift(at);
  for (const level of missing) mkdirSync(level);
}

/** Writes and removes a small file: a read-only, unwritable or full directory fails here. */
function probeWritable(dir: string): void {
  const probe = join(dir, `.custodian-probe-${process.pid}`);
  try {
    writeFileSync(probe, 'custodian start probe\n');
  } catch (err) {
    const code = property(err, 'code');
    throw typeof code === 'string' ? new DataDirError(describe(code, dir, undefined), { cause: err }) : err;
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // nothing was written
    }
  }
}

/**
 * Before PGlite starts: the data directory exists (made if missing), is a directory, and takes a
 * write; the cluster folder in it (`clusterDir`), if there is one, is a writable directory.
 * @throws DataDirError with the one line to print.
 */
export function checkDataDir(dataDir: string, clusterDir?: string): void {
  const dir = resolve(dataDir);
  try {
    makeDirectory(dir);
    probeWritable(dir);
    if (clusterDir !== undefined && isDirectory(resolve(clusterDir))) accessSync(clusterDir, constants.W_OK);
  } catch (err) {
    if (err instanceof DataDirError) throw err;
    throw new DataDirError(dataDirProblem(err, dir) ?? `data directory ${dir} cannot be used: ${describeThrown(err)}`, { cause: err });
  }
}

const MAX_LINE = 1_000;

/** One line for anything thrown: an Error's message (and its causes'); anything else as inspect shows it, never `[object Object]`. */
export function describeThrown(err: unknown): string {
  const parts = causeChain(err).map((e) => {
    if (e instanceof Error) return e.message === '' ? e.name : e.message;
    return typeof e === 'string' ? e : inspect(e, { breakLength: Infinity, depth: 3 });
  });
  const line = parts.join('; caused by: ').replace(/\s*\n\s*/g, ' ');
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}… (LOG_LEVEL=debug prints all of it)` : line;
}

/**
 * What the CLI prints when the start fails: one line, the data directory's problem when it is one
 * (`dataDir`: the embedded database's, undefined on PostgreSQL); `verbose` (LOG_LEVEL=debug or
 * trace) adds the whole error, stack and causes, on the lines after it.
 */
export function startFailureLine(err: unknown, options: { dataDir?: string | undefined; verbose?: boolean }): string {
  const problem = options.dataDir === undefined ? undefined : dataDirProblem(err, options.dataDir);
  const line = `Custodian cannot start: ${problem ?? describeThrown(err)}`;
  return options.verbose ? `${line}\n${inspect(err, { depth: 5 })}` : line;
}
