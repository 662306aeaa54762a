/**
 * Which columns a hot list reads (issue 14: a nested list that read every column spent a fifth of
 * its CPU on cells nobody asked for, and each cell read is garbage to collect). A table's plan
 * names the columns every narrow row holds (`base`: what the type's rules and projection read)
 * and, per GraphQL field answered from narrow rows, the columns that field needs; a request's
 * shape is the base plus the columns of the fields it asks for, or FULL (every column) when it
 * asks for a field the plan does not name. Each shape is a prepared statement per connection, so
 * a table has at most MAX_SHAPES of them: past that, lists read FULL rows.
 */
import { getTableColumns, type Query, type SQL } from 'drizzle-orm';
import { PgDialect, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { keyedColumns, rowReader, selectListOf, type RowReader } from './read-rows.js';

const dialect = new PgDialect();

/** A list's shape: FULL, or the key of a narrower column set (its column keys, sorted, joined). */
export type ListShape = string;
export const FULL: ListShape = 'FULL';

/** Most narrow shapes a table keeps (each one a prepared statement on each connection). */
export const MAX_SHAPES = 32;

/** A table's plan: the columns every narrow row holds, and the columns each field answered from narrow rows needs. */
export interface ShapePlan<K extends string> {
  base: readonly K[];
  fields: Readonly<Record<string, readonly K[]>>;
}

/** A shape's select list (for drizzle's `select`: each column named by its key) and its row reader. */
export interface Shape<T> {
  columns: Record<string, SQL.Aliased>;
  /**
   * The same select list as SQL text rendered once (`"customers"."id" as "id", …`), for a
   * statement written with `sql` that changes per request: drizzle then renders one chunk, not a
   * column list, each time (a page of customers rebuilt its seventeen aliased columns per request).
   */
  selectList: SQL;
  rows: RowReader<T>;
}

export interface ListShapes<T, K extends string> {
  /**
   * The shape for the fields a request asks of the list's items (`selectedFields`, a set the
   * server keeps per document, so the answer is remembered per set) plus `also` (e.g. the column
   * an order's cursor reads).
   */
  shapeFor(asked: ReadonlySet<string>, also?: readonly K[]): ListShape;
  /** A shape's select list and reader. */
  get(shape: ListShape): Shape<T>;
  /** A statement per shape, built by `build` from the shape on first use. */
  statements(build: (shape: Shape<T>) => SQL | { getSQL(): SQL }): (shape: ListShape) => Query;
}

/**
 * The shapes of `table` by `plan` (`X`: what a statement selects beside the columns, e.g. a first
 * page's `total`, kept as the driver gives it). Each column is selected under its row key
 * (`"customer_id" as "customerId"`), so the driver's row is the row: its timestamps and JSON are
 * decoded in place.
 */
export function listShapes<T extends PgTable, K extends keyof T['_']['columns'] & string, X = unknown>(
  table: T,
  plan: ShapePlan<K>,
): ListShapes<T['$inferSelect'] & X, K> {
  type Row = T['$inferSelect'] & X;
  const all: Record<string, PgColumn> = getTableColumns(table);
  const shapes = new Map<ListShape, Shape<Row>>([[FULL, shapeOf(all)]]);
  const remembered = new WeakMap<ReadonlySet<string>, Map<string, ListShape>>();

  function shapeNamed(shape: ListShape): Shape<Row> {
    const found = shapes.get(shape);
    if (!found) throw new Error(`unknown list shape ${shape}`);
    return found;
  }

  function narrow(asked: ReadonlySet<string>, also: readonly K[]): ListShape {
    const keys = new Set<K>([...plan.base, ...also]);
    for (const field of asked) {
      if (field === '__typename') continue;
      const needs = Object.hasOwn(plan.fields, field) ? plan.fields[field] : undefined;
      if (!needs) return FULL;
      for (const k of needs) keys.add(k);
    }
    const key = [...keys].sort().join(',');
    if (!shapes.has(key)) {
      if (shapes.size > MAX_SHAPES) return FULL;
      shapes.set(key, shapeOf(Object.fromEntries([...keys].map((k) => [k, all[k] as PgColumn]))));
    }
    return key;
  }

  return {
    shapeFor(asked, also = []) {
      const alsoKey = also.join(',');
      let byAlso = remembered.get(asked);
      if (!byAlso) remembered.set(asked, (byAlso = new Map()));
      let shape = byAlso.get(alsoKey);
      if (shape === undefined) byAlso.set(alsoKey, (shape = narrow(asked, also)));
      return shape;
    },
    get: shapeNamed,
    statements(build) {
      const queries = new Map<ListShape, Query>();
      return (shape) => {
        let query = queries.get(shape);
        if (!query) {
          const made = build(shapeNamed(shape));
          queries.set(shape, (query = dialect.sqlToQuery('getSQL' in made ? made.getSQL() : made)));
        }
        return query;
      };
    },
  };
}

function shapeOf<T>(columns: Record<string, PgColumn>): Shape<T> {
  return { columns: keyedColumns(columns), selectList: selectListOf(columns), rows: rowReader<T>(columns) };
}
