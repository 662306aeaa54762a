/**
 * Facts read off another record each row points to (a contract's or a contact's customer): one
 * spec gives both the locked `load` of one row and the `loadMany` of a list's page, with the
 * related records read in one statement either way, so the two can never decide differently.
 */
import { getTableColumns, type Table } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../platform/db/client.js';
import { anyUuid } from '../platform/db/sql.js';
import { invariant } from '../platform/invariant.js';
import type { Actor } from './actor.js';
import type { FactsManyRequest, FactsRequest } from './definition.js';
import type { WorkflowRow } from './table.js';

/** `load` and `loadMany` of a rule whose facts come from the record `relatedId(row)` of `table`. */
export function relatedFacts<TRow extends WorkflowRow, TRelated extends { id: string }, TFacts>(spec: {
  table: Table;
  relatedId: (row: TRow) => string;
  /** The facts for an actor, given the related record (undefined: it does not exist). */
  facts: (related: TRelated | undefined, actor: Actor) => Partial<TFacts>;
}) {
  const id = (getTableColumns(spec.table) as Record<string, PgColumn>).id;
  invariant(id, 'a related table has an id column');
  const read = async (executor: Executor, ids: readonly string[]): Promise<Map<string, TRelated>> => {
    // The table's own rows: its select type is the caller's TRelated.
    const found = (await executor
      .select()
      .from(spec.table)
      .where(anyUuid(id, [...new Set(ids)]))) as TRelated[];
    return new Map(found.map((r) => [r.id, r]));
  };
  return {
    async load({ executor, row, actor }: FactsRequest<TRow>): Promise<Partial<TFacts>> {
      return spec.facts((await read(executor, [spec.relatedId(row)])).get(spec.relatedId(row)), actor);
    },
    // A list's rows: their related records in one statement.
    async loadMany({ executor, rows, actor }: FactsManyRequest<TRow>): Promise<Map<string, Partial<TFacts>>> {
      const related = await read(executor, rows.map(spec.relatedId));
      return new Map(rows.map((r) => [r.id, spec.facts(related.get(spec.relatedId(r)), actor)]));
    },
  };
}
