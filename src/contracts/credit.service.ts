/**
 * V5: a formal customer's credit — its limit and term (MANAGER, ADMIN; a department manager for
 * the customers they reach, T1) — and the receivables past their term. Confirming a contract over
 * the limit goes through a CREDIT application (rules/v5-credit.ts).
 */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { contracts, customers, type ContractRow, type CustomerRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { FieldErrorCollector, ForbiddenError, NotFoundError } from '../platform/errors.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { money } from '../platform/money.js';
import { arrayLiteral } from '../platform/db/sql.js';
import type { Policy } from '../workflow/policy/policy.js';
import type { CustomerService } from '../customers/customer.service.js';
import { reaches } from '../customers/rules/p8-custodian-sees-details.js';

/** The largest credit limit, yuan (the column holds 15 digits before the point). */
const MAX_LIMIT = 10n ** 13n * 100n;
export const MAX_OVERDUE = 500;

/** A confirmed contract past its credit term with money still owed. */
export interface OverdueReceivable {
  contract: ContractRow;
  outstanding: string;
  dueAt: Date;
  daysOverdue: number;
}

export class CreditService {
  constructor(
    private readonly database: Database,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  /** V5: sets (or with null clears) a formal customer's credit limit and term; the limit counts from the next confirmation. */
  async setCredit(viewer: Viewer, customerId: string, limit: string | null, termDays: number | null): Promise<CustomerRow> {
    requireRole(viewer, 'MANAGER', 'ADMIN');
    const errors = new FieldErrorCollector();
    const parsed = limit === null ? null : money.parse(limit.trim());
    if (limit !== null) errors.check(parsed !== null && parsed >= 0n && parsed < MAX_LIMIT, 'limit', 'must be an amount in yuan, e.g. 500000.00, from 0');
    if (termDays !== null)
      errors.check(Number.isInteger(termDays) && termDays >= 1 && termDays <= 365, 'termDays', 'must be a whole number of days from 1 to 365');
    errors.throwIfAny();
    const row = this.customers.project(await this.customers.get(customerId));
    if (!reaches(viewer, row)) {
      throw new ForbiddenError('This customer belongs to someone outside your department', { rule: 'T1' });
    }
    const stageErrors = new FieldErrorCollector();
    stageErrors.check(row.stage === 'FORMAL', 'customerId', 'must be a formal customer: credit is given to customers who buy (V5)');
    stageErrors.throwIfAny();
    const [updated] = await this.database.db
      .update(customers)
      .set({
        creditLimit: parsed === null ? null : money.format(parsed),
        creditTermDays: termDays,
        version: sql`${customers.version} + 1`,
        updatedAt: this.clock(),
      })
      .where(eq(customers.id, customerId))
      .returning();
    if (!updated) throw new NotFoundError('Customer', customerId);
    return updated;
  }

  /** V5: confirmed contracts past their credit term (the customer's, else the policy's) with money owed, longest overdue first. */
  async overdue(viewer: Viewer, first: number): Promise<OverdueReceivable[]> {
    requireRole(viewer, 'MANAGER', 'ADMIN', 'AFTER_SALES');
    const errors = new FieldErrorCollector();
    errors.check(Number.isInteger(first) && first >= 1 && first <= MAX_OVERDUE, 'first', `must be from 1 to ${MAX_OVERDUE}`);
    errors.throwIfAny();
    const now = this.clock();
    const term = sql`make_interval(days => coalesce(c.credit_term_days, ${this.policy().contract.creditTermDays}::int))`;
    const reach = viewer.reach ? sql`k.created_by_id = any(${arrayLiteral([...viewer.reach])}::uuid[])` : sql`true`;
    const rows = await this.database.rows<{ id: string; due_at: Date | string }>(
      this.database.db,
      sql`select k.id, k.confirmed_at + ${term} as due_at from ${contracts} k join ${customers} c on c.id = k.customer_id
        where k.state = 'confirmed' and k.total > k.paid and k.confirmed_at + ${term} < ${now.toISOString()}::timestamptz and ${reach}
        order by 2, k.id limit ${first}`,
    );
    if (rows.length === 0) return [];
    const found = await this.database.db
      .select()
      .from(contracts)
      .where(sql`${contracts.id} = any(${arrayLiteral(rows.map((r) => r.id))}::uuid[])`);
    const byId = new Map(found.map((k) => [k.id, k]));
    return rows.flatMap((r) => {
      const contract = byId.get(r.id);
      if (!contract) return [];
      const dueAt = new Date(r.due_at);
      const outstanding = money.format((money.parse(contract.total) ?? 0n) - (money.parse(contract.paid) ?? 0n));
      return [{ contract, outstanding, dueAt, daysOverdue: Math.floor((now.getTime() - dueAt.getTime()) / 86_400_000) }];
    });
  }
}
