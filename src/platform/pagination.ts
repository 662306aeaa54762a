/** Forward keyset pagination shared by every list (Relay connections at the GraphQL edge). */
import { asc, desc, is, sql, Column, SQL, type AnyColumn } from 'drizzle-orm';
import { ValidationError } from './errors.js';
import { isStorableText } from './text.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  /** The opaque cursor of `nodes[index]`, made when asked for (most reads never ask). */
  cursor(index: number): string;
  hasNextPage: boolean;
  /** Counted only when a client asks for it. */
  totalCount: () => Promise<number>;
}

export function pageSize(first: number | null | undefined, argName = 'first'): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new ValidationError({ [argName]: `must be a whole number from 0 to ${MAX_PAGE_SIZE}` });
  }
  return first;
}

function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number, argName = 'after'): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length) return values;
  } catch {
    // fall through
  }
  throw new ValidationError({ [argName]: 'is not a cursor this list gave out' });
}

/** One part of a keyset: a column (or expression with its SQL type) and the cursor's value. */
export type KeyPart = readonly [AnyColumn, unknown] | readonly [SQL, unknown, string];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^(?:-?infinity|[1-9]\d{3}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)$/;
const INTEGER = /^-?\d{1,18}$/;
/** Whole-number SQL types (`getSQLType` names serial columns by their DDL type). */
const WHOLE = /^(?:big|small)?(?:int|serial)|^integer/;
const DECIMAL = /^-?\d{1,20}(?:\.\d{1,10})?$/;

/** Whether a cursor's value can be cast to `type` (a forged cursor must not reach the database). */
function castable(type: string, value: unknown): boolean {
  if (typeof value === 'number') return (WHOLE.test(type) || type.startsWith('numeric')) && Number.isSafeInteger(value);
  if (typeof value !== 'string' || value.length > 500 || !isStorableText(value)) return false;
  if (type === 'uuid') return UUID.test(value);
  if (type.startsWith('timestamp') || type === 'date') return TIME.test(value) && (value.endsWith('infinity') || Number.isFinite(Date.parse(value)));
  if (WHOLE.test(type)) return INTEGER.test(value);
  if (type.startsWith('numeric')) return DECIMAL.test(value);
  return true;
}

/**
 * `(a, b) > (x, y)` (or `<` for descending): rows after a keyset position. Each value is cast
 * to its column's type (PostgreSQL cannot infer parameter types inside a row comparison); a value
 * that cannot be is refused as `argName`, BAD_USER_INPUT.
 * Every part of the key must be non-null (wrap nullable columns in coalesce).
 */
export function afterKey(parts: readonly KeyPart[], descending = false, argName = 'after'): SQL {
  const types = parts.map((p) => (p.length === 3 ? p[2] : (p[0] as AnyColumn).getSQLType()));
  const values = parts.map((p) => (p[1] instanceof Date ? p[1].toISOString() : p[1]));
  if (values.some((v, i) => !castable(types[i]!, v))) throw new ValidationError({ [argName]: 'is not a cursor this list gave out' });
  const cols = sql.join(
    parts.map((p) => sql`${p[0]}`),
    sql`, `,
  );
  const vals = sql.join(
    values.map((value, i) => sql`cast(${value} as ${sql.raw(types[i]!)})`),
    sql`, `,
  );
  return descending ? sql`(${cols}) < (${vals})` : sql`(${cols}) > (${vals})`;
}

/** One key of a list's order, declared once for its ORDER BY, its cursor and its after-condition. */
export interface OrderKey<T> {
  /** The column, or an SQL expression (then give `type`). */
  expr: AnyColumn | SQL;
  /** The SQL type the cursor's value is cast to; default the column's type. */
  type?: string;
  /** The row's value of this key, as the cursor stores it (JSON). */
  value: (row: T) => unknown;
  /**
   * For a nullable key: the value NULL sorts as, in both the order and the cursor (e.g.
   * `'-infinity'`: NULLs after everything in a descending order, before it in an ascending one).
   */
  nullAs?: string;
}

/** A list's keyset: ORDER BY, the condition for rows after a cursor, and each row's cursor, from one declaration. */
export interface Keyset<T> {
  orderBy: SQL[];
  /** Rows after the cursor (undefined without one); refuses a cursor of another shape as `argName`. */
  after(cursor: string | null | undefined, argName?: string): SQL | undefined;
  cursor(row: T): unknown[];
}

/**
 * The one paging mechanism of every list: keys end with a unique column (the id) so the order is
 * total; all keys run in one direction; NULLs sort as their key's `nullAs`.
 */
export function keyset<T>(keys: readonly OrderKey<T>[], descending = false): Keyset<T> {
  const typeOf = (k: OrderKey<T>): string => k.type ?? (is(k.expr, Column) ? k.expr.getSQLType() : 'text');
  const exprOf = (k: OrderKey<T>): SQL => (k.nullAs === undefined ? sql`${k.expr}` : sql`coalesce(${k.expr}, cast(${k.nullAs} as ${sql.raw(typeOf(k))}))`);
  return {
    orderBy: keys.map((k) => (descending ? desc(exprOf(k)) : asc(exprOf(k)))),
    after(cursor, argName = 'after') {
      if (!cursor) return undefined;
      const values = decodeCursor(cursor, keys.length, argName);
      return afterKey(
        keys.map((k, i) => [exprOf(k), values[i], typeOf(k)] as const),
        descending,
        argName,
      );
    },
    cursor: (row) => keys.map((k) => k.value(row) ?? k.nullAs ?? null),
  };
}

/** Builds a page from `limit + 1` fetched rows, or from `limit` rows and `hasNextPage` where the caller knows it (a counted total). */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => unknown[], totalCount: () => Promise<number>, hasNextPage = rows.length > limit): Page<T> {
  const nodes = rows.length > limit ? rows.slice(0, limit) : rows;
  const cursor = (index: number) => {
    const node = nodes[index];
    return node === undefined ? '' : encodeCursor(key(node));
  };
  return { nodes, cursor, hasNextPage, totalCount };
}
