/**
 * P8: a salesperson sees full details (contacts, follow-ups, contracts) only of customers in
 * their own custody (and the customers of the pools they belong to, T2); others show only the public card of E2: id, name,
 * trade name, stage, state, custodian. When another person's term ends (protectedUntil,
 * deadlineAt, expiresIn, and createdAt, which dates the prospect term) is a detail too.
 * Managers, auditors and after-sales see what their work needs. Only the custodian acts on
 * their customer. The functions take the customer as it is now (a due deadline applied).
 *
 * Lists: a filter or order on a detail field would be an oracle on hidden data, so a viewer who
 * may not see every listed customer in full is refused it (FORBIDDEN naming the argument) —
 * unless the list can only hold customers they see in full (their own, or the pool).
 */
import type { CustomerRow, Stage } from '../../platform/db/schema.js';
import { hasRole, SEES_ALL_DETAILS, type Viewer } from '../../platform/auth/viewer.js';
import { ForbiddenError } from '../../platform/errors.js';
import type { CustomerRule } from '../customer.machine.js';
import { collaboratorAccess } from '../customer.collaborators.js';

export { SEES_ALL_DETAILS };

/** T1: whether a department manager's reach holds this customer (its custodian's in their subtree, or nobody's); always for the unscoped. */
export function reaches(viewer: Pick<Viewer, 'reach'>, now: Pick<CustomerRow, 'custodianId' | 'stage'>): boolean {
  return !viewer.reach || now.custodianId === null || now.stage === 'POOL' || viewer.reach.has(now.custodianId);
}

export function canSeeDetails(viewer: Viewer, now: CustomerRow): boolean {
  if (hasRole(viewer, ...SEES_ALL_DETAILS) && reaches(viewer, now)) return true;
  // T5: a collaborator (READ or WRITE) reads the customer's details.
  if (collaboratorAccess(now, viewer.id) !== null) return true;
  return hasRole(viewer, 'SALES') && (now.custodianId === viewer.id || inMemberPool(viewer, now) || signedBy(now).includes(viewer.id));
}

/** T2: a pool customer in one of the viewer's pools (every pool for a viewer whose pools are not limited). */
function inMemberPool(viewer: Viewer, now: CustomerRow): boolean {
  return now.stage === 'POOL' && (!viewer.pools || viewer.pools.has(now.poolId));
}

/** P6: who signed the customer's confirmed contracts (they keep reading it after the hand-over). */
function signedBy(now: CustomerRow): readonly string[] {
  const signers = (now.snapshot.context as { signers?: unknown } | undefined)?.signers;
  return Array.isArray(signers) ? signers.filter((s): s is string => typeof s === 'string') : [];
}

/**
 * Who may change a customer's records: its custodian, a manager, after-sales for a formal one.
 * Takes a viewer or a machine actor (F1: the contact machine's guard asks the same question).
 */
export function canEdit(who: Pick<Viewer, 'id' | 'roles' | 'reach'>, now: CustomerRow): boolean {
  return (who.roles.includes('MANAGER') && reaches(who, now)) || now.custodianId === who.id || (now.stage === 'FORMAL' && who.roles.includes('AFTER_SALES'));
}

/** T1: refuses a department manager a customer outside their reach (whatever else their roles allow). */
function requireReach(viewer: Viewer, now: CustomerRow): void {
  if (!reaches(viewer, now) && !(now.custodianId === viewer.id)) {
    throw new ForbiddenError('This customer belongs to someone outside your department (T1)', { rule: 'T1', customerId: now.id });
  }
}

export function requireDetails(viewer: Viewer, now: CustomerRow): void {
  if (!canSeeDetails(viewer, now)) {
    if (hasRole(viewer, ...SEES_ALL_DETAILS)) requireReach(viewer, now);
    throw new ForbiddenError('Only the custodian sees this customer’s details (P8)', { rule: 'P8', customerId: now.id });
  }
}

/** The list arguments P8 checks (a subset of the customers list's filter and order). */
export interface ListArgs {
  filter: { scope?: 'MINE' | 'SHARED' | 'ALL' | null; stage?: Stage | null; custodianId?: string | null } & Partial<Record<DetailFilter, unknown>>;
  orderField: string;
}

/** Filters on detail fields: an oracle on hidden data unless every listed customer is visible in full. */
export const DETAIL_FILTERS = ['industry', 'region', 'createdFrom', 'createdTo'] as const;
type DetailFilter = (typeof DETAIL_FILTERS)[number];
/** Orders by detail fields (entry time, term end, last follow-up); NAME is public. */
export const DETAIL_ORDERS: readonly string[] = ['CREATED_AT', 'PROTECTED_UNTIL', 'LAST_FOLLOW_UP_AT'];

/** The list's default scope: everything for roles that see every customer in full, else one's own. */
export function defaultScope(viewer: Viewer): 'MINE' | 'ALL' {
  return hasRole(viewer, ...SEES_ALL_DETAILS) ? 'ALL' : 'MINE';
}

/** Whether every customer this list can return is one the viewer sees in full (P8). */
export function listShowsOnlyDetails(viewer: Viewer, filter: ListArgs['filter']): boolean {
  // T1: a department manager's ALL list holds only their reach (customer.service.ts filters it).
  if (hasRole(viewer, ...SEES_ALL_DETAILS)) return true;
  // T5: SHARED lists only customers the viewer collaborates on, whose details they see.
  if (['MINE', 'SHARED'].includes(filter.scope ?? defaultScope(viewer)) || filter.custodianId === viewer.id) return true;
  return hasRole(viewer, 'SALES') && filter.stage === 'POOL';
}

/** P8: refuses a filter or order on a detail field when the list may hold customers the viewer may not see in full. */
export function requireListArgs(viewer: Viewer, { filter, orderField }: ListArgs): void {
  if (listShowsOnlyDetails(viewer, filter)) return;
  const refuse = (argument: string) => {
    throw new ForbiddenError(`${argument} would reveal details of customers you do not hold (P8); use scope MINE, or filter and order by public fields`, {
      rule: 'P8',
      argument,
    });
  };
  for (const f of DETAIL_FILTERS) if (filter[f] !== null && filter[f] !== undefined && filter[f] !== '') refuse(`filter.${f}`);
  if (DETAIL_ORDERS.includes(orderField)) refuse('orderBy.field');
}

export function requireEdit(viewer: Viewer, now: CustomerRow): void {
  if (!canEdit(viewer, now)) {
    if (hasRole(viewer, 'MANAGER')) requireReach(viewer, now);
    throw new ForbiddenError('Only the custodian or a manager can change this customer', { rule: 'P8', customerId: now.id });
  }
}

export const p8CustodianSeesDetails: CustomerRule = {
  code: 'P8',
  title: 'Only the custodian sees and works a customer’s details; others see its public card',
  guards: {
    isCustodian: {
      check: ({ context, event }) => event.actor.kind === 'user' && event.actor.id === context.custodianId,
      refusal: { code: 'FORBIDDEN', message: 'Only the custodian can do this', who: ['custodian'] },
    },
  },
};
