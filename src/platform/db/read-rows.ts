/**
 * Hot list reads, mapped without drizzle's per-cell overhead. drizzle's select maps each cell
 * through `is()` class checks and an iterator over the field's path: on a nested list of a few
 * thousand cells that was a tenth of the API's CPU and much of its garbage. Here the statement
 * is still built by drizzle (or written with `sql`), run as a raw statement, and each cell goes
 * through its column's own decoder (`mapFromDriverValue`: timestamps, JSON), as drizzle would.
 */
import { getTableColumns, type Column, type Query, type SQL, type Table } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database, Executor } from './client.js';

const dialect = new PgDialect();

/** A row reader: the columns to read, by the key each gets in the result. */
export interface RowReader<T> {
  /**
   * Runs `query` as a prepared statement (`Database.rows`; its text must not vary with its values)
   * and maps the rows. Its select list must name each column unaliased, e.g. drizzle's `select(columns)`.
   */
  read(database: Database, executor: Executor, query: SQL | { getSQL(): SQL }): Promise<T[]>;
  /** Runs a statement built once (`builtOnce`) with `values` for its placeholders, and maps the rows. */
  run(database: Database, executor: Executor, query: Query, values: Record<string, unknown>): Promise<T[]>;
}

/**
 * A statement drizzle builds on first use and never again, with `sql.placeholder(name)` where its
 * values go: building a select costs more CPU than a small read (every column's name escaped,
 * each chunk of the SQL walked), and a hot read's text never changes.
 */
export function builtOnce(build: () => SQL | { getSQL(): SQL }): () => Query {
  let query: Query | undefined;
  return () => {
    if (!query) {
      const built = build();
      query = dialect.sqlToQuery('getSQL' in built ? built.getSQL() : built);
    }
    return query;
  };
}

/**
 * A reader of `columns` (default: every column of `table`) plus `extra` raw values by result
 * name (e.g. a window function's `total`), kept as the driver returns them.
 */
export function rowReader<T>(columns: Record<string, Column>, extra: readonly string[] = []): RowReader<T> {
  const cells = Object.entries(columns).map(([key, column]) => ({ key, name: column.name, column }));
  return {
    async read(database, executor, query) {
      return map(await database.rows(executor, 'getSQL' in query ? query.getSQL() : query, { prepare: true }));
    },
    async run(database, executor, query, values) {
      return map(await database.preparedRows(executor, query, values));
    },
  };

  function map(raw: Record<string, unknown>[]): T[] {
    const out = new Array<T>(raw.length);
    for (let i = 0; i < raw.length; i += 1) {
      const r = raw[i] as Record<string, unknown>;
      const row: Record<string, unknown> = {};
      for (const c of cells) {
        const v = r[c.name];
        row[c.key] = v === null || v === undefined ? null : c.column.mapFromDriverValue(v);
      }
      for (const name of extra) row[name] = r[name];
      out[i] = row as T;
    }
    return out;
  }
}

/** A reader of every column of `table`, typed as its select row. */
export function tableReader<T extends Table>(table: T): RowReader<T['$inferSelect']> {
  return rowReader(getTableColumns(table));
}
