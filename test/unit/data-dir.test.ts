/**
 * Issue 15 §4: what a start that fails on its data directory says, one line naming the path and
 * the cause, for every shape the failure arrives in (Node's fs errors, PGlite's emscripten
 * ErrnoError, PostgreSQL's disk_full, wrapped in causes), and that other failures are left to
 * their own message, never `[object Object]`. The processes themselves: test/integration/platform/start-errors.test.ts.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDataDir, dataDirProblem, DataDirError, describeThrown, startFailureLine } from '../../src/platform/db/data-dir.js';

/** An error as Node's fs makes them. */
function fsError(code: string, syscall: string, path?: string): Error {
  return Object.assign(new Error(`${code}: failed, ${syscall}${path ? ` '${path}'` : ''}`), { code, syscall, ...(path ? { path } : {}) });
}

/** What PGlite's file system throws: emscripten's ErrnoError, not an Error, errno in emscripten's numbers. */
class ErrnoError {
  name = 'ErrnoError';
  constructor(readonly errno: number) {}
}
const errnoError = (errno: number) => new ErrnoError(errno);

describe('data directory problems', () => {
  const dir = '/srv/custodian/data';

  it('should name the directory and the cause of an fs error on it, in it, or above it', () => {
    expect(dataDirProblem(fsError('EROFS', 'mkdir', dir), dir)).toBe(`data directory ${dir} is on a read-only file system (EROFS)`);
    expect(dataDirProblem(fsError('EACCES', 'open', `${dir}/jwt-secret`), dir)).toBe(
      `data directory ${dir} cannot be used: permission denied (EACCES): ${dir}/jwt-secret`,
    );
    expect(dataDirProblem(fsError('EROFS', 'mkdir', '/srv/custodian'), dir)).toBe(
      `data directory ${dir} is on a read-only file system (EROFS): /srv/custodian`,
    );
    expect(dataDirProblem(fsError('EDQUOT', 'write', `${dir}/pg/base/1`), dir)).toBe(
      `data directory ${dir} has no space left: disk quota exceeded (EDQUOT): ${dir}/pg/base/1`,
    );
  });

  it('should take a relative data directory as the absolute path it is', () => {
    const line = dataDirProblem(fsError('EROFS', 'mkdir', 'data'), 'data');
    expect(line).toBe(`data directory ${join(process.cwd(), 'data')} is on a read-only file system (EROFS)`);
  });

  it("should read PGlite's ErrnoError in emscripten's numbering (ENOSPC is 51 there)", () => {
    expect(dataDirProblem(errnoError(51), dir)).toBe(`data directory ${dir} has no space left on its device (ENOSPC)`);
    expect(dataDirProblem(errnoError(69), dir)).toBe(`data directory ${dir} is on a read-only file system (EROFS)`);
    expect(dataDirProblem(errnoError(2), dir)).toBe(`data directory ${dir} cannot be used: permission denied (EACCES)`);
    expect(dataDirProblem(errnoError(999), dir)).toBe(`data directory ${dir} cannot be used (emscripten errno 999)`);
  });

  it("should read PostgreSQL's disk_full and its strerror words, also wrapped in a cause (drizzle's failed query)", () => {
    const diskFull = Object.assign(new Error('could not extend file "base/5/16384": No space left on device'), { code: '53100' });
    const wrapped = new Error('Failed query: insert into users\nparams: ', { cause: diskFull });
    expect(dataDirProblem(wrapped, dir)).toBe(`data directory ${dir} has no space left on its device (ENOSPC)`);
    expect(dataDirProblem(Object.assign(new Error('disk full'), { code: '53100' }), dir)).toMatch(/\(ENOSPC\)$/);
    expect(dataDirProblem(new Error('could not create file "base/5/1": Read-only file system'), dir)).toMatch(/read-only file system \(EROFS\)$/);
  });

  it('should read a write on an open file (no path) as the data directory’s', () => {
    expect(dataDirProblem(fsError('ENOSPC', 'write'), dir)).toBe(`data directory ${dir} has no space left on its device (ENOSPC)`);
  });

  it('should leave errors about anything else alone', () => {
    expect(dataDirProblem(fsError('ENOENT', 'open', '/etc/custodian/policy.json'), dir)).toBeUndefined();
    expect(dataDirProblem(fsError('EACCES', 'listen'), dir)).toBeUndefined();
    expect(dataDirProblem(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen' }), dir)).toBeUndefined();
    expect(dataDirProblem(new Error('relation "users" does not exist'), dir)).toBeUndefined();
    expect(dataDirProblem({ some: 'object' }, dir)).toBeUndefined();
  });
});

describe('the start-failure line', () => {
  it('should say the data directory’s problem in one line, without a stack unless verbose', () => {
    const line = startFailureLine(errnoError(51), { dataDir: '/d' });
    expect(line).toBe('Custodian cannot start: data directory /d has no space left on its device (ENOSPC)');
    const verbose = startFailureLine(fsError('EROFS', 'mkdir', '/d'), { dataDir: '/d', verbose: true }).split('\n');
    expect(verbose[0]).toBe('Custodian cannot start: data directory /d is on a read-only file system (EROFS)');
    expect(verbose.slice(1).join('\n')).toMatch(/at .*data-dir\.test\.ts/);
  });

  it('should not read errors as the data directory’s on PostgreSQL (no data directory)', () => {
    expect(startFailureLine(errnoError(51), {})).toMatch(/^Custodian cannot start: ErrnoError \{[^\n]*errno: 51/);
  });

  it('should describe any other thrown value in one line, never [object Object]', () => {
    expect(describeThrown({ name: 'Weird', detail: { n: 1 } })).toBe("{ name: 'Weird', detail: { n: 1 } }");
    expect(describeThrown('plain words')).toBe('plain words');
    expect(describeThrown(undefined)).toBe('undefined');
    expect(describeThrown(new Error('outer\n  second line', { cause: new TypeError('inner') }))).toBe('outer second line; caused by: inner');
    expect(describeThrown(new RangeError(''))).toBe('RangeError');
    expect(describeThrown(new Error('x'.repeat(5_000)))).toMatch(/^x{1000}… \(LOG_LEVEL=debug prints all of it\)$/);
  });
});

describe('checking the data directory before the start', () => {
  const root = mkdtempSync(join(tmpdir(), 'custodian-data-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const failure = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(DataDirError);
      return (err as Error).message; // a DataDirError, as just checked
    }
    throw new Error('the check passed');
  };

  it('should make a missing directory, levels and all, and leave nothing else in it', () => {
    const dir = join(root, 'new', 'nested', 'data');
    checkDataDir(dir, join(dir, 'pg'));
    expect(() => checkDataDir(dir, join(dir, 'pg'))).not.toThrow();
  });

  it('should name the file a data directory is, or is under', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expect(failure(() => checkDataDir(file))).toBe(`data directory ${file} is a file, not a directory (ENOTDIR)`);
    expect(failure(() => checkDataDir(join(file, 'x', 'data')))).toBe(`data directory ${file}/x/data is under a file, not a directory (ENOTDIR): ${file}`);
  });

  it('should name a file where the cluster folder belongs', () => {
    const dir = join(root, 'with-file-cluster');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pg'), 'x');
    expect(failure(() => checkDataDir(dir, join(dir, 'pg')))).toBe(`data directory ${dir} holds a file where a directory belongs (ENOTDIR): ${dir}/pg`);
  });

  // Root writes through any mode bits: as root (CI) the read-only case is a read-only mount (start-errors.test.ts).
  it.skipIf(process.getuid?.() === 0)('should say permission denied on a directory without write permission', () => {
    const dir = join(root, 'locked');
    mkdirSync(dir, { mode: 0o555 });
    try {
      expect(failure(() => checkDataDir(dir))).toBe(`data directory ${dir} cannot be used: permission denied (EACCES)`);
      expect(failure(() => checkDataDir(join(dir, 'data')))).toBe(`data directory ${dir}/data cannot be used: permission denied (EACCES)`);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
