/**
 * The customer workflow's rules, in rule-code order: the machine's guards, context updates,
 * effects, facts and terms are all built from this list (see `defineWorkflow`), and so is
 * docs/rules.md. E1, E4 and E5 (entry) are enforced by the customer service, in their files here.
 */
import type { CustomerRow } from '../../platform/db/schema.js';
import type { ContactRule } from '../contact.machine.js';
import type { CustomerRule } from '../customer.machine.js';
import { f1Contacts } from './f1-contacts.js';
import { f5ContactLifecycle } from './f5-contact-lifecycle.js';
import { a4AuditDecides } from './a4-audit-decides.js';
import { p1ProtectionAudit } from './p1-protection-audit.js';
import { p2ProspectTerm } from './p2-prospect-term.js';
import { p3Extension } from './p3-extension.js';
import { p4IntentTerm } from './p4-intent-term.js';
import { p5CoolDown } from './p5-cool-down.js';
import { p6FormalByContract } from './p6-formal-by-contract.js';
import { p7ClaimFromPool } from './p7-claim-from-pool.js';
import { p8CustodianSeesDetails } from './p8-custodian-sees-details.js';
import { p9Transfer } from './p9-transfer.js';
import { p10ReasonRecorded } from './p10-reason-recorded.js';
import { t1DepartmentReach } from './t1-department-reach.js';
import { t2Pools } from './t2-pools.js';
import { t3Inactivity } from './t3-inactivity.js';
import { t4Locks } from './t4-locks.js';
import { t5Collaborators } from './t5-collaborators.js';
import { t7HandOver } from './t7-hand-over.js';

export const customerRules: readonly CustomerRule[] = [
  p1ProtectionAudit,
  p2ProspectTerm,
  p3Extension,
  p4IntentTerm,
  p5CoolDown,
  p6FormalByContract,
  p7ClaimFromPool,
  p8CustodianSeesDetails,
  p9Transfer,
  p10ReasonRecorded,
  a4AuditDecides,
  t1DepartmentReach,
  t2Pools,
  t3Inactivity,
  t4Locks,
  t5Collaborators,
  t7HandOver,
];

/** The contact workflow's rules (F1, F5); F1 decides on the customer as it is now. */
export function contactRules(customerNow: (row: CustomerRow) => CustomerRow): readonly ContactRule[] {
  return [f1Contacts(customerNow), f5ContactLifecycle];
}
