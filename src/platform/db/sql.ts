/** SQL fragments the generic code shares. */
import { Placeholder, sql, type Column, type Query, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from './client.js';

/** A timestamptz as the ISO text JavaScript writes (`toISOString`: UTC, milliseconds, `Z`); null stays null. */
export function isoTimestamp(value: SQL): SQL {
  return sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** Rows a write statement touched (postgres.js: `count`; PGlite: `affectedRows`). */
export function affectedRows(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number };
  return Number(r.count ?? r.affectedRows ?? 0);
}

const dialect = new PgDialect();

/**
 * A statement built once and run many times with values for its placeholders
 * (`sql.placeholder(name)`), on the pool or inside a transaction. Building a statement with
 * drizzle costs more CPU than PostgreSQL spends running a one-row write; hot paths build once.
 */
export function preparedStatement(build: () => SQL): (executor: Executor, values: Record<string, unknown>) => Promise<unknown> {
  let query: Query | undefined;
  return (executor, values) => {
    query ??= dialect.sqlToQuery(build());
    return executor._.session.prepareQuery(query, undefined, undefined, false).execute(values);
  };
}

/** The value of one SQL expression (a scalar subquery, a jsonb object …), read with `map`; null stays null. */
export async function selectValue<T>(executor: Executor, expression: SQL, map: (value: unknown) => T): Promise<T | null> {
  const [row] = await executor.select({ value: expression.mapWith(map) }).from(sql`(select 1) as one`);
  return row?.value ?? null;
}

/** A PostgreSQL array literal of `values` (each element quoted), for one array parameter. */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * `column = any($1::uuid[])`: a list of ids as one parameter, so the statement's text is the same
 * for any number of ids (prepared once per connection, see `Database.rows`), unlike `in ($1, $2 …)`.
 * In a statement built once (`builtOnce`), `ids` is a placeholder whose value is `arrayLiteral(ids)`.
 */
export function anyUuid(column: SQL | Column, ids: readonly string[] | Placeholder): SQL {
  return sql`${column} = any(${ids instanceof Placeholder ? ids : arrayLiteral(ids)}::uuid[])`;
}
