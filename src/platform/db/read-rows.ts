/**
 * Hot list reads, mapped without drizzle's per-cell overhead. drizzle's select maps each cell
 * through `is()` class checks and an iterator over the field's path: on a nested list of a few
 * thousand cells that was a tenth of the API's CPU and much of its garbage. Here the statement
 * is still built by drizzle (or written with `sql`), run as a raw statement, and each cell goes
 * through its column's own decoder (`mapFromDriverValue`: timestamps, JSON), as drizzle would.
 */
import { sql, type Column, type Query, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database, Executor } from './client.js';

const dialect = new PgDialect();

/** A row reader: the columns to read, by the key each gets in the result. */
export interface RowReader<T> {
  /**
   * Runs `query` as a prepared statement (`Database.rows`; its text must not vary with its values)
   * and decodes the rows. Its select list must name each column by its key (`keyedColumns`).
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
 * `columns` for drizzle's `select`, each selected under its row key (`"customer_id" as
 * "customerId"`), so the driver's row is the row and `rowReader` decodes its cells in place.
 */
export function keyedColumns(columns: Record<string, Column>): Record<string, SQL.Aliased> {
  return Object.fromEntries(Object.entries(columns).map(([key, column]) => [key, sql`${column}`.as(key)]));
}

/**
 * The same select list as SQL text rendered once (`"customers"."id" as "id", …`), for a statement
 * written with `sql`: drizzle then renders one chunk, not a column list, each time it builds it.
 */
export function selectListOf(columns: Record<string, Column>): SQL {
  const list = sql.join(
    Object.entries(columns).map(([key, column]) => sql`${column} as ${sql.identifier(key)}`),
    sql`, `,
  );
  return sql.raw(dialect.sqlToQuery(list).sql);
}

/**
 * A reader of rows whose statement selects each of `columns` under its key (`keyedColumns`, or
 * list-shapes.ts): each cell is decoded where it is, no second object per row is made (on a
 * nested list a copy of every row was a tenth of the garbage). Any other value the statement
 * selects (e.g. a first page's `total`) is kept as the driver gives it.
 */
export function rowReader<T>(columns: Record<string, Column>): RowReader<T> {
  const decoded = Object.entries(columns).flatMap(([key, column]) => {
    const decode = decoderOf(column);
    return decode ? [{ key, decode }] : [];
  });
  const map = (raw: Record<string, unknown>[]): T[] => {
    for (let i = 0; i < raw.length; i += 1) {
      const r = raw[i] as Record<string, unknown>;
      for (const c of decoded) {
        const v = r[c.key];
        if (v !== null && v !== undefined) r[c.key] = c.decode(v);
      }
    }
    return raw as T[];
  };
  return {
    async read(database, executor, query) {
      return map(await database.rows(executor, 'getSQL' in query ? query.getSQL() : query, { prepare: true }));
    },
    async run(database, executor, query, values) {
      return map(await database.preparedRows(executor, query, values));
    },
  };
}

/** Column types whose values postgres.js already gives as drizzle would (no decoding needed). */
const AS_GIVEN = new Set(['PgText', 'PgUUID', 'PgBoolean', 'PgInteger']);

/** How a cell of `column` becomes its row value: nothing to do, a fast timestamp parse, or drizzle's own decoder. */
function decoderOf(column: Column): ((value: unknown) => unknown) | undefined {
  if (AS_GIVEN.has(column.columnType) && typeof column.mapFromDriverValue === 'function' && column.mapFromDriverValue(1) === 1) return undefined;
  if (column.columnType === 'PgTimestamp' && (column as Column & { withTimezone?: boolean }).withTimezone) {
    return (v) => (typeof v === 'string' ? parseTimestamptz(v) : v);
  }
  return (v) => column.mapFromDriverValue(v);
}

/**
 * A `timestamp with time zone` as PostgreSQL writes it (`2026-12-02 09:00:00.123456+00`, offset in
 * hours, optionally minutes and seconds) read field by field: `new Date(text)` on this form takes
 * V8's slow legacy parser, about a tenth of the CPU of a nested list's thousand timestamps. Any
 * other form (infinity, years before 1 or after 9999) goes to `new Date` as drizzle does.
 */
export function parseTimestamptz(text: string): Date {
  const n = text.length;
  if (n < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 32) return new Date(text);
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    // Milliseconds: the first three digits of the fraction (the rest truncated, as new Date does).
    let places = 0;
    for (i += 1; i < n; i += 1) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      if (places < 3) {
        ms = ms * 10 + d;
        places += 1;
      }
    }
    for (; places < 3; places += 1) ms *= 10;
  }
  const sign = text.charCodeAt(i) === 43 ? 1 : text.charCodeAt(i) === 45 ? -1 : 0;
  const rest = n - i - 1;
  if (sign === 0 || (rest !== 2 && rest !== 5 && rest !== 8)) return new Date(text);
  const offset = digits(text, i + 1, 2) * 3600 + (rest >= 5 ? digits(text, i + 4, 2) * 60 : 0) + (rest === 8 ? digits(text, i + 7, 2) : 0);
  const year = digits(text, 0, 4);
  if (!(year >= 100)) return new Date(text); // Date.UTC reads years 0–99 as 1900–1999
  const at = Date.UTC(year, digits(text, 5, 2) - 1, digits(text, 8, 2), digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2), ms);
  const date = new Date(at - sign * offset * 1000);
  return Number.isNaN(date.getTime()) ? new Date(text) : date;
}

/** The number written by `count` decimal digits of `text` from `from`, or NaN. */
function digits(text: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i += 1) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return v;
}
