/**
 * T7: when a user leaves, an ADMIN deactivates them and hands over, in one transaction, every
 * customer they hold, every pending application they made and every unconfirmed contract of
 * theirs — to one successor, or (customers only) to a pool. Each item moves through its machine,
 * so each gets a history row carrying the reason. All or nothing: one refusal and nothing changes.
 */
import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import type { Database, Tx } from '../platform/db/client.js';
import {
  applications,
  contracts,
  customers,
  pools,
  users,
  type ApplicationRow,
  type ContractRow,
  type CustomerRow,
  type UserRow,
} from '../platform/db/schema.js';
import { requireRole, type Viewer } from '../platform/auth/viewer.js';
import { DomainError, NotFoundError, ValidationError } from '../platform/errors.js';
import type { Clock } from '../platform/clock.js';
import { actorOf, type Actor } from '../workflow/actor.js';
import { hasReason } from '../workflow/reason.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { UserService } from './user.service.js';

/** Where a departing user's work goes: exactly one of a user and a pool. */
export interface HandOverTarget {
  userId?: string | null;
  poolId?: string | null;
}

/** What a hand-over moved. */
export interface HandOverSummary {
  user: UserRow;
  customers: number;
  applications: number;
  contracts: number;
}

/** The workflows a hand-over drives. */
export interface HandOverWorkflows {
  customer: WorkflowDefinition<CustomerRow, unknown>;
  application: WorkflowDefinition<ApplicationRow, unknown>;
  contract: WorkflowDefinition<ContractRow, unknown>;
}

/** The states of a contract that is not confirmed yet (C2: reserved, being filled in). */
const UNCONFIRMED = ['reserved', 'draft'];

type Target = { kind: 'user'; id: string; roles: readonly string[] } | { kind: 'pool'; id: string };

/** One refused item, named for the error. */
interface Refused {
  id: string;
  name: string;
  rule: string;
  message: string;
}

export class HandOverService {
  constructor(
    private readonly database: Database,
    private readonly engine: WorkflowEngine,
    private readonly workflows: HandOverWorkflows,
    private readonly customers: CustomerService,
    private readonly users: UserService,
    private readonly clock: Clock,
  ) {}

  /** T7: deactivates `id` (its tokens revoked) and hands over all it holds, in one transaction (ADMIN). */
  async deactivate(viewer: Viewer, id: string, to: HandOverTarget, reason: string): Promise<HandOverSummary> {
    requireRole(viewer, 'ADMIN');
    const target = await this.checkInput(viewer, id, to, reason);
    const actor = actorOf(viewer);
    const summary = await this.database.db.transaction(async (tx) => {
      const [user] = await tx
        .update(users)
        .set({ active: false, tokenGeneration: sql`${users.tokenGeneration} + 1`, updatedAt: this.clock() })
        .where(eq(users.id, id))
        .returning();
      if (!user) throw new NotFoundError('User', id);
      const moved = await this.moveCustomers(tx, id, target, reason, actor);
      const applicationCount = await this.moveApplications(tx, id, target, reason, actor);
      const contractCount = await this.moveContracts(tx, id, target, reason, actor);
      return { user, customers: moved, applications: applicationCount, contracts: contractCount };
    });
    // Like updateUser with active=false: this instance stops serving the user's viewer at once.
    this.users.forget(id);
    return summary;
  }

  private async checkInput(viewer: Viewer, id: string, to: HandOverTarget, reason: string): Promise<Target> {
    const userId = to.userId?.trim() || null;
    const poolId = to.poolId?.trim() || null;
    if ((userId === null) === (poolId === null)) {
      throw new ValidationError({ handOverTo: 'give exactly one of userId (a successor) and poolId (a pool)' }, 'Hand over to a user or to a pool, not both');
    }
    if (!hasReason({ reason })) throw new ValidationError({ reason: 'a reason of at least a few characters is required' });
    if (id === viewer.id) throw new ValidationError({ id: 'you cannot deactivate yourself' });
    if (poolId !== null) {
      const [pool] = await this.database.db.select({ active: pools.active }).from(pools).where(eq(pools.id, poolId));
      if (!pool?.active) throw new ValidationError({ 'handOverTo.poolId': `no open pool ${poolId}` });
      return { kind: 'pool', id: poolId };
    }
    const [successor] = await this.database.db
      .select()
      .from(users)
      .where(eq(users.id, userId ?? ''));
    if (!successor?.active || successor.id === id) {
      throw new ValidationError({ 'handOverTo.userId': 'the successor must be another active user' });
    }
    return { kind: 'user', id: successor.id, roles: successor.roles };
  }

  /** Every customer the user holds now, each by TRANSFER (P9's guards) or HANDED_OVER (to the pool). */
  private async moveCustomers(tx: Tx, id: string, target: Target, reason: string, actor: Actor): Promise<number> {
    const held = await tx
      .select({ id: customers.id, name: customers.name, stage: customers.stage })
      .from(customers)
      .where(this.customers.heldBy(id))
      .orderBy(asc(customers.createdAt), asc(customers.id))
      .for('update');
    const formal = held.filter((c) => c.stage === 'FORMAL');
    if (formal.length > 0 && (target.kind === 'pool' || !target.roles.includes('AFTER_SALES'))) {
      const why =
        target.kind === 'pool'
          ? 'formal customers never go to the pool (P6): hand them over to an after-sales user'
          : 'formal customers go only to an after-sales user';
      throw refusedError(
        'customer',
        formal.map((c) => ({ id: c.id, name: c.name, rule: 'T7', message: why })),
        target,
      );
    }
    const event = (c: { id: string }) =>
      target.kind === 'pool' ? { type: 'HANDED_OVER', toPoolId: target.id, reason } : { type: 'TRANSFER', toUserId: target.id, reason, handOver: true };
    const refused = await applyEach(held, (c) => this.engine.applyIn(tx, this.workflows.customer, c.id, event(c), actor));
    if (refused.length > 0) throw refusedError('customer', refused, target);
    return held.length;
  }

  /** Every pending application the user made: the successor becomes the applicant (HAND_OVER). */
  private async moveApplications(tx: Tx, id: string, target: Target, reason: string, actor: Actor): Promise<number> {
    // A customer handed to the pool has lapsed its applications already (A4); the rest need a person.
    const pending = await tx
      .select({ id: applications.id, name: customers.name })
      .from(applications)
      .innerJoin(customers, eq(customers.id, applications.customerId))
      .where(and(eq(applications.applicantId, id), like(applications.state, 'pending%')))
      .orderBy(asc(applications.createdAt));
    if (pending.length > 0 && target.kind === 'pool') throw needsSuccessor('application', pending);
    const refused = await applyEach(pending, (a) =>
      this.engine.applyIn(tx, this.workflows.application, a.id, { type: 'HAND_OVER', toUserId: target.id, reason }, actor),
    );
    if (refused.length > 0) throw refusedError('application', refused, target);
    return pending.length;
  }

  /** Every unconfirmed contract of the user (reserved, being filled in): the successor owns it (HAND_OVER). */
  private async moveContracts(tx: Tx, id: string, target: Target, reason: string, actor: Actor): Promise<number> {
    const open = await tx
      .select({ id: contracts.id, name: contracts.number })
      .from(contracts)
      .where(and(eq(contracts.createdById, id), inArray(contracts.state, UNCONFIRMED)))
      .orderBy(asc(contracts.createdAt));
    if (open.length > 0 && target.kind === 'pool') throw needsSuccessor('contract', open);
    const refused = await applyEach(open, (c) =>
      this.engine.applyIn(tx, this.workflows.contract, c.id, { type: 'HAND_OVER', toUserId: target.id, reason }, actor),
    );
    if (refused.length > 0) throw refusedError('contract', refused, target);
    return open.length;
  }
}

/** Applies to every item, collecting refusals (a guard refuses before anything is written, so the transaction stays usable). */
async function applyEach<T extends { id: string; name: string }>(items: readonly T[], apply: (item: T) => Promise<unknown>): Promise<Refused[]> {
  const refused: Refused[] = [];
  for (const item of items) {
    try {
      await apply(item);
    } catch (err) {
      if (!(err instanceof DomainError) || !['FORBIDDEN', 'BAD_USER_INPUT', 'ILLEGAL_TRANSITION'].includes(err.code)) throw err;
      refused.push({ id: item.id, name: item.name, rule: typeof err.details.rule === 'string' ? err.details.rule : 'T7', message: err.message });
    }
  }
  return refused;
}

/** The whole hand-over refused (BAD_USER_INPUT on the target, rule T7): names every refused item and the rule that refused it. */
function refusedError(entity: string, refused: readonly Refused[], target: Target): DomainError {
  const list = refused.map((r) => `${r.name} (${r.rule}: ${r.message})`).join('; ');
  const field = target.kind === 'pool' ? 'handOverTo.poolId' : 'handOverTo.userId';
  return new ValidationError({ [field]: `nothing was handed over: ${refused.length} ${entity}(s) refused — ${list}` }, `Hand-over refused (T7): ${list}`, {
    rule: 'T7',
    refused: refused.map((r) => ({ entity, ...r })),
  });
}

/** Applications and contracts need a person, not a pool. */
function needsSuccessor(entity: string, items: readonly { id: string; name: string }[]): DomainError {
  return refusedError(
    entity,
    items.map((i) => ({ ...i, rule: 'T7', message: `a pending ${entity} needs a successor: hand over to a user (handOverTo.userId)` })),
    { kind: 'pool', id: '' },
  );
}
