import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/platform/config.js';

describe('config', () => {
  describe('defaults', () => {
    it('should serve on 4000 with PGlite under ./data and demo data', () => {
      const c = parseConfig({});
      expect(c).toMatchObject({
        port: 4000,
        databaseUrl: undefined,
        dataDir: './data',
        seedDemo: true,
        logLevel: 'info',
        maxQueryDepth: 10,
        maxBodyBytes: 1_048_576,
        dbPoolSize: 10,
        sweepIntervalMs: 30_000,
        viewerCacheMs: 5_000,
      });
    });

    it('should not seed demo data on PostgreSQL unless SEED_DEMO=true', () => {
      const secret = 'x'.repeat(32);
      expect(parseConfig({ DATABASE_URL: 'postgres://h/db', JWT_SECRET: secret }).seedDemo).toBe(false);
      expect(parseConfig({ DATABASE_URL: 'postgres://h/db', JWT_SECRET: secret, SEED_DEMO: 'true' }).seedDemo).toBe(true);
    });
  });

  // Issue 15 §2: sign-in throttling and the client address, bounded.
  describe('sign-in throttling', () => {
    it('should default to 10 failures per name, 100 per address, 15 minutes, and no trusted proxy', () => {
      expect(parseConfig({})).toMatchObject({ loginThrottle: { maxFailures: 10, addressMaxFailures: 100, lockoutMs: 900_000 }, trustProxy: false });
    });

    it('should take LOGIN_MAX_FAILURES, LOGIN_ADDRESS_MAX_FAILURES, LOGIN_LOCKOUT (seconds) and TRUST_PROXY within bounds', () => {
      const c = parseConfig({ LOGIN_MAX_FAILURES: '4', LOGIN_ADDRESS_MAX_FAILURES: '500', LOGIN_LOCKOUT: '3600', TRUST_PROXY: 'true' });
      expect(c).toMatchObject({ loginThrottle: { maxFailures: 4, addressMaxFailures: 500, lockoutMs: 3_600_000 }, trustProxy: true });
      expect(() => parseConfig({ LOGIN_MAX_FAILURES: '0' })).toThrow(/LOGIN_MAX_FAILURES must be a whole number from 2 to 100/);
      expect(() => parseConfig({ LOGIN_ADDRESS_MAX_FAILURES: '100000' })).toThrow(/LOGIN_ADDRESS_MAX_FAILURES must be a whole number from 2 to 10000/);
      expect(() => parseConfig({ LOGIN_LOCKOUT: '10' })).toThrow(/LOGIN_LOCKOUT must be a whole number from 60 to 86400/);
      expect(() => parseConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
    });
  });

  describe('database pool', () => {
    it('should take DB_POOL_SIZE and refuse 0 or a word, naming the variable', () => {
      expect(parseConfig({ DB_POOL_SIZE: '32' }).dbPoolSize).toBe(32);
      expect(() => parseConfig({ DB_POOL_SIZE: '0' })).toThrow(/DB_POOL_SIZE/);
      expect(() => parseConfig({ DB_POOL_SIZE: 'many' })).toThrow(/DB_POOL_SIZE/);
    });
  });

  describe('viewer cache', () => {
    it('should take VIEWER_CACHE_MS from 0 (off) to 60000, and refuse more, a negative or a fraction, naming the variable', () => {
      expect(parseConfig({ VIEWER_CACHE_MS: '0' }).viewerCacheMs).toBe(0);
      expect(parseConfig({ VIEWER_CACHE_MS: '60000' }).viewerCacheMs).toBe(60_000);
      expect(parseConfig({ VIEWER_CACHE_MS: ' ' }).viewerCacheMs).toBe(5_000);
      for (const bad of ['60001', '-1', '1.5', 'soon']) {
        expect(() => parseConfig({ VIEWER_CACHE_MS: bad })).toThrow(/VIEWER_CACHE_MS must be a whole number from 0 to 60000/);
      }
    });
  });

  describe('errors', () => {
    it('should refuse DATABASE_URL without JWT_SECRET with a clear message', () => {
      expect(() => parseConfig({ DATABASE_URL: 'postgres://h/db' })).toThrow(/JWT_SECRET is required with DATABASE_URL/);
    });

    it('should report every bad value at once, by variable name', () => {
      try {
        parseConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', SEED_DEMO: 'maybe', JWT_SECRET: 'short', DATABASE_URL: 'mysql://x' });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        const problems = (err as ConfigError).problems.join('\n');
        for (const name of ['PORT', 'LOG_LEVEL', 'SEED_DEMO', 'JWT_SECRET', 'DATABASE_URL']) expect(problems).toContain(name);
      }
    });

    it('should refuse out-of-range numbers', () => {
      expect(() => parseConfig({ PORT: '70000' })).toThrow(/PORT/);
      expect(() => parseConfig({ MAX_QUERY_DEPTH: '1' })).toThrow(/MAX_QUERY_DEPTH/);
    });
  });
});
