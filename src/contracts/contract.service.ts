/**
 * Contracts (C1–C4, P6): reserve a number, fill in, confirm (which makes the customer formal in
 * the same transaction), record payments up to the total, void or terminate with a reason.
 * Money is exact: decimal strings in, bigint arithmetic, `numeric` in the database.
 */
import { requireKnownState } from '../workflow/document.js';
import { and, asc, count, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Database, Tx } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import {
  contractLines,
  contracts,
  customers,
  DELIVERY_STATUSES,
  PAYMENT_METHODS,
  payments,
  products,
  users,
  type Buyer,
  type ContractLineRow,
  type ContractRow,
  type CustomerRow,
  type DeliveryStatus,
  type PaymentMethod,
  type PaymentRow,
  type ProductRow,
} from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { ConflictError, DuplicateError, FieldErrorCollector, ForbiddenError, IllegalTransitionError, NotFoundError, ValidationError } from '../platform/errors.js';
import { lineTotal, money, parseDecimal, QUANTITY_SCALE, RATE_SCALE } from '../platform/money.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { ContractFacts } from './contract.machine.js';
import { mayReceivePayment, mayWorkOnContracts } from './rules/c1-who-works-on-contracts.js';
import { missingForConfirmation } from './rules/c2-complete-before-confirm.js';
import { localDateString } from '../workflow/policy/calendar.js';
import type { Policy } from '../workflow/policy/policy.js';
import { hasRole, requireRole, type Viewer } from '../platform/auth/viewer.js';
import type { CustomerService } from '../customers/customer.service.js';
import { actorOf } from '../workflow/actor.js';
import { normalizePhone } from '../customers/rules/e5-formats.js';
import { decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';

export interface ContractInput {
  type?: string | null;
  signDate?: string | null;
  paymentMethod?: PaymentMethod | null;
  buyer?: Partial<Buyer> | null;
  startDate?: string | null;
  endDate?: string | null;
  terms?: string | null;
  commitments?: string | null;
}

export interface ContractLineInput {
  productId?: string | null;
  description?: string | null;
  quantity: string;
  unitPrice?: string | null;
  discount?: string | null;
}

export interface PaymentInput {
  amount: string;
  paidAt: Date;
  method: PaymentMethod;
  account?: string | null;
  handlerId?: string | null;
  note?: string | null;
}

export interface ContractFilter {
  customerId?: string | null;
  state?: string | null;
  signedFrom?: string | null;
  signedTo?: string | null;
}

export interface ProductInput {
  code?: string | null;
  name?: string | null;
  unit?: string | null;
  listPrice?: string | null;
  active?: boolean | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const blank = (v: string | null | undefined) => v === undefined || v === null || v.trim() === '';

export class ContractService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    readonly workflow: WorkflowDefinition<ContractRow, ContractFacts>,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
  ) {}

  private get db() {
    return this.database.db;
  }

  // ---------------------------------------------------------------- reserve (C1, C2, C4)

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
      if (!mayWorkOnContracts(customer, actorOf(viewer))) {
        throw new ForbiddenError('Only the custodian, a manager, or after-sales for a formal customer reserves a contract (C1)', { rule: 'C1' });
      }
      const number = await this.nextNumber(tx);
      const start = this.engine.initial(this.workflow, { customerId });
      const now = this.clock();
      const [row] = await tx
        .insert(contracts)
        .values({ number, customerId, createdById: viewer.id, ...start.values, createdAt: now, updatedAt: now })
        .returning();
      if (!row) throw new Error('insert returned nothing');
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

  async update(viewer: Viewer, id: string, input: ContractInput, expectedVersion?: number | null): Promise<ContractRow> {
    const errors = new FieldErrorCollector();
    const values: Partial<typeof contracts.$inferInsert> = {};
    for (const key of ['signDate', 'startDate', 'endDate'] as const) {
      const v = input[key];
      if (v === undefined) continue;
      if (v !== null && !isDate(v)) errors.add(`input.${key}`, 'must be a date YYYY-MM-DD');
      values[key] = v;
    }
    if (input.startDate && input.endDate && isDate(input.startDate) && isDate(input.endDate)) {
      errors.check(input.startDate <= input.endDate, 'input.endDate', 'must not be before startDate');
    }
    if (input.paymentMethod !== undefined) {
      errors.check(input.paymentMethod === null || (PAYMENT_METHODS as readonly string[]).includes(input.paymentMethod), 'input.paymentMethod', `one of ${PAYMENT_METHODS.join(', ')}`);
      values.paymentMethod = input.paymentMethod;
    }
    for (const key of ['type', 'terms', 'commitments'] as const) if (input[key] !== undefined) values[key] = blank(input[key]) ? null : (input[key] as string).trim();
    if (input.buyer !== undefined && input.buyer !== null) {
      const b = input.buyer;
      let phone: string | null = null;
      if (!blank(b.phone)) {
        phone = normalizePhone(b.phone as string);
        errors.check(phone !== null, 'input.buyer.phone', 'must be a mobile or landline number');
      }
      values.buyer = {
        name: blank(b.name) ? null : (b.name as string).trim(),
        address: blank(b.address) ? null : (b.address as string).trim(),
        taxId: blank(b.taxId) ? null : (b.taxId as string).trim(),
        contactName: blank(b.contactName) ? null : (b.contactName as string).trim(),
        phone,
      };
      if (values.buyer.taxId) errors.check(/^[0-9A-Z]{15,20}$/.test(values.buyer.taxId), 'input.buyer.taxId', 'a tax id (统一社会信用代码) is 15–20 digits or capital letters');
    }
    errors.throwIfAny();
    return this.db.transaction(async (tx) => {
      await this.engine.applyIn(tx, this.workflow, id, { type: 'UPDATE' }, actorOf(viewer), { expectedVersion });
      const [row] = await tx.update(contracts).set(values).where(eq(contracts.id, id)).returning();
      if (!row) throw new NotFoundError('Contract', id);
      return row;
    });
  }

  async addLines(viewer: Viewer, contractId: string, inputs: ContractLineInput[]): Promise<ContractLineRow[]> {
    const errors = new FieldErrorCollector();
    errors.check(inputs.length > 0, 'lines', 'give at least one line');
    const productIds = [...new Set(inputs.map((l) => l.productId).filter((v): v is string => !!v))];
    const catalogue = productIds.length ? await this.db.select().from(products).where(inArray(products.id, productIds)) : [];
    const byId = new Map(catalogue.map((p) => [p.id, p]));
    const rows = inputs.map((line, i) => {
      const path = inputs.length === 1 ? 'input' : `lines.${i}`;
      const product = line.productId ? byId.get(line.productId) : undefined;
      if (line.productId && (!product || !product.active)) errors.add(`${path}.productId`, 'is not an active product');
      if (!line.productId && blank(line.description)) errors.add(`${path}.description`, 'a product or a description is required');
      const quantity = parseDecimal(line.quantity, QUANTITY_SCALE);
      errors.check(quantity !== null && quantity > 0n, `${path}.quantity`, 'must be a positive decimal with at most 3 decimals');
      const priceText = line.unitPrice ?? product?.listPrice ?? null;
      const unitPrice = priceText === null ? null : money.parse(priceText);
      errors.check(unitPrice !== null && unitPrice >= 0n, `${path}.unitPrice`, 'must be a decimal amount with at most 2 decimals');
      const discount = parseDecimal(line.discount ?? '0', RATE_SCALE);
      errors.check(discount !== null && discount >= 0n && discount < 10n ** BigInt(RATE_SCALE), `${path}.discount`, 'must be a rate from 0 to below 1 (0.1 = 10 % off)');
      return {
        productId: product?.id ?? null,
        description: blank(line.description) ? (product?.name ?? '') : (line.description as string).trim(),
        quantity: line.quantity.trim(),
        unitPrice: unitPrice === null ? '0' : money.format(unitPrice),
        discount: (line.discount ?? '0').trim(),
        amount: quantity !== null && unitPrice !== null && discount !== null ? money.format(lineTotal(quantity, unitPrice, discount)) : '0',
      };
    });
    errors.throwIfAny();
    return this.db.transaction(async (tx) => {
      await this.engine.applyIn(tx, this.workflow, contractId, { type: 'UPDATE' }, actorOf(viewer), { payload: { addedLines: rows.length } });
      const now = this.clock();
      const inserted: ContractLineRow[] = [];
      for (let i = 0; i < rows.length; i += 1000) {
        inserted.push(...(await tx.insert(contractLines).values(rows.slice(i, i + 1000).map((r) => ({ ...r, contractId, createdAt: now }))).returning()));
      }
      await this.recomputeTotal(tx, contractId);
      return inserted;
    });
  }

  /** E6: a removed line is kept, marked removed. */
  async removeLine(viewer: Viewer, contractId: string, lineId: string): Promise<ContractRow> {
    return this.db.transaction(async (tx) => {
      await this.engine.applyIn(tx, this.workflow, contractId, { type: 'UPDATE' }, actorOf(viewer), { payload: { removedLine: lineId } });
      const [line] = await tx
        .update(contractLines)
        .set({ removedAt: this.clock() })
        .where(and(eq(contractLines.id, lineId), eq(contractLines.contractId, contractId), isNull(contractLines.removedAt)))
        .returning();
      if (!line) throw new NotFoundError('Contract line', lineId);
      return this.recomputeTotal(tx, contractId);
    });
  }

  /** The total is the exact sum of the lines' amounts, computed by PostgreSQL's numeric. */
  private async recomputeTotal(tx: Tx, contractId: string): Promise<ContractRow> {
    const [row] = await tx
      .update(contracts)
      .set({ total: sql`(select coalesce(sum(${contractLines.amount}), 0) from ${contractLines} where ${contractLines.contractId} = ${contractId} and ${contractLines.removedAt} is null)` })
      .where(eq(contracts.id, contractId))
      .returning();
    if (!row) throw new NotFoundError('Contract', contractId);
    return row;
  }

  // ---------------------------------------------------------------- confirm (C2, P6), void (C4), terminate

  async confirm(viewer: Viewer, id: string, expectedVersion?: number | null): Promise<ContractRow> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx.select().from(contracts).where(eq(contracts.id, id)).for('update');
      if (!locked) throw new NotFoundError('Contract', id);
      const [lines] = await tx.select({ n: count() }).from(contractLines).where(and(eq(contractLines.contractId, id), isNull(contractLines.removedAt)));
      const missing = missingForConfirmation(locked, lines?.n ?? 0);
      if (locked.state === 'draft' && Object.keys(missing).length > 0) {
        throw new ValidationError(missing, 'The contract is not complete (C2)', { rule: 'C2' });
      }
      const actor = actorOf(viewer);
      const { row } = await this.engine.applyIn(tx, this.workflow, id, { type: 'CONFIRM' }, actor, { expectedVersion });
      const now = this.clock();
      const [confirmed] = await tx.update(contracts).set({ confirmedAt: now }).where(eq(contracts.id, id)).returning();
      // P6: the customer becomes formal (or stays formal) in the same transaction, and custody
      // passes to after-sales as the policy says.
      const signed = { type: 'CONTRACT_SIGNED', via: 'contract', contractId: id, afterSalesUserId: await this.afterSalesAssignee(tx) };
      await this.customers.applyIn(tx, row.customerId, signed, actor);
      return confirmed ?? row;
    });
  }

  private async afterSalesAssignee(tx: Tx): Promise<string | null> {
    const username = this.policy().contract.afterSalesAssignee;
    if (!username) return null;
    const [user] = await tx.select().from(users).where(eq(users.username, username.toLowerCase()));
    return user && user.active && user.roles.includes('AFTER_SALES') ? user.id : null;
  }

  async void(viewer: Viewer, id: string, reason: string, expectedVersion?: number | null): Promise<ContractRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'VOID', reason }, actorOf(viewer), { expectedVersion })).row;
  }

  async terminate(viewer: Viewer, id: string, reason: string, expectedVersion?: number | null): Promise<ContractRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'TERMINATE', reason }, actorOf(viewer), { expectedVersion })).row;
  }

  // ---------------------------------------------------------------- payments and delivery (C3)

  async recordPayment(viewer: Viewer, contractId: string, input: PaymentInput): Promise<PaymentRow> {
    const errors = new FieldErrorCollector();
    const amount = money.parse(input.amount);
    errors.check(amount !== null && amount > 0n, 'input.amount', 'must be a positive amount with at most 2 decimals');
    errors.check((PAYMENT_METHODS as readonly string[]).includes(input.method), 'input.method', `one of ${PAYMENT_METHODS.join(', ')}`);
    errors.check(input.paidAt <= new Date(this.clock().getTime() + 86_400_000), 'input.paidAt', 'must not be in the future');
    if (input.handlerId) {
      const [handler] = await this.db.select().from(users).where(eq(users.id, input.handlerId));
      errors.check(!!handler?.active, 'input.handlerId', 'is not an active user');
    }
    errors.throwIfAny();
    const value = amount ?? 0n;
    return this.db.transaction(async (tx) => {
      // The engine locks the contract, so two payments cannot both pass the overpayment guard.
      const { row } = await this.engine.applyIn(tx, this.workflow, contractId, { type: 'PAYMENT', amount: money.format(value) }, actorOf(viewer));
      const now = this.clock();
      const [payment] = await tx
        .insert(payments)
        .values({ contractId, amount: money.format(value), paidAt: input.paidAt, method: input.method, account: input.account?.trim() || null, handlerId: input.handlerId ?? viewer.id, note: input.note?.trim() || null, recordedById: viewer.id, createdAt: now })
        .returning();
      await tx.update(contracts).set({ paid: money.format((money.parse(row.paid) ?? 0n) + value) }).where(eq(contracts.id, contractId));
      if (!payment) throw new Error('insert returned nothing');
      return payment;
    });
  }

  async updateDelivery(viewer: Viewer, contractId: string, status: DeliveryStatus): Promise<ContractRow> {
    const errors = new FieldErrorCollector();
    errors.check((DELIVERY_STATUSES as readonly string[]).includes(status), 'status', `one of ${DELIVERY_STATUSES.join(', ')}`);
    errors.throwIfAny();
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(contracts).where(eq(contracts.id, contractId)).for('update');
      if (!row) throw new NotFoundError('Contract', contractId);
      if (row.state !== 'confirmed' && row.state !== 'settled') {
        throw new IllegalTransitionError('Delivery is tracked on confirmed contracts', { state: row.state, event: 'DELIVERY', allowedEvents: [], rule: 'C3' });
      }
      const customer = this.customers.project(await this.customers.get(row.customerId, tx));
      if (!mayReceivePayment(customer, actorOf(viewer))) throw new ForbiddenError('Delivery is tracked by after-sales, a manager or the custodian', { rule: 'C3' });
      const [updated] = await tx.update(contracts).set({ deliveryStatus: status, version: row.version + 1, updatedAt: this.clock() }).where(eq(contracts.id, contractId)).returning();
      if (!updated) throw new ConflictError('changed concurrently');
      return updated;
    });
  }

  // ---------------------------------------------------------------- reads

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

  async list(viewer: Viewer, filter: ContractFilter = {}, order: 'NEWEST_FIRST' | 'SIGN_DATE' = 'NEWEST_FIRST', args: PageArgs = {}): Promise<Page<ContractRow>> {
    const limit = pageSize(args.first);
    const where: (SQL | undefined)[] = [];
    // P8: a salesperson sees the contracts of customers in their custody.
    if (!hasRole(viewer, 'MANAGER', 'AFTER_SALES', 'AUDITOR', 'ADMIN')) where.push(sql`${contracts.customerId} in (select ${customers.id} from ${customers} where ${this.customers.heldBy(viewer.id)})`);
    if (filter.customerId) where.push(eq(contracts.customerId, filter.customerId));
    requireKnownState(this.engine.read(this.workflow).states(), filter.state);
    if (filter.state) where.push(eq(contracts.state, filter.state));
    if (filter.signedFrom) where.push(gte(contracts.signDate, filter.signedFrom));
    if (filter.signedTo) where.push(lte(contracts.signDate, filter.signedTo));
    const condition = and(...where);
    if (args.after) {
      const [at, id] = decodeCursor(args.after, 2);
      where.push(sql`(${contracts.createdAt}, ${contracts.id}) < (cast(${String(at)} as timestamptz), cast(${String(id)} as uuid))`);
    }
    const rows = await this.db
      .select()
      .from(contracts)
      .where(and(...where))
      .orderBy(...(order === 'SIGN_DATE' ? [desc(sql`coalesce(${contracts.signDate}, '0001-01-01')`)] : []), desc(contracts.createdAt), desc(contracts.id))
      .limit(limit + 1);
    return toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id], async () => {
      const [c] = await this.db.select({ n: count() }).from(contracts).where(condition);
      return c?.n ?? 0;
    });
  }

  async byCustomerIds(ids: readonly string[]): Promise<ContractRow[][]> {
    const rows = await this.db.select().from(contracts).where(inArray(contracts.customerId, [...ids])).orderBy(desc(contracts.createdAt));
    return ids.map((id) => rows.filter((r) => r.customerId === id));
  }

  async linesByContractIds(ids: readonly string[]): Promise<ContractLineRow[][]> {
    const rows = await this.db.select().from(contractLines).where(and(inArray(contractLines.contractId, [...ids]), isNull(contractLines.removedAt))).orderBy(asc(contractLines.position));
    const map = new Map<string, ContractLineRow[]>();
    for (const r of rows) map.set(r.contractId, [...(map.get(r.contractId) ?? []), r]);
    return ids.map((id) => map.get(id) ?? []);
  }

  async paymentsByContractIds(ids: readonly string[]): Promise<PaymentRow[][]> {
    const rows = await this.db.select().from(payments).where(inArray(payments.contractId, [...ids])).orderBy(asc(payments.paidAt));
    const map = new Map<string, PaymentRow[]>();
    for (const r of rows) map.set(r.contractId, [...(map.get(r.contractId) ?? []), r]);
    return ids.map((id) => map.get(id) ?? []);
  }

  // ---------------------------------------------------------------- products

  async products(filter: { active?: boolean | null; keyword?: string | null }, args: PageArgs): Promise<Page<ProductRow>> {
    const limit = pageSize(args.first);
    const where: (SQL | undefined)[] = [];
    if (filter.active != null) where.push(eq(products.active, filter.active));
    if (filter.keyword?.trim()) where.push(sql`(${products.name} ilike ${`%${filter.keyword.trim()}%`} or ${products.code} ilike ${`%${filter.keyword.trim()}%`})`);
    const condition = and(...where);
    if (args.after) {
      const [name, id] = decodeCursor(args.after, 2);
      where.push(sql`(${products.name}, ${products.id}) > (cast(${String(name)} as text), cast(${String(id)} as uuid))`);
    }
    const rows = await this.db.select().from(products).where(and(...where)).orderBy(asc(products.name), asc(products.id)).limit(limit + 1);
    return toPage(rows, limit, (r) => [r.name, r.id], async () => {
      const [c] = await this.db.select({ n: count() }).from(products).where(condition);
      return c?.n ?? 0;
    });
  }

  async productsByIds(ids: readonly string[]): Promise<(ProductRow | null)[]> {
    const rows = await this.db.select().from(products).where(inArray(products.id, [...ids]));
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }

  async saveProduct(viewer: Viewer, id: string | null, input: ProductInput): Promise<ProductRow> {
    requireRole(viewer, 'MANAGER', 'ADMIN');
    const errors = new FieldErrorCollector();
    const creating = id === null;
    for (const key of ['code', 'name', 'unit', 'listPrice'] as const) {
      if (creating || input[key] !== undefined) errors.check(!blank(input[key]), `input.${key}`, 'is required');
    }
    if (!blank(input.code)) errors.check(/^[A-Za-z0-9._-]{1,32}$/.test((input.code as string).trim()), 'input.code', 'letters, digits, . _ - (at most 32)');
    const price = blank(input.listPrice) ? null : money.parse(input.listPrice as string);
    if (!blank(input.listPrice)) errors.check(price !== null && price >= 0n, 'input.listPrice', 'must be an amount with at most 2 decimals');
    errors.throwIfAny();
    const values = {
      ...(input.code != null && { code: input.code.trim() }),
      ...(input.name != null && { name: input.name.trim() }),
      ...(input.unit != null && { unit: input.unit.trim() }),
      ...(price !== null && { listPrice: money.format(price) }),
      ...(input.active != null && { active: input.active }),
      updatedAt: this.clock(),
    };
    try {
      if (creating) {
        const [row] = await this.db.insert(products).values({ code: '', name: '', unit: '', listPrice: '0', ...values, createdAt: this.clock() }).returning();
        if (!row) throw new Error('insert returned nothing');
        return row;
      }
      const [row] = await this.db.update(products).set({ ...values, version: sql`${products.version} + 1` }).where(eq(products.id, id)).returning();
      if (!row) throw new NotFoundError('Product', id);
      return row;
    } catch (err) {
      if (uniqueViolation(err)) {
        throw new DuplicateError(`Product code ${input.code ?? ''} exists`, []);
      }
      throw err;
    }
  }
}
