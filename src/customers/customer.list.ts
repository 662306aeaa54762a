/** The customer list's filter and order (customers, pool): what a front end may ask for, and how each order pages. */
import { sql, type SQL } from 'drizzle-orm';
import { listShapes } from '../platform/db/list-shapes.js';
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

/** An order's SQL expression, its cursor type, the row's value for the cursor and the column that value is read from. */
export type SortKey = { expr: SQL; type: string; value: (r: CustomerRow) => unknown; column: 'createdAt' | 'name' | 'deadlineAt' | 'lastFollowUpAt' };

export const SORT_KEYS: Record<CustomerOrderField, SortKey> = {
  CREATED_AT: { expr: sql`${customers.createdAt}`, type: 'timestamptz', value: (r) => r.createdAt.toISOString(), column: 'createdAt' },
  NAME: { expr: sql`${customers.name}`, type: 'text', value: (r) => r.name, column: 'name' },
  PROTECTED_UNTIL: {
    expr: sql`coalesce(${customers.deadlineAt}, 'infinity'::timestamptz)`,
    type: 'timestamptz',
    value: (r) => r.deadlineAt?.toISOString() ?? 'infinity',
    column: 'deadlineAt',
  },
  LAST_FOLLOW_UP_AT: {
    expr: sql`coalesce(${customers.lastFollowUpAt}, '-infinity'::timestamptz)`,
    type: 'timestamptz',
    value: (r) => r.lastFollowUpAt?.toISOString() ?? '-infinity',
    column: 'lastFollowUpAt',
  },
};

/** The Customer fields a list answers from narrow rows with the columns each needs beyond the base; any other field reads FULL rows. */
// prettier-ignore
export const CUSTOMER_SHAPES = listShapes(customers, {
  // What every narrow row holds: the public card's keys and the workflow, which the projection
  // (a due deadline applied in memory), P8's checks and T1/T2's reach and pools read.
  base: ['id', 'stage', 'custodianId', 'createdById', 'poolId', 'state', 'snapshot', 'version', 'machineVersion', 'deadlineAt', 'deadlineEvent'],
  fields: {
    id: [], name: ['name'], tradeName: ['tradeName'], stage: [], state: [], version: [], machineVersion: [], custodian: [], pool: [],
    createdBy: [], createdAt: ['createdAt'], lastFollowUpAt: ['lastFollowUpAt'], nextContactAt: ['nextContactAt'], protectedUntil: [],
    termHeld: [], deadlineAt: [], deadlineEvent: [], expiresIn: [], contacts: [], followUps: [], previousCustodians: [], history: [],
    applications: [], contracts: [],
  },
});
