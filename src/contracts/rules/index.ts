/**
 * The contract workflow's rules: the machine's guards and facts are built from this list, and
 * so is docs/rules.md. C1 needs the customers feature's view of a customer now.
 */
import type { CustomerRow } from '../../platform/db/schema.js';
import type { ContractRule } from '../contract.machine.js';
import { c1WhoWorksOnContracts } from './c1-who-works-on-contracts.js';
import { c2CompleteBeforeConfirm } from './c2-complete-before-confirm.js';
import { c3Payments } from './c3-payments.js';
import { c4VoidWithReason } from './c4-void-with-reason.js';
import { t1DepartmentReach } from './t1-department-reach.js';
import { t7HandOver } from './t7-hand-over.js';
import { v5Credit } from './v5-credit.js';

export function contractRules(customerNow: (row: CustomerRow) => CustomerRow): readonly ContractRule[] {
  return [c1WhoWorksOnContracts(customerNow), c2CompleteBeforeConfirm, c3Payments, c4VoidWithReason, t1DepartmentReach, t7HandOver, v5Credit];
}
