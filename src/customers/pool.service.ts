/**
 * T2: several pools. ADMIN makes and changes them (members: departments, with their subtrees, and
 * users; admins; policy overrides); people see the pools they belong to; a manager or a pool's
 * admin assigns from it; a manager moves a pool customer to another pool. The policy in force for
 * a customer is its pool's overrides over the global policy (kept here, refreshed like policies).
 */
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Clock } from '../platform/clock.js';
import type { Database, Executor, Tx } from '../platform/db/client.js';
import { uniqueViolation } from '../platform/db/errors.js';
import { customers, departments, poolDepartments, pools, poolUsers, users, type CustomerRow, type PoolRow } from '../platform/db/schema.js';
import { ConflictError, FieldErrorCollector, NotFoundError } from '../platform/errors.js';
import { hasRole, requireRole, type Viewer } from '../platform/auth/viewer.js';
import { invariant } from '../platform/invariant.js';
import { actorOf } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import { mergePolicy, type Policy } from '../workflow/policy/policy.js';
import { POOL_POLICY_KEYS } from '../workflow/policy/policy.schema.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { CustomerFacts } from './customer.machine.js';
import type { CustomerService } from './customer.service.js';
import { memberPools, returnToDepartmentPools } from './pool-membership.js';

/** What ADMIN gives to make or change a pool (member lists replace the old ones when given). */
export interface PoolInput {
  name?: string | null;
  memberDepartmentIds?: readonly string[] | null;
  memberUserIds?: readonly string[] | null;
  adminUserIds?: readonly string[] | null;
  /** Customer policy keys this pool overrides (POOL_POLICY_KEYS); `{}` overrides none. */
  policy?: Record<string, unknown> | null;
  active?: boolean | null;
}

/** A pool's members: departments (each with its subtree) and users (admins flagged). */
export interface PoolMembers {
  departmentIds: string[];
  users: { userId: string; admin: boolean }[];
}

export class PoolService {
  /** Overrides by pool id (pools without overrides absent), and the merged policy per global policy. */
  private overrides = new Map<string, Record<string, unknown>>();
  private merged = new WeakMap<Policy, Map<string, Policy>>();

  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly workflow: WorkflowDefinition<CustomerRow, CustomerFacts>,
    private readonly clock: Clock,
    private readonly policy: () => Policy,
    private readonly customers: CustomerService,
    /** T2: members changed: cached viewers forget the pools they belong to. */
    private readonly membersChanged: () => void = () => undefined,
  ) {
    engine.policies.overlay(workflow, (global, row) => this.policyFor(global, (row as CustomerRow).poolId));
    // T2: customers falling to the pool go to their custodian's department's pool (policy).
    engine.onTransition(workflow, {
      events: ['ABANDON', 'TERM_EXPIRED', 'REJECTION_LAPSED', 'INACTIVITY_EXPIRED'],
      written: async (tx, { historyIds }) => {
        if (this.policy().customer.returnTo === 'DEPARTMENT_POOL') await returnToDepartmentPools(tx, historyIds);
      },
    });
  }

  private get db() {
    return this.database.db;
  }

  /** The policy in force in a pool: its overrides over the global customer policy. */
  policyFor(global: Policy, poolId: string | undefined): Policy {
    const overrides = poolId === undefined ? undefined : this.overrides.get(poolId);
    if (!overrides || poolId === undefined) return global;
    let byPool = this.merged.get(global);
    if (!byPool) this.merged.set(global, (byPool = new Map()));
    let policy = byPool.get(poolId);
    if (!policy) {
      const result = mergePolicy(global, { customer: overrides });
      // An override the global policy no longer admits (e.g. an extension over a lowered maximum) is ignored whole.
      policy = result.ok ? result.policy : global;
      byPool.set(poolId, policy);
    }
    return policy;
  }

  /** Loads every pool's overrides (at start, after each change here, and periodically on every instance). */
  async refresh(): Promise<void> {
    const rows = await this.db
      .select({ id: pools.id, policy: pools.policy })
      .from(pools)
      .where(sql`${pools.policy} <> '{}'::jsonb`);
    this.overrides = new Map(rows.map((r) => [r.id, r.policy]));
    this.merged = new WeakMap();
  }

  /** Every pool for ADMIN and managers; the pools one belongs to for everyone else. */
  async list(viewer: Viewer): Promise<PoolRow[]> {
    const all = hasRole(viewer, 'ADMIN', 'MANAGER');
    return this.db
      .select()
      .from(pools)
      .where(all ? undefined : sql`${pools.id} in ${memberPools(sql`${viewer.id}::uuid`)}`)
      .orderBy(asc(pools.name));
  }

  async byIds(ids: readonly string[]): Promise<(PoolRow | null)[]> {
    const rows = await this.db
      .select()
      .from(pools)
      .where(inArray(pools.id, [...ids]));
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  }

  /** Inside a transaction pass its `tx` (PGlite has one connection). */
  async members(poolId: string, executor: Executor = this.db): Promise<PoolMembers> {
    const depts = await executor.select({ id: poolDepartments.departmentId }).from(poolDepartments).where(eq(poolDepartments.poolId, poolId));
    const people = await executor.select({ userId: poolUsers.userId, admin: poolUsers.admin }).from(poolUsers).where(eq(poolUsers.poolId, poolId));
    return { departmentIds: depts.map((d) => d.id), users: people };
  }

  /** Customers in the pool now (a term that has run out counts, as it reads as pool). */
  async customerCount(poolId: string): Promise<number> {
    const stage = this.engine.read(this.workflow).derived(this.clock(), (s) => (s.startsWith('pool') ? 'POOL' : 'HELD'));
    const [c] = await this.db
      .select({ n: count() })
      .from(customers)
      .where(and(eq(customers.poolId, poolId), sql`${stage} = 'POOL'`));
    return c?.n ?? 0;
  }

  async create(viewer: Viewer, input: PoolInput): Promise<PoolRow> {
    requireRole(viewer, 'ADMIN');
    await this.validate(input, true);
    return this.saving(async (tx) => {
      const now = this.clock();
      const [row] = await tx
        .insert(pools)
        .values({ name: input.name!.trim(), policy: input.policy ?? {}, active: input.active ?? true, createdAt: now, updatedAt: now })
        .returning();
      invariant(row, 'insert … returning gives the row');
      await this.setMembers(tx, row.id, input);
      return row;
    });
  }

  async update(viewer: Viewer, id: string, input: PoolInput): Promise<PoolRow> {
    requireRole(viewer, 'ADMIN');
    await this.validate(input, false);
    return this.saving(async (tx) => {
      const changes = {
        ...(input.name != null && { name: input.name.trim() }),
        ...(input.policy != null && { policy: input.policy }),
        ...(input.active != null && { active: input.active }),
        updatedAt: this.clock(),
      };
      const [row] = await tx.update(pools).set(changes).where(eq(pools.id, id)).returning();
      if (!row) throw new NotFoundError('Pool', id);
      await this.setMembers(tx, id, input);
      return row;
    });
  }

  /** T2: the pool a department's people's customers fall to (null: inherit the parent's). ADMIN. */
  async setDepartmentPool(viewer: Viewer, departmentId: string, poolId: string | null): Promise<void> {
    requireRole(viewer, 'ADMIN');
    const errors = new FieldErrorCollector();
    if (poolId !== null && (await this.byIds([poolId]))[0]?.active !== true) errors.add('poolId', 'must be an open pool');
    errors.throwIfAny('Invalid department pool');
    const [row] = await this.db.update(departments).set({ poolId, updatedAt: this.clock() }).where(eq(departments.id, departmentId)).returning();
    if (!row) throw new NotFoundError('Department', departmentId);
  }

  /** T2: a manager moves a pool customer to another pool (MOVE_POOL, recorded with the reason). */
  async moveToPool(viewer: Viewer, customerId: string, toPoolId: string, reason: string): Promise<CustomerRow> {
    const event = { type: 'MOVE_POOL', toPoolId, reason };
    const { row } = await this.engine.apply(this.workflow, customerId, event, actorOf(viewer), { payload: { toPoolId } });
    // The engine returns the columns a transition writes; the pool is the effect's.
    return { ...row, poolId: toPoolId };
  }

  /** T2: a manager or the pool's admin assigns a pool customer to a member (ASSIGN). */
  assignFromPool(viewer: Viewer, customerId: string, toUserId: string, reason: string): Promise<CustomerRow> {
    return this.customers.assign(viewer, customerId, toUserId, reason);
  }

  private async saving(work: (tx: Tx) => Promise<PoolRow>): Promise<PoolRow> {
    try {
      const row = await this.db.transaction(work);
      this.membersChanged();
      await this.refresh();
      return row;
    } catch (err) {
      if (uniqueViolation(err)) throw new ConflictError('Another pool has this name', { field: 'input.name' });
      throw err;
    }
  }

  private async setMembers(tx: Tx, poolId: string, input: PoolInput): Promise<void> {
    if (input.memberDepartmentIds != null) {
      await tx.delete(poolDepartments).where(eq(poolDepartments.poolId, poolId));
      const rows = [...new Set(input.memberDepartmentIds)].map((departmentId) => ({ poolId, departmentId }));
      if (rows.length > 0) await tx.insert(poolDepartments).values(rows);
    }
    if (input.memberUserIds != null || input.adminUserIds != null) {
      const before = (await this.members(poolId, tx)).users;
      const admins = new Set(input.adminUserIds ?? before.filter((u) => u.admin).map((u) => u.userId));
      const members = new Set(input.memberUserIds ?? before.filter((u) => !u.admin).map((u) => u.userId));
      await tx.delete(poolUsers).where(eq(poolUsers.poolId, poolId));
      const rows = [...new Set([...members, ...admins])].map((userId) => ({ poolId, userId, admin: admins.has(userId) }));
      if (rows.length > 0) await tx.insert(poolUsers).values(rows);
    }
  }

  /** Every problem of a pool input at once, by field (`input.name`, `input.policy.prospectTerm` …). */
  private async validate(input: PoolInput, creating: boolean): Promise<void> {
    const errors = new FieldErrorCollector();
    const name = input.name?.trim() ?? '';
    if (creating || input.name != null) errors.check(name.length >= 1 && name.length <= 100, 'input.name', 'must be 1 to 100 characters');
    const departmentIds = [...(input.memberDepartmentIds ?? [])];
    const userIds = [...(input.memberUserIds ?? []), ...(input.adminUserIds ?? [])];
    if (departmentIds.length > 0) {
      const found = await this.db.select({ id: departments.id }).from(departments).where(inArray(departments.id, departmentIds));
      errors.check(found.length === new Set(departmentIds).size, 'input.memberDepartmentIds', 'names a department that does not exist');
    }
    if (userIds.length > 0) {
      const found = await this.db
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.id, userIds), eq(users.active, true)));
      errors.check(found.length === new Set(userIds).size, 'input.memberUserIds', 'names a user who does not exist or is inactive');
    }
    if (input.policy != null) {
      for (const key of Object.keys(input.policy)) {
        if (!(POOL_POLICY_KEYS as readonly string[]).includes(key)) errors.add(`input.policy.${key}`, `a pool overrides only ${POOL_POLICY_KEYS.join(', ')}`);
      }
      const merged = mergePolicy(this.policy(), { customer: input.policy });
      if (!merged.ok) for (const p of merged.problems) errors.add(`input.policy.${p.path.replace(/^customer\./, '')}`, p.message);
    }
    errors.throwIfAny('Invalid pool');
  }
}
