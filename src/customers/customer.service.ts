/**
 * Customers: entry with the duplicate rule (E1–E7), reads with visibility (P8) and the
 * protection actions (P1–P9), which go through the workflow engine. The rules themselves are in
 * `rules/`; this service orchestrates them.
 */
import { and, asc, count, eq, gte, ilike, inArray, isNotNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import { lockKeys, type Database, type Executor, type Tx } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { customers, type CustomerRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import { ConflictError, DuplicateError, NotFoundError, ValidationError } from '../platform/errors.js';
import { afterKey, decodeCursor, pageSize, toPage, type KeyPart, type Page, type PageArgs } from '../platform/pagination.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { actorOf, type Actor } from '../workflow/actor.js';
import type { EngineEvent } from '../workflow/definition.js';
import { requireKnownState } from '../workflow/document.js';
import { holdersOf, running } from '../workflow/hold.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import { previousValues } from '../workflow/history.js';
import { durationToMs } from '../workflow/policy/duration.js';
import type { Policy } from '../workflow/policy/policy.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import { stageOf, type CustomerFacts } from './customer.machine.js';
import { CUSTOMER_SHAPES, reachedBy, SORT_KEYS, sharedWith, type CustomerFilter, type CustomerOrder } from './customer.list.js';
import { FULL } from '../platform/db/list-shapes.js';
import { customerChanges, type CreateCustomerInput, type CustomerFieldsInput } from './customer.validation.js';
import { enterManyIn, enterOne, type AfterEntry, type Entry, type EntryDeps } from './customer-entry.js';
import { parseInput } from '../platform/validation.js';
import { duplicateError, duplicateKeys, findDuplicateRows, type DuplicateMatch, type MatchRow } from './rules/e4-duplicate-entry.js';
import { duplicateQuery, nameMatches, searchDuplicateRows } from './customer.duplicates.js';
import { heldWithSameKey } from './customer.elsewhere.js';
import { poolFilters } from './pool-membership.js';
import { defaultScope, listShowsOnlyDetails, requireDetails, requireEdit, requireListArgs } from './rules/p8-custodian-sees-details.js';

export type { DuplicateMatch } from './rules/e4-duplicate-entry.js';

export type { AfterEntry, Entry } from './customer-entry.js';

export type { CustomerFilter, CustomerOrder, CustomerOrderField } from './customer.list.js';

const CREATED_DESC: CustomerOrder = { field: 'CREATED_AT', direction: 'DESC' };
export class CustomerService {
  /** Each row's projection, computed once per row object (rows are loaded per request). */
  private readonly projected = new WeakMap<CustomerRow, CustomerRow>();

  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    readonly workflow: WorkflowDefinition<CustomerRow, CustomerFacts>,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
    /** F5: a new customer's first contacts start their contact machines like any other. */
    private readonly contacts: EntryDeps['contacts'],
  ) {}

  private get db() {
    return this.database.db;
  }

  /** A row as it is now (a due deadline applied in memory; see WorkflowEngine.project). */
  project(row: CustomerRow): CustomerRow {
    let now = this.projected.get(row);
    if (!now) this.projected.set(row, (now = this.engine.project(this.workflow, row)));
    return now;
  }

  /** The effective stage at this moment, in SQL (a passed deadline counts as fired). */
  private stage(): SQL {
    return this.engine.read(this.workflow).derived(this.clock(), stageOf);
  }

  /** Customers the user holds now (custody whose term has run out excluded). */
  heldBy(userId: string): SQL {
    return sql`(${customers.custodianId} = ${userId} and ${this.stage()} <> 'POOL')`;
  }

  requireDetails(viewer: Viewer, row: CustomerRow): void {
    requireDetails(viewer, this.project(row));
  }

  requireEdit(viewer: Viewer, row: CustomerRow): void {
    requireEdit(viewer, this.project(row));
  }

  async byIds(ids: readonly string[]): Promise<(CustomerRow | null)[]> {
    const rows = await this.db
      .select()
      .from(customers)
      .where(inArray(customers.id, [...ids]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** One customer as stored; inside a transaction pass its `tx` (PGlite has one connection). */
  async get(id: string, executor: Executor = this.db): Promise<CustomerRow> {
    const [row] = await executor.select().from(customers).where(eq(customers.id, id));
    if (!row) throw new NotFoundError('Customer', id);
    return row;
  }

  /** Sends an event to a customer in a transaction of its own (the demo's back-dated story, the sweeper's events). */
  async applyEvent(id: string, event: EngineEvent, actor: Actor): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, event, actor)).row;
  }

  /** Sends an event to a customer inside the caller's transaction (an audit decision, a contract). */
  applyIn(tx: Tx, id: string, event: EngineEvent, actor: Actor) {
    return this.engine.applyIn(tx, this.workflow, id, event, actor);
  }

  /** P1: a rejected customer goes back to audit (the caller opens its new application in `tx`). */
  applyResubmit(tx: Tx, id: string, actor: Actor, expectedVersion: number | null | undefined, applicationId: string) {
    return this.engine.applyIn(tx, this.workflow, id, { type: 'RESUBMIT', applicationId }, actor, { expectedVersion });
  }

  /** Whether the customer machine would accept this event now (no I/O). */
  accepts(row: CustomerRow, event: EngineEvent, actor: Actor): boolean {
    return this.engine.accepts(this.workflow, row, event, actor);
  }

  /** A match as anybody may see it (E2, P8), as it is now. */
  toMatch({ customer, custodianName }: MatchRow): DuplicateMatch {
    const now = this.project(customer);
    return {
      customerId: now.id,
      name: now.name,
      tradeName: now.tradeName,
      stage: now.stage,
      state: now.state,
      custodianName: now.custodianId ? custodianName : null,
    };
  }

  /** Existing customers whose trade name or any phone (customer's or a contact's) matches (E4). */
  async findDuplicates(executor: Executor, tradeName: string | null, phoneKeys: string[], excludeId?: string): Promise<DuplicateMatch[]> {
    return (await findDuplicateRows(executor, tradeName, phoneKeys, excludeId)).map((r) => this.toMatch(r));
  }

  /**
   * Enters a customer (E3, E4, E7, P1); `within` runs in the same transaction (e.g. its PROTECTION
   * application, whose id it is entered `heldBy`, P2). See customer-entry.ts.
   */
  create(viewer: Viewer, input: CreateCustomerInput, within?: AfterEntry, heldBy?: string[]): Promise<CustomerRow> {
    return enterOne(this.entry, viewer, input, within, heldBy);
  }

  /** T8: many customers entered in the caller's transaction; null for one to enter alone (its key is taken). See customer-entry.ts. */
  createManyIn(tx: Tx, viewer: Viewer, entries: readonly Entry[]): Promise<(CustomerRow | null)[]> {
    return enterManyIn(this.entry, tx, viewer, entries);
  }

  private get entry(): EntryDeps {
    const { database, engine, workflow, clock, contacts } = this;
    return { database, engine, workflow, clock, contacts, findDuplicates: (executor, tradeName, keys) => this.findDuplicates(executor, tradeName, keys) };
  }

  /** Data fields only (never state); custodian or MANAGER; a name change re-runs the duplicate rule. */
  async update(viewer: Viewer, id: string, input: CustomerFieldsInput, expectedVersion?: number | null): Promise<CustomerRow> {
    const fields = parseInput(customerChanges, input, { root: 'input' });
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.select().from(customers).where(eq(customers.id, id)).for('update');
        if (!row) throw new NotFoundError('Customer', id);
        this.requireEdit(viewer, row);
        if (expectedVersion != null && expectedVersion !== row.version) {
          throw new ConflictError(`Customer ${id} has changed (version ${row.version}, you had ${expectedVersion}); reload and retry`, {
            currentVersion: row.version,
          });
        }
        if (fields.referredById) await this.requireReferrer(tx, id, fields.referredById);
        const keys = fields.phoneKey && fields.phoneKey !== row.phoneKey ? [fields.phoneKey] : [];
        const trade = fields.tradeName && fields.tradeName !== row.tradeName ? fields.tradeName : null;
        await lockKeys(tx, duplicateKeys(trade, keys));
        const matches = await this.findDuplicates(tx, trade, keys, id);
        if (matches.length > 0) throw duplicateError(matches);
        const [updated] = await tx
          .update(customers)
          .set({ ...fields, ...(trade && { keyConflict: false }), version: row.version + 1, updatedAt: this.clock() })
          .where(eq(customers.id, id))
          .returning();
        if (!updated) throw new NotFoundError('Customer', id);
        return updated;
      });
    } catch (err) {
      if (uniqueViolation(err)) throw new DuplicateError('Another customer has this trade name or phone', []);
      throw err;
    }
  }

  /** V3: a referrer is another customer that exists (its referrals make it an advocate). */
  private async requireReferrer(tx: Executor, id: string, referrerId: string): Promise<void> {
    const [referrer] = referrerId === id ? [] : await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, referrerId));
    if (!referrer) throw new ValidationError({ 'input.referredById': referrerId === id ? 'must be another customer' : 'is not a customer' });
  }

  /** E2: any customer whose name contains or resembles the keyword, or whose phone matches (customer.duplicates.ts). */
  async duplicateCheck(viewer: Viewer, keyword: string | null | undefined, phone: string | null | undefined): Promise<DuplicateMatch[]> {
    requireRole(viewer, 'SALES', 'MANAGER', 'AUDITOR');
    return (await searchDuplicateRows(this.db, duplicateQuery(keyword, phone))).map((r) => this.toMatch(r));
  }

  private filters(viewer: Viewer, filter: CustomerFilter): (SQL | undefined)[] {
    const where: (SQL | undefined)[] = [];
    const read = this.engine.read(this.workflow);
    // P8: a salesperson's list is their own customers unless they ask for ALL (public cards); SHARED: their team's (T5); T1: a department manager's only what they reach.
    const scope = filter.scope ?? defaultScope(viewer);
    if (scope !== 'ALL') where.push(scope === 'MINE' ? this.heldBy(viewer.id) : sharedWith(viewer.id, this.stage()));
    if (viewer.reach) where.push(reachedBy(viewer.reach, this.stage()));
    if (filter.stage) where.push(sql`${this.stage()} = ${filter.stage}`);
    requireKnownState(read.states(), filter.state);
    if (filter.state) where.push(sql`${read.state(this.clock())} = ${filter.state}`);
    if (filter.custodianId) where.push(this.heldBy(filter.custodianId));
    if (filter.industry) where.push(eq(customers.industry, filter.industry));
    if (filter.region) where.push(ilike(customers.region, `%${filter.region}%`));
    if (filter.keyword?.trim()) where.push(nameMatches(`%${filter.keyword.trim()}%`));
    if (filter.createdFrom) where.push(gte(customers.createdAt, filter.createdFrom));
    if (filter.createdTo) where.push(lt(customers.createdAt, filter.createdTo));
    return [...where, ...poolFilters(viewer, filter)];
  }

  /**
   * A page of customers. `fields`: the GraphQL fields asked of each (`selectedFields`); the rows
   * then hold only the columns those need (CUSTOMER_SHAPES) and go only to those fields' resolvers.
   * Without it, every column.
   */
  async list(
    viewer: Viewer,
    filter: CustomerFilter = {},
    orderBy: CustomerOrder | null = null,
    args: PageArgs = {},
    fields?: ReadonlySet<string>,
  ): Promise<Page<CustomerRow>> {
    // P8: newest first by default, but by name where entry times are hidden (others' public cards).
    const order = orderBy ?? (listShowsOnlyDetails(viewer, filter) ? CREATED_DESC : { field: 'NAME' as const, direction: 'ASC' as const });
    requireListArgs(viewer, { filter, orderField: order.field });
    const limit = pageSize(args.first);
    const where = this.filters(viewer, filter);
    const desc_ = order.direction === 'DESC';
    const sortKey = SORT_KEYS[order.field];
    const condition = and(...where);
    if (args.after) {
      const [v, id] = decodeCursor(args.after, 2);
      const parts: KeyPart[] = [
        [sortKey.expr, v, sortKey.type],
        [customers.id, id],
      ];
      where.push(afterKey(parts, desc_));
    }
    // Written with `sql` around the shape's rendered select list: the statement differs per
    // request (filters, reach, the clock), so it is built each time, and this builds little.
    const direction = sql.raw(desc_ ? 'desc' : 'asc');
    const shape = CUSTOMER_SHAPES.get(fields ? CUSTOMER_SHAPES.shapeFor(fields, [sortKey.column]) : FULL);
    const query = sql`select ${shape.selectList} from ${customers} where ${and(...where) ?? sql`true`}
      order by ${sortKey.expr} ${direction}, ${customers.id} ${direction} limit ${limit + 1}`;
    const rows = await shape.rows.read(this.database, this.db, query);
    return toPage(
      rows,
      limit,
      (r) => [sortKey.value(r), r.id],
      async () => {
        const [c] = await this.db.select({ n: count() }).from(customers).where(condition);
        return c?.n ?? 0;
      },
    );
  }

  /** P7: pool customers (including overdue ones), newest in the pool first. */
  async pool(
    viewer: Viewer,
    filter: { poolId?: string | null; industry?: string | null; region?: string | null; keyword?: string | null },
    args: PageArgs,
    fields?: ReadonlySet<string>,
  ): Promise<Page<CustomerRow>> {
    requireRole(viewer, 'SALES', 'MANAGER');
    return this.list(viewer, { ...filter, scope: 'ALL', stage: 'POOL' }, CREATED_DESC, args, fields);
  }

  /** Earlier custodians per customer, most recent first (from the history's custody changes). */
  previousCustodians(customerIds: readonly string[]): Promise<string[][]> {
    return previousValues(this.database, customerIds, 'custodianId');
  }

  /** E4/P1: per customer, the others held now (not in the pool) with the same trade-name key or phone, as they are now; one query for all. */
  protectedElsewhere(list: readonly CustomerRow[]): Promise<{ id: string; name: string; state: string }[][]> {
    return heldWithSameKey(this.db, this.engine.read(this.workflow), this.clock(), list);
  }

  async claim(viewer: Viewer, id: string, expectedVersion?: number | null): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'CLAIM' }, actorOf(viewer), { expectedVersion })).row;
  }

  async abandon(viewer: Viewer, id: string, reason: string, expectedVersion?: number | null): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'ABANDON', reason }, actorOf(viewer), { expectedVersion })).row;
  }

  async transfer(viewer: Viewer, id: string, toUserId: string, reason: string, expectedVersion?: number | null): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'TRANSFER', toUserId, reason }, actorOf(viewer), { expectedVersion })).row;
  }

  /**
   * T2, T6: gives a pool customer to someone (ASSIGN, the pool's own event: TRANSFER moves a
   * customer someone holds). The machine decides under the row lock, so an assignment never takes
   * a customer from someone who claimed it meanwhile; a term that has run out counts as the pool.
   */
  async assign(viewer: Viewer, id: string, toUserId: string, reason: string, expectedVersion?: number | null): Promise<CustomerRow> {
    return (await this.engine.apply(this.workflow, id, { type: 'ASSIGN', toUserId, reason }, actorOf(viewer), { expectedVersion })).row;
  }

  /** When the protection or intent term ends (P2, P4): the deadline of a term (kept while held), not of a rejection's release. */
  protectedUntil(row: CustomerRow): Date | null {
    const now = running(this.project(row));
    return now.deadlineEvent === 'TERM_EXPIRED' ? now.deadlineAt : null;
  }

  /** P2: whether pending applications hold its term (it cannot run out until they are decided). */
  termHeld(row: CustomerRow): boolean {
    return holdersOf(this.project(row).snapshot).length > 0;
  }

  /** Time left on the running term, in ms (0 when due), or null with no deadline. */
  remainingMs(row: CustomerRow): number | null {
    const now = this.project(row);
    if (!now.deadlineAt) return null;
    return Math.max(0, now.deadlineAt.getTime() - this.clock().getTime());
  }

  /** Customers held by the viewer whose term ends within `warnBefore` (reminders: expiring). */
  async expiring(viewer: Viewer): Promise<CustomerRow[]> {
    const warnUntil = new Date(this.clock().getTime() + durationToMs(this.policy().customer.warnBefore));
    return this.db
      .select()
      .from(customers)
      .where(and(this.heldBy(viewer.id), isNotNull(customers.deadlineAt), lte(customers.deadlineAt, warnUntil)))
      .orderBy(asc(customers.deadlineAt))
      .limit(100);
  }
}
