/**
 * The application workflow's rules: the machine's guards, context updates and facts are built
 * from this list, and so is docs/rules.md. A1 (the three kinds) and A5 (overdue after the audit
 * SLA) are enforced by the application service.
 */
import type { ApplicationRule } from '../application.machine.js';
import { a2AuditDecision } from './a2-audit-decision.js';
import { a3RejectionReason } from './a3-rejection-reason.js';
import { a4Lapse } from './a4-lapse.js';
import { t1DepartmentReach } from './t1-department-reach.js';
import { t7HandOver } from './t7-hand-over.js';

export const applicationRules: readonly ApplicationRule[] = [a2AuditDecision, a3RejectionReason, a4Lapse, t1DepartmentReach, t7HandOver];
