/** The customer list's filter and order (customers, pool): what a front end may ask for, and how each order pages. */
import { sql, type SQL } from 'drizzle-orm';
import { listShapes } from '../platform/db/read-rows.js';
import { anyUuid } from '../platform/db/sql.js';
import { customers, type CustomerRow, type Stage } from '../platform/db/schema.js';

/** T1: customers a department manager reaches: their subtree's, and nobody's (the pool, unassigned formal ones); `stage` as it is now. */
export function reachedBy(reach: ReadonlySet<string>, stage: SQL): SQL {
  return sql`(${customers.custodianId} is null or ${anyUuid(customers.custodianId, [...reach])} or ${stage} = 'POOL')`;
}

export type CustomerOrderField = 'CREATED_AT' | 'NAME' | 'PROTECTED_UNTIL' | 'LAST_FOLLOW_UP_AT';

export interface CustomerFilter {
  scope?: 'MINE' | 'SHARED' | 'ALL' | null;
  stage?: Stage | null;
  state?: string | null;
  custodianId?: string | null;
  industry?: string | null;
  region?: string | null;
  keyword?: string | null;
  createdFrom?: Date | null;
  createdTo?: Date | null;
  /** T2: only this pool's customers (in it, or returning to it). */
  poolId?: string | null;
}

export interface CustomerOrder {
  field: CustomerOrderField;
  direction: 'ASC' | 'DESC';
}

/**
 * T5: the customers `userId` collaborates on now (`stage`: the effective stage; a pool customer has
 * no team). The non-empty test matches the partial GIN index customers_collaborators_idx.
 */
export function sharedWith(userId: string, stage: SQL): SQL {
  const team = sql`(${customers.snapshot} -> 'context' -> 'collaborators')`;
  return sql`(${team} <> '{}'::jsonb and ${team} ? ${userId} and ${stage} <> 'POOL')`;
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
 * The Customer fields a list answers from its CARD columns (the public card, the workflow, which
 * its projection and P8's checks read, and the times); any other field (address, availableActions,
 * whose guards may read any column, …) makes the list read FULL rows.
 */
export const CARD_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'name',
  'tradeName',
  'stage',
  'state',
  'version',
  'machineVersion',
  'custodian',
  'pool',
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

/** A list's columns and row reader per shape; a CARD row is handed only to the resolvers of CARD_FIELDS. */
// prettier-ignore
export const LIST_SHAPES = listShapes(customers, [
  'id', 'name', 'tradeName', 'stage', 'custodianId', 'createdById', 'poolId', // the public card
  'state', 'snapshot', 'version', 'machineVersion', 'deadlineAt', 'deadlineEvent', // the workflow
  'lastFollowUpAt', 'nextContactAt', 'createdAt', 'updatedAt', // the times
]);
