/**
 * T5: a customer's team — `addCollaborator`, `removeCollaborator` (customer machine events, so
 * history rows with their reason, offered in availableActions) and `Customer.collaborators`.
 */
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { CustomerRow, UserCard } from '../platform/db/schema.js';
import { ExpectedVersionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { actorOf } from '../workflow/actor.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import { userLoaders } from '../users/user.loaders.js';
import type { UserService } from '../users/user.service.js';
import { Collaborator, CollaboratorAccessEnum } from './collaborator.type.js';
import { collaboratorsOf } from './customer.collaborators.js';
import type { CustomerFacts } from './customer.machine.js';
import type { CustomerService } from './customer.service.js';
import { Customer } from './customer.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface CollaboratorResolverServices {
  customers: CustomerService;
  users: UserService;
  engine: WorkflowEngine;
  workflows: { customer: WorkflowDefinition<CustomerRow, CustomerFacts> };
}

const REASON_ARG = 'Why; optional, recorded in the history (P10).';

/** T5: who works on a customer beside its custodian. */
@Resolver(() => Customer)
export class CollaboratorResolver {
  constructor(private readonly services: CollaboratorResolverServices) {}

  private async send(ctx: Context, id: string, event: { type: string; [input: string]: unknown }, expectedVersion?: number | null): Promise<CustomerRow> {
    const { engine, workflows } = this.services;
    return (await engine.apply(workflows.customer, id, event, actorOf(viewerOf(ctx)), { expectedVersion })).row;
  }

  @Authorized()
  @Mutation(() => Customer, {
    description:
      'T5: adds an active user to the customer’s team with READ or WRITE access, or changes their access (ADD_COLLABORATOR). Its custodian or a manager who may change it (else FORBIDDEN); not the custodian, nor the same access twice. Never in the pool.',
  })
  async addCollaborator(
    @Arg('customerId', () => ID, { description: 'The customer.' }) customerId: string,
    @Arg('userId', () => ID, { description: 'The user who joins the team (an active user, not the custodian).' }) userId: string,
    @Arg('access', () => CollaboratorAccessEnum, { description: 'READ (sees its details) or WRITE (also adds contacts and follow-ups).' })
    access: CollaboratorAccessEnum,
    @Arg('reason', () => String, { nullable: true, description: REASON_ARG }) reason: string | null,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.send(ctx, customerId, { type: 'ADD_COLLABORATOR', userId, access, reason }, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Customer, {
    description: 'T5: takes a user out of the customer’s team (REMOVE_COLLABORATOR). Its custodian or a manager who may change it (else FORBIDDEN).',
  })
  async removeCollaborator(
    @Arg('customerId', () => ID, { description: 'The customer.' }) customerId: string,
    @Arg('userId', () => ID, { description: 'The collaborator who leaves the team.' }) userId: string,
    @Arg('reason', () => String, { nullable: true, description: REASON_ARG }) reason: string | null,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<CustomerRow> {
    return this.send(ctx, customerId, { type: 'REMOVE_COLLABORATOR', userId, reason }, expectedVersion);
  }

  @FieldResolver(() => [Collaborator], {
    nullable: true,
    description:
      'T5: its team (团队成员), who joined first first; empty in the pool (falling to the pool clears it). Details (P8): FORBIDDEN (null) unless you may see its details.',
  })
  async collaborators(@Root() row: CustomerRow, @Ctx() ctx: Context): Promise<{ user: UserCard; access: string; since: Date }[]> {
    this.services.customers.requireDetails(viewerOf(ctx), row);
    const team = Object.entries(collaboratorsOf(this.services.customers.project(row))).sort(([, a], [, b]) => a.since.localeCompare(b.since));
    const users = await ctx.scope.use(userLoaders, this.services).userById.loadMany(team.map(([id]) => id));
    return team.flatMap(([, c], i) => {
      const user = users[i];
      return user && !(user instanceof Error) ? [{ user, access: c.access, since: new Date(c.since) }] : [];
    });
  }
}
