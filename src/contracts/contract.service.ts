/**
 * Contracts (C1, C2, C4, P6): reserve a number, fill in, confirm (which makes the customer formal
 * in the same transaction), void or terminate with a reason; and the reads. Lines and the total
 * are `ContractLineService`'s, payments and delivery `PaymentService`'s, the catalogue
 * `ProductService`'s.
 */
import { anyUuid } from '../platform/db/sql.js';
import { chooseAfterSales } from './after-sales.js';
import { and, count, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Database, Tx } from '../platform/db/client.js';
import { contracts, customers, type ContractRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { ForbiddenError, IllegalTransitionError, NotFoundError, ValidationError } from '../platform/errors.js';
import { invariant } from '../platform/invariant.js';
import { hasRole, type Viewer } from '../platform/auth/viewer.js';
import { keyset, pageSize, toPage, type Keyset, type OrderKey, type Page, type PageArgs } from '../platform/pagination.js';
import { parseInput } from '../platform/validation.js';
import { actorOf, type Actor } from '../workflow/actor.js';
import { requireKnownState } from '../workflow/document.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import { localDateString } from '../workflow/policy/calendar.js';
import type { Policy } from '../workflow/policy/policy.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { ContractFacts } from './contract.machine.js';
import { groupedBy } from '../platform/grouped.js';
import { SEES_ALL_DETAILS } from '../customers/rules/p8-custodian-sees-details.js';
import { lockContract } from './contract.shared.js';
import { contractChanges, type ContractInput } from './contract.validation.js';
import { mayWorkOnContracts } from './rules/c1-who-works-on-contracts.js';
import { currentLineCount, missingForConfirmation } from './rules/c2-complete-before-confirm.js';
import { owedBy } from './rules/v5-credit.js';

export type { ContractInput } from './contract.validation.js';

/** Filters of the contracts list; all given conditions must hold. */
export interface ContractFilter {
  customerId?: string | null;
  state?: string | null;
  signedFrom?: string | null;
  signedTo?: string | null;
}

const newest: OrderKey<ContractRow>[] = [
  { expr: contracts.createdAt, value: (r) => r.createdAt },
  { expr: contracts.id, value: (r) => r.id },
];

/** The contracts list's orders, each a total keyset order (descending; a missing sign date sorts last). */
const CONTRACT_ORDERS: Record<'NEWEST_FIRST' | 'SIGN_DATE', Keyset<ContractRow>> = {
  NEWEST_FIRST: keyset(newest, true),
  SIGN_DATE: keyset([{ expr: contracts.signDate, value: (r) => r.signDate, nullAs: '-infinity' }, ...newest], true),
};

/** The life of a contract (C1, C2, C4, P6) and the contracts a viewer may read (P8). */
export class ContractService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    readonly workflow: WorkflowDefinition<ContractRow, ContractFacts>,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
    /** V5: opens the CREDIT application of a contract that went to credit review, in the caller's transaction. */
    private readonly openCreditApplication: (tx: Tx, contract: ContractRow, applicant: Viewer, reason: string) => Promise<void> = async () => {},
  ) {}

  private get db() {
    return this.database.db;
  }

  // ---------------------------------------------------------------- reserve (C1, C2, C4)

  /** C1/C2: reserves a numbered contract for an intent or formal customer. */
  async reserve(viewer: Viewer, customerId: string): Promise<ContractRow> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx.select().from(customers).where(eq(customers.id, customerId)).for('update');
      if (!locked) throw new NotFoundError('Customer', customerId);
      const customer = this.customers.project(locked);
      if (customer.stage !== 'INTENT' && customer.stage !== 'FORMAL') {
        throw new IllegalTransitionError(`Only intent and formal customers sign contracts; this one is ${customer.state} (C1)`, {
          state: customer.state,
          event: 'RESERVE',
          allowedEvents: [],
          rule: 'C1',
        });
      }
      if (!mayWorkOnContracts(customer, actorOf(viewer), viewer.reach)) {
        throw new ForbiddenError('Only the custodian, a manager of their department, or after-sales for a formal customer reserves a contract (C1, T1)', {
          rule: 'C1',
        });
      }
      const number = await this.nextNumber(tx);
      const start = this.engine.initial(this.workflow, { customerId });
      const now = this.clock();
      const [row] = await tx
        .insert(contracts)
        .values({ number, customerId, createdById: viewer.id, ...start.values, createdAt: now, updatedAt: now })
        .returning();
      invariant(row, 'an insert returns its row');
      await start.record(tx, row.id, actorOf(viewer));
      return row;
    });
  }

  /** C4: from a sequence, never reused: `HT-2026-000123`. */
  private async nextNumber(tx: Tx): Promise<string> {
    const [next] = await this.database.rows<{ n: string }>(tx, sql`select nextval('contract_number_seq')::text as n`);
    const year = localDateString(this.clock(), this.policy().calendar.timeZone).slice(0, 4);
    return `${this.policy().contract.numberPrefix}-${year}-${String(next?.n ?? '0').padStart(6, '0')}`;
  }

  // ---------------------------------------------------------------- fill in (C2)

  /** C2: fills in a reserved or draft contract; only the fields given change. */
  async update(viewer: Viewer, id: string, input: ContractInput, expectedVersion?: number | null): Promise<ContractRow> {
    const values = parseInput(contractChanges, input, { root: 'input' });
    return this.db.transaction(async (tx) => {
      await this.engine.applyIn(tx, this.workflow, id, { type: 'UPDATE' }, actorOf(viewer), { expectedVersion });
      const [row] = await tx.update(contracts).set(values).where(eq(contracts.id, id)).returning();
      if (!row) throw new NotFoundError('Contract', id);
      return row;
    });
  }

  // ---------------------------------------------------------------- confirm (C2, P6), void (C4), terminate

  /** C2/P6: confirms a complete draft; the customer becomes formal in the same transaction. */
  async confirm(viewer: Viewer, id: string, expectedVersion?: number | null): Promise<ContractRow> {
    return this.db.transaction(async (tx) => {
      // V5: the customer first (as a decision locks it), so two confirmations cannot both fit under one credit limit.
      const [owner] = await tx.select({ customerId: contracts.customerId }).from(contracts).where(eq(contracts.id, id));
      if (owner) await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, owner.customerId)).for('update');
      const locked = await lockContract(tx, id);
      const missing = missingForConfirmation(locked, await currentLineCount(tx, id));
      if (locked.state === 'draft' && Object.keys(missing).length > 0) {
        throw new ValidationError(missing, 'The contract is not complete (C2)', { rule: 'C2' });
      }
      const actor = actorOf(viewer);
      const { row } = await this.engine.applyIn(tx, this.workflow, id, { type: 'CONFIRM' }, actor, { expectedVersion });
      // V5: over the customer's credit limit, a CREDIT application decides instead.
      if (row.state === 'creditReview') {
        await this.openCreditApplication(tx, row, viewer, await this.creditReason(tx, row));
        return row;
      }
      return this.signedIn(tx, row, actor);
    });
  }

  /** V5: why a CREDIT application is needed: the contract's amount beside what its customer owes and its limit. */
  private async creditReason(tx: Tx, row: ContractRow): Promise<string> {
    const [credit] = await this.database.rows<{ limit: string | null; owed: string }>(
      tx,
      sql`select c.credit_limit::text as limit, ${owedBy(sql`c.id`)}::text as owed from ${customers} c where c.id = ${row.customerId}`,
    );
    return `信用审批 Credit: 合同 ${row.number} 金额 ${row.total}，已有应收 ${credit?.owed ?? '0'}，信用额度 ${credit?.limit ?? '—'}`;
  }

  /** P6: a contract just confirmed: its time, and the customer becomes (or stays) formal, with custody to after-sales by policy. */
  private async signedIn(tx: Tx, row: ContractRow, actor: Actor): Promise<ContractRow> {
    const [confirmed] = await tx.update(contracts).set({ confirmedAt: this.clock() }).where(eq(contracts.id, row.id)).returning();
    const signed = { type: 'CONTRACT_SIGNED', via: 'contract', contractId: row.id, afterSalesUserId: await chooseAfterSales(tx, this.policy()) };
    await this.customers.applyIn(tx, row.customerId, signed, actor);
    return confirmed ?? row;
  }

  /**
   * V5: the CREDIT application of a contract in credit review closed, in its transaction: approved
   * confirms the contract (and signs as a confirmation does), rejected or withdrawn returns it to the draft.
   */
  async creditDecidedIn(tx: Tx, contractId: string, approved: boolean, reason: string | null, actor: Actor): Promise<void> {
    await lockContract(tx, contractId);
    const event = approved ? { type: 'CREDIT_APPROVED', via: 'application' } : { type: 'CREDIT_REJECTED', via: 'application', reason };
    const { row } = await this.engine.applyIn(tx, this.workflow, contractId, event, actor);
    if (approved) await this.signedIn(tx, row, actor);
  }

  /** C4: voids a reserved or draft contract with a reason; its number is never reused. */
  async void(viewer: Viewer, id: string, reason: string, expectedVersion?: number | null): Promise<ContractRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'VOID', reason }, actorOf(viewer), { expectedVersion })).row;
  }

  /** C4: ends a confirmed contract early (a manager, with a reason). */
  async terminate(viewer: Viewer, id: string, reason: string, expectedVersion?: number | null): Promise<ContractRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'TERMINATE', reason }, actorOf(viewer), { expectedVersion })).row;
  }

  // ---------------------------------------------------------------- reads

  /** One contract, if the viewer may see its customer's details (P8). */
  async get(viewer: Viewer, id: string): Promise<ContractRow> {
    const [row] = await this.db.select().from(contracts).where(eq(contracts.id, id));
    if (!row) throw new NotFoundError('Contract', id);
    await this.requireSee(viewer, row.customerId);
    return row;
  }

  /** P8: contracts are customer details. */
  async requireSee(viewer: Viewer, customerId: string): Promise<void> {
    const customer = await this.customers.get(customerId);
    this.customers.requireDetails(viewer, customer);
  }

  /** The contracts the viewer may see (P8), filtered, newest first or by sign date. */
  async list(
    viewer: Viewer,
    filter: ContractFilter = {},
    order: 'NEWEST_FIRST' | 'SIGN_DATE' = 'NEWEST_FIRST',
    args: PageArgs = {},
  ): Promise<Page<ContractRow>> {
    const limit = pageSize(args.first);
    const where: (SQL | undefined)[] = [];
    // P8: a salesperson sees the contracts of customers in their custody.
    if (!hasRole(viewer, ...SEES_ALL_DETAILS))
      where.push(sql`${contracts.customerId} in (select ${customers.id} from ${customers} where ${this.customers.heldBy(viewer.id)})`);
    // T1: a department manager sees the contracts of their subtree's customers (and of customers nobody holds).
    else if (viewer.reach)
      where.push(
        sql`${contracts.customerId} in (select ${customers.id} from ${customers} where ${customers.custodianId} is null or ${anyUuid(customers.custodianId, [...viewer.reach])})`,
      );
    if (filter.customerId) where.push(eq(contracts.customerId, filter.customerId));
    requireKnownState(this.engine.read(this.workflow).states(), filter.state);
    if (filter.state) where.push(eq(contracts.state, filter.state));
    if (filter.signedFrom) where.push(gte(contracts.signDate, filter.signedFrom));
    if (filter.signedTo) where.push(lte(contracts.signDate, filter.signedTo));
    const condition = and(...where);
    const keys = CONTRACT_ORDERS[order];
    where.push(keys.after(args.after));
    const rows = await this.db
      .select()
      .from(contracts)
      .where(and(...where))
      .orderBy(...keys.orderBy)
      .limit(limit + 1);
    return toPage(rows, limit, keys.cursor, async () => {
      const [c] = await this.db.select({ n: count() }).from(contracts).where(condition);
      return c?.n ?? 0;
    });
  }

  /** Each customer's contracts, newest first (DataLoader batch). */
  async byCustomerIds(ids: readonly string[]): Promise<ContractRow[][]> {
    const rows = await this.db
      .select()
      .from(contracts)
      .where(inArray(contracts.customerId, [...ids]))
      .orderBy(desc(contracts.createdAt));
    return groupedBy(ids, rows, (r) => r.customerId);
  }
}
