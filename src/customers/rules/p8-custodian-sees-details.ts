/**
 * P8: a salesperson sees full details (contacts, follow-ups, contracts) only of customers in
 * their own custody (and pool customers); others show only the public card. Managers, auditors
 * and after-sales see what their work needs. Only the custodian acts on their customer.
 * The functions take the customer as it is now (a due deadline applied).
 */
import type { CustomerRow } from '../../platform/db/schema.js';
import { hasRole, type Viewer } from '../../platform/auth/viewer.js';
import { ForbiddenError } from '../../platform/errors.js';
import type { CustomerRule } from '../customer.machine.js';

/** Roles whose work needs every customer's details. */
export const SEES_ALL_DETAILS = ['MANAGER', 'AUDITOR', 'AFTER_SALES', 'ADMIN'] as const;

export function canSeeDetails(viewer: Viewer, now: CustomerRow): boolean {
  if (hasRole(viewer, ...SEES_ALL_DETAILS)) return true;
  return hasRole(viewer, 'SALES') && (now.custodianId === viewer.id || now.stage === 'POOL');
}

/** Who may change a customer's records: its custodian, a manager, after-sales for a formal one. */
function canEdit(viewer: Viewer, now: CustomerRow): boolean {
  return hasRole(viewer, 'MANAGER') || now.custodianId === viewer.id || (now.stage === 'FORMAL' && hasRole(viewer, 'AFTER_SALES'));
}

export function requireDetails(viewer: Viewer, now: CustomerRow): void {
  if (!canSeeDetails(viewer, now)) {
    throw new ForbiddenError('Only the custodian sees this customer’s details (P8)', { rule: 'P8', customerId: now.id });
  }
}

export function requireEdit(viewer: Viewer, now: CustomerRow): void {
  if (!canEdit(viewer, now)) {
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
