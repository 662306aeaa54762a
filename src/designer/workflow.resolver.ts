import { JSONScalar } from '../platform/graphql/json.scalar.js';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { ApplicationRow, ContractRow, CustomerRow, PolicyVersionRow, WorkflowVersionRow } from '../platform/db/schema.js';
import { WORKFLOW_SECTIONS } from './policy.service.js';
import { NotFoundError } from '../platform/errors.js';
import { describeWorkflow, type WorkflowDescription } from '../workflow/describe.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { WorkflowRow } from '../workflow/definition.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { ActionInput } from '../customers/customer.type.js';
import { User } from '../users/user.type.js';
import { Application } from '../applications/application.type.js';
import { Contract } from '../contracts/contract.type.js';
import { Customer } from '../customers/customer.type.js';
import type { WorkflowProblem as Problem } from '../workflow/validation/index.js';
import type { WorkflowService } from './workflow.service.js';
import type { PolicyService } from './policy.service.js';
import type { UserService } from '../users/user.service.js';
import type { Policy } from '../workflow/policy/policy.js';
import { userLoaders } from '../users/user.loaders.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface DesignerResolverServices {
  designs: WorkflowService;
  policies: PolicyService;
  users: UserService;
  /** The policy in force. */
  policy: () => Policy;
}

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
  @Field(() => Int, { description: 'The current version: new instances start on it. Send it back as expectedVersion when publishing.' }) version!: number;
  @Field(() => JSONScalar, { description: 'The current version’s document (XState config with named guards, actions and terms, plus its events): edit it and publish.' })
  definition!: unknown;
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
  @Field(() => JSONScalar, { description: 'What the designer sent.' }) changes!: Record<string, unknown>;
  @Field(() => JSONScalar, { description: '[{ path, from, to }] against the previous version.' }) diff!: unknown;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => Date) createdAt!: Date;
  authorId!: string;
}

@ObjectType({ description: 'A problem with a workflow document, with where it is.' })
export class WorkflowProblem {
  @Field(() => String, { description: 'A path into the document, e.g. states.prospect.states.onHold.on.RESUME.target ("" = the whole document).' }) path!: string;
  @Field(() => String) message!: string;
}

@ObjectType()
export class WorkflowValidation {
  @Field(() => Boolean) valid!: boolean;
  @Field(() => [WorkflowProblem]) problems!: Problem[];
}

@ObjectType({ description: 'One published version of a machine.' })
export class WorkflowVersion {
  @Field(() => Int) version!: number;
  @Field(() => String, { nullable: true, description: 'What changed and why (null for version 1, the repository’s document).' }) note!: string | null;
  @Field(() => JSONScalar) definition!: unknown;
  @Field(() => JSONScalar, { description: 'Old state → new state, used by migrateWorkflowInstances when it is given none.' }) stateMapping!: unknown;
  @Field(() => Date, { nullable: true }) publishedAt!: Date | null;
  authorId!: string | null;
}

@ObjectType({ description: 'How many instances are in a state on a machine version.' })
export class WorkflowOccupancy {
  @Field(() => Int) version!: number;
  @Field(() => String) state!: string;
  @Field(() => Int) count!: number;
  @Field(() => Boolean, { description: 'Terminal instances are never migrated.' }) terminal!: boolean;
}

@ObjectType()
export class WorkflowMove {
  @Field(() => Int) fromVersion!: number;
  @Field(() => String) from!: string;
  @Field(() => String) to!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'What migrateWorkflowInstances did: each move is also a MIGRATE history row.' })
export class WorkflowMigration {
  @Field(() => String) workflow!: string;
  @Field(() => Int) toVersion!: number;
  @Field(() => Int) migrated!: number;
  @Field(() => [WorkflowMove]) moves!: WorkflowMove[];
}

@ObjectType({ description: 'An instance after sendWorkflowEvent; the field of its workflow holds the whole record.' })
export class WorkflowInstance {
  @Field(() => String) workflow!: string;
  @Field(() => ID) id!: string;
  @Field(() => String) state!: string;
  @Field(() => Int) version!: number;
  @Field(() => Int) machineVersion!: number;
  @Field(() => Customer, { nullable: true }) customer!: CustomerRow | null;
  @Field(() => Application, { nullable: true }) application!: ApplicationRow | null;
  @Field(() => Contract, { nullable: true }) contract!: ContractRow | null;
}

function toWorkflow(d: WorkflowDescription, definition: unknown): Workflow {
  return { ...d, definition, transitions: d.transitions.map((t) => ({ ...t, rolesAllowed: t.who })) };
}

/** The current version of a workflow as designers read it. */
function describe(designs: WorkflowService, def: WorkflowDefinition<WorkflowRow, unknown>): Workflow {
  const current = designs.registry.current(def);
  return toWorkflow(describeWorkflow(def, current), current.document);
}

@Resolver(() => Workflow)
export class WorkflowResolver {
  constructor(private readonly services: DesignerResolverServices) {}

  @Authorized()
  @Query(() => [Workflow])
  workflows(@Ctx() ctx: Context): Workflow[] {
    return this.services.designs.all().map((def) => describe(this.services.designs, def));
  }

  @Authorized()
  @Query(() => Workflow, { nullable: true })
  workflow(@Arg('name', () => String) name: string, @Ctx() ctx: Context): Workflow | null {
    const def = this.services.designs.all().find((d) => d.name === name);
    return def ? describe(this.services.designs, def) : null;
  }

  @FieldResolver(() => JSONScalar, { description: 'The policy sections this workflow uses, as in force now.' })
  policies(@Root() w: Workflow, @Ctx() ctx: Context): Record<string, unknown> {
    const policy = this.services.policy() as unknown as Record<string, unknown>;
    return Object.fromEntries((WORKFLOW_SECTIONS[w.name] ?? []).map((s) => [s, policy[s]]));
  }

  @FieldResolver(() => Int, { description: 'The policy version in force; send it back as expectedVersion.' })
  policyVersion(@Ctx() ctx: Context): number {
    return this.services.policies.currentVersion;
  }

  @Authorized('DESIGNER')
  @Mutation(() => Workflow, { description: 'P11: publish a validated policy change; applies to deadlines and applications started after it.' })
  async updatePolicies(
    @Arg('workflow', () => String) workflow: string,
    @Arg('changes', () => JSONScalar) changes: unknown,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: Context,
  ): Promise<Workflow> {
    await this.services.policies.update(viewerOf(ctx), workflow, changes, expectedVersion, note);
    const def = this.services.designs.all().find((d) => d.name === workflow);
    if (!def) throw new NotFoundError('Workflow', workflow);
    return describe(this.services.designs, def);
  }

  @Authorized()
  @FieldResolver(() => [WorkflowVersion], { description: 'Every version, newest first; version 1 is the repository’s document.' })
  async versions(@Root() w: Workflow, @Ctx() ctx: Context): Promise<WorkflowVersion[]> {
    const rows: WorkflowVersionRow[] = await this.services.designs.versions(w.name);
    const def = this.services.designs.get(w.name);
    return [
      ...rows.map((r) => ({ version: r.version, note: r.note, definition: r.document, stateMapping: r.stateMapping, publishedAt: r.createdAt, authorId: r.authorId })),
      { version: 1, note: null, definition: def.document, stateMapping: {}, publishedAt: null, authorId: null },
    ];
  }

  @Authorized('DESIGNER', 'MANAGER', 'ADMIN')
  @FieldResolver(() => [WorkflowOccupancy], { description: 'Instances per machine version and state (what a migration would move).' })
  async instances(@Root() w: Workflow, @Ctx() ctx: Context): Promise<WorkflowOccupancy[]> {
    return this.services.designs.occupancy(w.name);
  }

  @Authorized('DESIGNER')
  @Query(() => WorkflowValidation, { description: 'Every problem publishWorkflow would refuse this document for; nothing is written.' })
  async validateWorkflow(
    @Arg('name', () => String) name: string,
    @Arg('definition', () => JSONScalar) definition: unknown,
    @Arg('stateMapping', () => JSONScalar, { nullable: true }) stateMapping: unknown,
    @Ctx() ctx: Context,
  ): Promise<WorkflowValidation> {
    const problems = await this.services.designs.validate(viewerOf(ctx), name, definition, stateMapping);
    return { valid: problems.length === 0, problems };
  }

  @Authorized('DESIGNER')
  @Mutation(() => Workflow, {
    description: 'Validates a machine document and publishes it as the next version: new instances start on it; running ones stay on theirs until migrated.',
  })
  async publishWorkflow(
    @Arg('name', () => String) name: string,
    @Arg('definition', () => JSONScalar) definition: unknown,
    @Arg('note', () => String) note: string,
    @Arg('stateMapping', () => JSONScalar, { nullable: true, description: 'Where instances in states this version removes go: { "old.path": "new.path" }.' }) stateMapping: unknown,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<Workflow> {
    return describe(this.services.designs, await this.services.designs.publish(viewerOf(ctx), name, definition, note, stateMapping, expectedVersion));
  }

  @Authorized('DESIGNER')
  @Mutation(() => WorkflowMigration, { description: 'Moves every live instance onto a version, each move a MIGRATE history row; all or nothing.' })
  async migrateWorkflowInstances(
    @Arg('name', () => String) name: string,
    @Arg('toVersion', () => Int) toVersion: number,
    @Arg('stateMapping', () => JSONScalar, { nullable: true }) stateMapping: unknown,
    @Ctx() ctx: Context,
  ): Promise<WorkflowMigration> {
    return this.services.designs.migrate(viewerOf(ctx), name, toVersion, stateMapping);
  }

  @Authorized()
  @Mutation(() => WorkflowInstance, {
    description: 'Sends an event that has no mutation of its own (e.g. one a designer added, such as HOLD); availableActions lists what the viewer may send.',
  })
  async sendWorkflowEvent(
    @Arg('workflow', () => String) workflow: string,
    @Arg('id', () => ID) id: string,
    @Arg('event', () => String) event: string,
    @Arg('input', () => JSONScalar, { nullable: true, description: 'The event’s inputs by name, e.g. { "reason": "客户出差两周" }.' }) input: unknown,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<WorkflowInstance> {
    const row = await this.services.designs.send(viewerOf(ctx), workflow, id, event, input, expectedVersion);
    return {
      workflow,
      id: row.id,
      state: row.state,
      version: row.version,
      machineVersion: row.machineVersion,
      customer: workflow === 'customer' ? (row as unknown as CustomerRow) : null,
      application: workflow === 'application' ? (row as unknown as ApplicationRow) : null,
      contract: workflow === 'contract' ? (row as unknown as ContractRow) : null,
    };
  }

  @Authorized()
  @Query(() => [PolicyVersion], { description: 'Published policy changes of a workflow, newest first.' })
  async policyHistory(@Arg('workflow', () => String) workflow: string, @Ctx() ctx: Context): Promise<PolicyVersionRow[]> {
    return this.services.policies.history(workflow);
  }
}

@Resolver(() => WorkflowVersion)
export class WorkflowVersionResolver {
  constructor(private readonly services: DesignerResolverServices) {}

  @FieldResolver(() => User, { nullable: true, description: 'Who published it (null for version 1).' })
  async author(@Root() v: WorkflowVersion, @Ctx() ctx: Context) {
    return v.authorId ? ctx.scope.use(userLoaders, this.services).userById.load(v.authorId) : null;
  }
}

@Resolver(() => PolicyVersion)
export class PolicyVersionResolver {
  constructor(private readonly services: DesignerResolverServices) {}

  @FieldResolver(() => User)
  async author(@Root() row: PolicyVersionRow, @Ctx() ctx: Context) {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.authorId);
  }
}
