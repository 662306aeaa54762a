import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { CustomerRow, FollowUpPlanRow, UserCard } from '../platform/db/schema.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { NotFoundError } from '../platform/errors.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import { WorkflowEntityResolver, type WorkflowEdge } from '../workflow/graphql/workflow-entity.resolver.js';
import { User } from '../users/user.type.js';
import { userLoaders } from '../users/user.loaders.js';
import type { UserService } from '../users/user.service.js';
import { Customer } from './customer.type.js';
import { customerLoaders, followUpPlanLoaders } from './customer.loaders.js';
import type { CustomerService } from './customer.service.js';
import type { FollowUpPlanService } from './follow-up-plan.service.js';
import type { FollowUpPlanFacts } from './follow-up-plan.machine.js';
import { FollowUpPlan } from './follow-up-plan.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface FollowUpPlanResolverServices {
  customers: CustomerService;
  followUpPlans: FollowUpPlanService;
  users: UserService;
  engine: WorkflowEngine;
  workflows: { followUpPlan: WorkflowDefinition<FollowUpPlanRow, FollowUpPlanFacts> };
}

/** How follow-up plans plug into the shared workflow fields. */
const planEdge: WorkflowEdge<FollowUpPlanRow, FollowUpPlanResolverServices> = {
  workflow: (s) => s.workflows.followUpPlan,
  current: (s, row) => s.followUpPlans.project(row),
  describe: {
    state:
      'The plan machine’s state now: planned, due, overdue, escalated, done or cancelled. A deadline that has passed reads as fired, before the sweeper has run.',
    availableActions: 'Empty: a plan moves by its deadlines, by the next follow-up (addFollowUp) and by custody changes, not by actions of its own.',
    history: 'P10: every event on this plan, newest first: CREATE, PLAN_DUE, PLAN_OVERDUE, PLAN_ESCALATED, DONE, CANCEL, CARRY.',
  },
};

/** F6: a plan's state, history, customer and assignee. */
@Resolver(() => FollowUpPlan)
export class FollowUpPlanResolver extends WorkflowEntityResolver(FollowUpPlan, planEdge) {
  @FieldResolver(() => Customer, { description: 'The customer to contact.' })
  async customer(@Root() row: FollowUpPlanRow, @Ctx() ctx: Context): Promise<CustomerRow> {
    const customer = await ctx.scope.use(customerLoaders, this.services).customerById.load(row.customerId);
    if (!customer) throw new NotFoundError('Customer', row.customerId);
    return customer;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Whom it reminds: the customer’s custodian when it opened, or the one it was carried to.' })
  async assignee(@Root() row: FollowUpPlanRow, @Ctx() ctx: Context): Promise<UserCard | null> {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.assigneeId);
  }
}

/** Customer.followUpPlans (F6). */
@Resolver(() => Customer)
export class CustomerFollowUpPlansResolver {
  constructor(private readonly services: FollowUpPlanResolverServices) {}

  @FieldResolver(() => [FollowUpPlan], {
    nullable: true,
    description:
      'F6: its follow-up plans, newest first (a list’s customers read theirs in one statement). Details (P8): FORBIDDEN (null) unless you may see its details.',
  })
  async followUpPlans(
    @Root() row: CustomerRow,
    @Arg('open', () => Boolean, { nullable: true, description: 'Only open plans (planned, due, overdue, escalated); default false.' }) open: boolean | null,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many (1–50); default 10.' }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<FollowUpPlanRow[]> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    const size = Math.min(Math.max(first ?? 10, 1), 50);
    return ctx.scope
      .use(followUpPlanLoaders, this.services)
      .plansByCustomerId(open ?? false, size)
      .load(row.id);
  }
}
