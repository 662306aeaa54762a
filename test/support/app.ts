/**
 * Starts the real app for a test file: on an in-memory PGlite (project `pglite`) or on a fresh
 * database of its own on the PostgreSQL at TEST_DATABASE_URL (project `postgres`).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { expect } from 'vitest';
import { createApp, type App, type AppOptions, type GraphQLResult } from '../../src/app.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { testClock, type TestClock } from './clock.js';

export const onPostgres = process.env.TEST_DB === 'postgres';
export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface TestApp extends App {
  clock: TestClock;
  /** A token for a user (demo password). */
  login(username: string, password?: string): Promise<string>;
  /** Runs an operation, failing the test on any error; returns data. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  /** Runs an operation that must fail; returns its first error. */
  fails(query: string, variables?: Record<string, unknown>, token?: string): Promise<NonNullable<GraphQLResult['errors']>[number]>;
  /** A URL of this file's own database (PostgreSQL) for a second app instance. */
  databaseUrl: string | undefined;
}

/** Creates a database of its own on the test PostgreSQL; returns its URL and a dropper. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `custodian_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(base, { max: 1, onnotice: () => undefined });
      await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

export async function startTestApp(options: Partial<AppOptions> & { clock?: TestClock } = {}): Promise<TestApp> {
  const clock = options.clock ?? testClock();
  const database = onPostgres ? await createTestDatabase() : undefined;
  const app = await createApp({
    seedDemo: true,
    seedDemoCustomers: false,
    jwtSecret: TEST_JWT_SECRET,
    sweepIntervalMs: 0,
    ...options,
    clock,
    ...(database ? { databaseUrl: database.url } : {}),
  });
  const login = async (username: string, password = DEMO_PASSWORD) => (await app.services.users.login(username, password)).token;
  const testApp: TestApp = Object.assign(Object.create(app) as App, {
    clock,
    login,
    databaseUrl: database?.url,
    async ok<T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T> {
      const result = await app.execute(query, variables, { token });
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      return result.data as T;
    },
    async fails(query: string, variables?: Record<string, unknown>, token?: string) {
      const result = await app.execute(query, variables, { token });
      expect(result.errors?.length, 'expected an error').toBeGreaterThan(0);
      const first = result.errors?.[0];
      if (!first) throw new Error('no error');
      return first;
    },
    async close() {
      await app.close();
      await database?.drop();
    },
  });
  return testApp;
}
