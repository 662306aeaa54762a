/**
 * The database factory: an embedded PGlite (default, persisted under a data directory or in
 * memory) or a real PostgreSQL through postgres.js. Both give the same drizzle API.
 */
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type Query, type SQL } from 'drizzle-orm';
import { invariant } from '../invariant.js';
import * as schema from './schema.js';

type Schema = typeof schema;
/** The drizzle database, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle: inside `db.transaction` use only this (PGlite has one connection). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that can run queries: the database or a transaction. */
export type Executor = Db | Tx;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /**
   * Rows of a raw SQL statement (the drivers differ in what `execute` returns). `prepare`: as a
   * prepared statement, kept per connection under its text, so a statement run again is one round
   * trip (Bind/Execute) instead of two (postgres.js describes an unprepared statement with
   * parameters before running it). Only for statements whose text does not vary with their values
   * (a list of ids as one array parameter, see `anyOf`): each distinct text stays prepared.
   */
  rows<T extends Record<string, unknown>>(executor: Executor, query: SQL, options?: { prepare?: boolean }): Promise<T[]>;
  /** Rows of a statement drizzle built before (`Query`, with `sql.placeholder` for `values`), run prepared as in `rows`. */
  preparedRows<T extends Record<string, unknown>>(executor: Executor, query: Query, values?: Record<string, unknown>): Promise<T[]>;
  /** Calls `listener` with every SQL statement run through drizzle; returns an unsubscribe. */
  onQuery(listener: (query: string) => void): () => void;
  /** Throws unless the database answers. */
  ping(): Promise<void>;
  /**
   * Calls `onPayload` with every NOTIFY on `channel` (from any process on this database, sent
   * after its transaction committed); resolves once listening, with a function that stops.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Applies the committed migrations in `migrationsFolder` that this database has not had yet. */
  migrate(migrationsFolder: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Transaction-scoped advisory locks on named keys (sorted, so two transactions never wait on
 * each other in opposite orders). For invariants no unique index can hold, such as "no phone
 * number on two customers" across the customers and contacts tables.
 */
export async function lockKeys(tx: Tx, keys: readonly string[]): Promise<void> {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return;
  // One statement: unnest yields the keys in the array's (sorted) order, each locked in turn (the literal as sql.ts's arrayLiteral, which imports this file).
  const literal = `{${sorted.map((k) => `"${k.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${literal}::text[]) as k`);
}

/** The database pool's size when none is configured: a few connections per core of a small server. */
export const DEFAULT_POOL_SIZE = 10;

export type DatabaseTarget = { url: string; poolSize?: number; timeoutSeconds?: number } | { dataDir: string | undefined };

/** `dataDir` undefined (or `memory://`) gives a throw-away in-memory PGlite. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ('url' in target) return openPostgres(target.url, target.poolSize ?? DEFAULT_POOL_SIZE, target.timeoutSeconds ?? 5);
  return openPglite(target.dataDir);
}

function queryListeners() {
  const listeners = new Set<(query: string) => void>();
  return {
    logger: { logQuery: (query: string) => listeners.forEach((l) => l(query)) },
    onQuery(listener: (query: string) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

const dialect = new PgDialect();

/** The rows of a raw statement (or its RETURNING): postgres.js returns them as an array, PGlite as `{ rows }`. */
export function resultRows(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result;
  invariant(typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows), 'a raw statement returns its rows');
  return result.rows;
}

/** What both drivers share once drizzle is set up over them. */
function database(kind: Database['kind'], db: Db, onQuery: Database['onQuery'], driver: Pick<Database, 'migrate' | 'close' | 'listen'>): Database {
  return {
    kind,
    db,
    onQuery,
    async rows<T extends Record<string, unknown>>(executor: Executor, query: SQL, options?: { prepare?: boolean }) {
      // The caller names the columns its statement selects.
      if (!options?.prepare) return resultRows(await executor.execute(query)) as T[];
      return this.preparedRows<T>(executor, dialect.sqlToQuery(query));
    },
    async preparedRows<T extends Record<string, unknown>>(executor: Executor, query: Query, values: Record<string, unknown> = {}) {
      // drizzle prepares (postgres.js `prepare: true`) a query given a name; PGlite ignores it.
      const prepared = executor._.session.prepareQuery(query, undefined, 'read', false);
      return resultRows(await prepared.execute(values)) as T[];
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    ...driver,
  };
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  // Loaded only here, as PostgreSQL's driver is: a server on PostgreSQL does not carry the embedded
  // database's modules (a few MB of heap, which V8 lets grow to a multiple under load).
  const [{ createPglite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('./pglite.js'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const inMemory = dataDir === undefined || dataDir.startsWith('memory://');
  const client = await createPglite(inMemory ? undefined : dataDir);
  const queries = queryListeners();
  const db = drizzlePglite({ client, schema, logger: queries.logger });
  return database('pglite', db, queries.onQuery, {
    migrate: (migrationsFolder) => migratePglite(db, { migrationsFolder }),
    listen: (channel, onPayload) => client.listen(channel, onPayload),
    close: () => client.close(),
  });
}

/** An advisory lock key held while migrating, so instances starting together apply each migration once. */
const MIGRATION_LOCK = 727_274_001;

async function openPostgres(url: string, poolSize: number, timeoutSeconds: number): Promise<Database> {
  // Loaded only here: the embedded database's start does not pay for PostgreSQL's driver.
  const [{ default: postgres }, { drizzle: drizzlePostgres }, { migrate: migratePostgres }] = await Promise.all([
    import('postgres'),
    import('drizzle-orm/postgres-js'),
    import('drizzle-orm/postgres-js/migrator'),
  ]);
  // An unreachable server fails a request within `timeoutSeconds` (SERVICE_UNAVAILABLE), and the
  // pool connects again on the next request once it is back.
  const client = postgres(url, { max: poolSize, onnotice: () => undefined, connect_timeout: timeoutSeconds });
  const queries = queryListeners();
  const db = drizzlePostgres({ client, schema, logger: queries.logger });
  return database('postgres', db, queries.onQuery, {
    async migrate(migrationsFolder) {
      // One dedicated connection: a session-level advisory lock belongs to a connection, not the pool.
      const migrator = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migratePostgres(drizzlePostgres({ client: migrator }), { migrationsFolder });
        await migrator`select pg_advisory_unlock(${MIGRATION_LOCK})`;
      } finally {
        await migrator.end({ timeout: 5 });
      }
    },
    // postgres.js listens on a connection of its own, and listens again after reconnecting.
    async listen(channel, onPayload) {
      const { unlisten } = await client.listen(channel, onPayload);
      return unlisten;
    },
    close: () => client.end({ timeout: 5 }),
  });
}
