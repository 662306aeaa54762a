import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { PolicyVersionRow } from '../../db/schema.js';
import { WORKFLOW_SECTIONS } from '../../domain/policies/policy.service.js';
import { NotFoundError } from '../../shared/errors.js';
import { describeWorkflow, type WorkflowDescription } from '../../workflow/describe.js';
import type { WorkflowDefinition, WorkflowRow } from '../../workflow/engine.js';
import { viewerOf, type Context } from '../context.js';
import { ActionInput } from '../customers/customer.type.js';
import { User } from '../users/user.type.js';

@ObjectType()
export class WorkflowDeadline {
  @Field(() => String, { description: 'The policy term, e.g. prospectTerm.' }) term!: string;
  @Field(() => String, { description: 'The event fired when it passes.' }) event!: string;
}

@ObjectType()
export class WorkflowState {
  @Field(() => String) path!: string;
  @Field(() => String) label!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Boolean) terminal!: boolean;
  @Field(() => WorkflowDeadline, { nullable: true }) deadline!: WorkflowDeadline | null;
}

@ObjectType()
export class WorkflowEvent {
  @Field(() => String) name!: string;
  @Field(() => String) label!: string;
  @Field(() => [ActionInput]) inputs!: ActionInput[];
  @Field(() => Boolean, { description: 'Sent by another workflow or the sweeper, not by users.' }) internal!: boolean;
}

@ObjectType()
export class WorkflowTransition {
  @Field(() => String) from!: string;
  @Field(() => String) event!: string;
  @Field(() => String) to!: string;
  @Field(() => [String]) guards!: string[];
  @Field(() => [String], { description: 'Roles (or relations such as custodian) that pass the guards.' }) rolesAllowed!: string[];
  @Field(() => [String], { description: 'The domain rules the guards enforce.' }) rules!: string[];
}

@ObjectType({ description: 'A machine as designers see it (P11).' })
export class Workflow {
  @Field(() => String) name!: string;
  @Field(() => Int) version!: number;
  @Field(() => [WorkflowState]) states!: WorkflowState[];
  @Field(() => [WorkflowEvent]) events!: WorkflowEvent[];
  @Field(() => [WorkflowTransition]) transitions!: WorkflowTransition[];
  @Field(() => String, { description: 'A Mermaid stateDiagram-v2 of the machine.' }) mermaid!: string;
}

@ObjectType({ description: 'One published policy change.' })
export class PolicyVersion {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => String) workflow!: string;
  @Field(() => GraphQLJSON, { description: 'What the designer sent.' }) changes!: Record<string, unknown>;
  @Field(() => GraphQLJSON, { description: '[{ path, from, to }] against the previous version.' }) diff!: unknown;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => Date) createdAt!: Date;
  authorId!: string;
}

function toWorkflow(d: WorkflowDescription): Workflow {
  return { ...d, transitions: d.transitions.map((t) => ({ ...t, rolesAllowed: t.who })) };
}

function definitions(ctx: Context): WorkflowDefinition<WorkflowRow, unknown>[] {
  return Object.values(ctx.services.workflows) as unknown as WorkflowDefinition<WorkflowRow, unknown>[];
}

@Resolver(() => Workflow)
export class WorkflowResolver {
  @Authorized()
  @Query(() => [Workflow])
  workflows(@Ctx() ctx: Context): Workflow[] {
    return definitions(ctx).map((d) => toWorkflow(describeWorkflow(d)));
  }

  @Authorized()
  @Query(() => Workflow, { nullable: true })
  workflow(@Arg('name', () => String) name: string, @Ctx() ctx: Context): Workflow | null {
    const def = definitions(ctx).find((d) => d.name === name);
    return def ? toWorkflow(describeWorkflow(def)) : null;
  }

  @FieldResolver(() => GraphQLJSON, { description: 'The policy sections this workflow uses, as in force now.' })
  policies(@Root() w: Workflow, @Ctx() ctx: Context): Record<string, unknown> {
    const policy = ctx.services.policy() as unknown as Record<string, unknown>;
    return Object.fromEntries((WORKFLOW_SECTIONS[w.name] ?? []).map((s) => [s, policy[s]]));
  }

  @FieldResolver(() => Int, { description: 'The policy version in force; send it back as expectedVersion.' })
  policyVersion(@Ctx() ctx: Context): number {
    return ctx.services.policies.currentVersion;
  }

  @Authorized('DESIGNER')
  @Mutation(() => Workflow, { description: 'P11: publish a validated policy change; applies to deadlines and applications started after it.' })
  async updatePolicies(
    @Arg('workflow', () => String) workflow: string,
    @Arg('changes', () => GraphQLJSON) changes: unknown,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: Context,
  ): Promise<Workflow> {
    await ctx.services.policies.update(viewerOf(ctx), workflow, changes, expectedVersion, note);
    const def = definitions(ctx).find((d) => d.name === workflow);
    if (!def) throw new NotFoundError('Workflow', workflow);
    return toWorkflow(describeWorkflow(def));
  }

  @Authorized()
  @Query(() => [PolicyVersion], { description: 'Published policy changes of a workflow, newest first.' })
  async policyHistory(@Arg('workflow', () => String) workflow: string, @Ctx() ctx: Context): Promise<PolicyVersionRow[]> {
    return ctx.services.policies.history(workflow);
  }
}

@Resolver(() => PolicyVersion)
export class PolicyVersionResolver {
  @FieldResolver(() => User)
  async author(@Root() row: PolicyVersionRow, @Ctx() ctx: Context) {
    return ctx.loaders.userById.load(row.authorId);
  }
}
