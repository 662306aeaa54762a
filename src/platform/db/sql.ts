/** SQL fragments the generic code shares. */
import { sql, type SQL } from 'drizzle-orm';

/** A timestamptz as the ISO text JavaScript writes (`toISOString`: UTC, milliseconds, `Z`); null stays null. */
export function isoTimestamp(value: SQL): SQL {
  return sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** Rows a write statement touched (postgres.js: `count`; PGlite: `affectedRows`). */
export function affectedRows(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number };
  return Number(r.count ?? r.affectedRows ?? 0);
}
