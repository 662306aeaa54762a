/** The customer list's filter and order (customers, pool): what a front end may ask for, and how each order pages. */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { rowReader, tableReader } from '../platform/db/read-rows.js';
import { customers, type CustomerRow, type Stage } from '../platform/db/schema.js';

export type CustomerOrderField = 'CREATED_AT' | 'NAME' | 'PROTECTED_UNTIL' | 'LAST_FOLLOW_UP_AT';

export interface CustomerFilter {
  scope?: 'MINE' | 'ALL' | null;
  stage?: Stage | null;
  state?: string | null;
  custodianId?: string | null;
  industry?: string | null;
  region?: string | null;
  keyword?: string | null;
  createdFrom?: Date | null;
  createdTo?: Date | null;
}

export interface CustomerOrder {
  field: CustomerOrderField;
  direction: 'ASC' | 'DESC';
}

/** An order's SQL expression, its cursor type, and the row's value for the cursor. */
export type SortKey = { expr: SQL; type: string; value: (r: CustomerRow) => unknown };

export const SORT_KEYS: Record<CustomerOrderField, SortKey> = {
  CREATED_AT: { expr: sql`${customers.createdAt}`, type: 'timestamptz', value: (r) => r.createdAt.toISOString() },
  NAME: { expr: sql`${customers.name}`, type: 'text', value: (r) => r.name },
  PROTECTED_UNTIL: {
    expr: sql`coalesce(${customers.deadlineAt}, 'infinity'::timestamptz)`,
    type: 'timestamptz',
    value: (r) => r.deadlineAt?.toISOString() ?? 'infinity',
  },
  LAST_FOLLOW_UP_AT: {
    expr: sql`coalesce(${customers.lastFollowUpAt}, '-infinity'::timestamptz)`,
    type: 'timestamptz',
    value: (r) => r.lastFollowUpAt?.toISOString() ?? '-infinity',
  },
};

/**
 * Which columns a list reads (issue 14: a nested list selected every column of 50 customers, a
 * fifth of its CPU). CARD: the columns of the public card, the workflow (its projection and P8's
 * checks read them) and the times; FULL: every column. A list is read as CARD when every field
 * asked of its items is one of CARD_FIELDS, answered from those columns (the others, e.g. address
 * or availableActions, whose guards may read any column, need FULL). Two shapes, not one per
 * selection: each is a prepared statement, and a client must not be able to make thousands.
 */
export type ListShape = 'CARD' | 'FULL';

const CARD_FIELDS = new Set([
  '__typename',
  'id',
  'name',
  'tradeName',
  'stage',
  'state',
  'version',
  'machineVersion',
  'custodian',
  'createdBy',
  'createdAt',
  'lastFollowUpAt',
  'nextContactAt',
  'protectedUntil',
  'termHeld',
  'deadlineAt',
  'deadlineEvent',
  'expiresIn',
  'contacts',
  'followUps',
  'previousCustodians',
  'history',
  'applications',
  'contracts',
]);

const {
  id,
  name,
  tradeName,
  state,
  snapshot,
  version,
  machineVersion,
  deadlineAt,
  deadlineEvent,
  stage,
  custodianId,
  createdById,
  lastFollowUpAt,
  nextContactAt,
  createdAt,
  updatedAt,
} = getTableColumns(customers);

/** The columns of a CARD row; a CARD row is handed only to the resolvers of CARD_FIELDS. */
export const CARD_COLUMNS = {
  id,
  name,
  tradeName,
  state,
  snapshot,
  version,
  machineVersion,
  deadlineAt,
  deadlineEvent,
  stage,
  custodianId,
  createdById,
  lastFollowUpAt,
  nextContactAt,
  createdAt,
  updatedAt,
};

/** A list's columns and row reader per shape. */
export const LIST_SHAPES = {
  CARD: { columns: CARD_COLUMNS, rows: rowReader<CustomerRow>(CARD_COLUMNS) },
  FULL: { columns: getTableColumns(customers), rows: tableReader(customers) },
};

/** CARD when every field asked of the items is answered from CARD_COLUMNS. */
export function listShape(fields: ReadonlySet<string>): ListShape {
  for (const f of fields) if (!CARD_FIELDS.has(f)) return 'FULL';
  return 'CARD';
}
