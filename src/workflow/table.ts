/**
 * The table contract of a workflow: the columns every workflow-governed table has (built with
 * `workflowColumns` in the db schema), and the one place a select from such a table meets its
 * row type.
 */
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** The columns every workflow table has (see `workflowColumns` in the db schema). */
export interface WorkflowRow {
  id: string;
  state: string;
  snapshot: Record<string, unknown>;
  version: number;
  machineVersion: number;
  deadlineAt: Date | null;
  deadlineEvent: string | null;
}

/** A workflow table as the generic code sees it: the workflow columns, by name. */
export interface WorkflowTable extends PgTable {
  id: PgColumn;
  state: PgColumn;
  snapshot: PgColumn;
  version: PgColumn;
  machineVersion: PgColumn;
  deadlineAt: PgColumn;
  deadlineEvent: PgColumn;
}

/**
 * Rows selected from a {@link WorkflowTable}, as the feature's row type. drizzle types them
 * `Record<string, unknown>` because WorkflowTable names its columns without their data types;
 * every workflow table is built with `workflowColumns`, so each row is a `TRow`.
 */
export function workflowRows<TRow extends WorkflowRow = WorkflowRow>(rows: Record<string, unknown>[]): TRow[] {
  return rows as TRow[];
}
