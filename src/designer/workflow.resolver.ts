import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { PolicyVersionRow, UserCard, WorkflowVersionRow } from '../platform/db/schema.js';
import { ExpectedVersionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { JSONScalar } from '../platform/graphql/json.scalar.js';
import { describeWorkflow } from '../workflow/describe.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import type { WorkflowRow } from '../workflow/table.js';
import type { Policy } from '../workflow/policy/policy.js';
import type { MigrationResult } from './workflow.service.js';
import { User } from '../users/user.type.js';
import { userLoaders } from '../users/user.loaders.js';
import type { UserService } from '../users/user.service.js';
import { WORKFLOW_SECTIONS, type PolicyService } from './policy.service.js';
import type { WorkflowService } from './workflow.service.js';
import { PolicyVersion, Workflow, WorkflowInstance, WorkflowMigration, WorkflowOccupancy, WorkflowValidation, WorkflowVersion } from './workflow.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface DesignerResolverServices {
  designs: WorkflowService;
  policies: PolicyService;
  users: UserService;
  /** The policy in force. */
  policy: () => Policy;
}

/** The current version of a workflow as designers read it. */
function describe(designs: WorkflowService, def: WorkflowDefinition<WorkflowRow, unknown>): Workflow {
  const current = designs.registry.current(def);
  const d = describeWorkflow(def, current);
  return { ...d, definition: current.document, transitions: d.transitions.map((t) => ({ ...t, rolesAllowed: t.who })) };
}

const NAME_ARG = 'The machine name: customer, application, contract, contact or followUpPlan (NOT_FOUND otherwise).';
const DEFINITION_ARG = 'The whole machine document, as Workflow.definition gives it.';

/** P11: reading, validating, publishing and migrating machines, and their policies. */
@Resolver(() => Workflow)
export class WorkflowResolver {
  constructor(private readonly services: DesignerResolverServices) {}

  @Authorized()
  @Query(() => [Workflow], { description: 'Every machine (customer, application, contract) at its current version; anyone signed in.' })
  workflows(): Workflow[] {
    return this.services.designs.all().map((def) => describe(this.services.designs, def));
  }

  @Authorized()
  @Query(() => Workflow, { nullable: true, description: 'One machine at its current version; null for an unknown name. Anyone signed in.' })
  workflow(
    @Arg('name', () => String, { description: 'The machine name: customer, application, contract, contact or followUpPlan.' }) name: string,
  ): Workflow | null {
    const def = this.services.designs.all().find((d) => d.name === name);
    return def ? describe(this.services.designs, def) : null;
  }

  @FieldResolver(() => JSONScalar, {
    description: 'The policy sections this workflow reads (terms, cool-downs, caps, steps, calendar), as in force now (P11).',
  })
  policies(@Root() w: Workflow): Record<string, unknown> {
    const policy = this.services.policy();
    return Object.fromEntries((WORKFLOW_SECTIONS[w.name] ?? []).map((s) => [s, policy[s]]));
  }

  @FieldResolver(() => Int, { description: 'The policy version in force (one counter for all workflows); send it back as updatePolicies’ expectedVersion.' })
  policyVersion(): number {
    return this.services.policies.currentVersion;
  }

  @Authorized('DESIGNER')
  @Mutation(() => Workflow, {
    description:
      'P11: publishes a validated policy change; it applies to deadlines started and applications made after it. DESIGNER only; invalid values are refused with BAD_USER_INPUT per path.',
  })
  async updatePolicies(
    @Arg('workflow', () => String, { description: NAME_ARG }) workflow: string,
    @Arg('changes', () => JSONScalar, {
      description: 'The values to change, by section, e.g. { "customer": { "prospectTerm": "P45D" } }; only this workflow’s sections.',
    })
    changes: unknown,
    @Arg('expectedVersion', () => Int, { description: 'Optimistic lock: the policyVersion you last read; a newer one means CONFLICT and nothing is written.' })
    expectedVersion: number,
    @Arg('note', () => String, { nullable: true, description: 'Why, for the policy history.' }) note: string | null,
    @Ctx() ctx: Context,
  ): Promise<Workflow> {
    await this.services.policies.update(viewerOf(ctx), workflow, changes, expectedVersion, note);
    return describe(this.services.designs, this.services.designs.get(workflow));
  }

  @Authorized()
  @FieldResolver(() => [WorkflowVersion], { description: 'Every version, newest first; version 1 is the repository’s document.' })
  async versions(@Root() w: Workflow): Promise<WorkflowVersion[]> {
    const rows: WorkflowVersionRow[] = await this.services.designs.versions(w.name);
    // Version 1 is the repository's document, the definition's own.
    const first = this.services.designs.get(w.name);
    return [
      ...rows.map((r) => ({
        version: r.version,
        note: r.note,
        definition: r.document,
        stateMapping: r.stateMapping,
        publishedAt: r.createdAt,
        authorId: r.authorId,
      })),
      { version: 1, note: null, definition: first.document, stateMapping: {}, publishedAt: null, authorId: null },
    ];
  }

  @Authorized('DESIGNER', 'MANAGER', 'ADMIN')
  @FieldResolver(() => [WorkflowOccupancy], {
    description: 'Instances per machine version and state: what a migration would move. DESIGNER, MANAGER and ADMIN only.',
  })
  async instances(@Root() w: Workflow): Promise<WorkflowOccupancy[]> {
    return this.services.designs.occupancy(w.name);
  }

  @Authorized('DESIGNER')
  @Query(() => WorkflowValidation, { description: 'Every problem publishWorkflow would refuse this document for; nothing is written. DESIGNER only.' })
  async validateWorkflow(
    @Arg('name', () => String, { description: NAME_ARG }) name: string,
    @Arg('definition', () => JSONScalar, { description: DEFINITION_ARG }) definition: unknown,
    @Arg('stateMapping', () => JSONScalar, {
      nullable: true,
      description: 'Where instances in states the document removes would go: { "old.path": "new.path" }.',
    })
    stateMapping: unknown,
    @Ctx() ctx: Context,
  ): Promise<WorkflowValidation> {
    const problems = await this.services.designs.validate(viewerOf(ctx), name, definition, stateMapping);
    return { valid: problems.length === 0, problems };
  }

  @Authorized('DESIGNER')
  @Mutation(() => Workflow, {
    description:
      'Validates a machine document and publishes it as the next version: new instances start on it; running ones stay on theirs until migrated. Problems are refused with BAD_USER_INPUT (`extensions.problems`). DESIGNER only.',
  })
  async publishWorkflow(
    @Arg('name', () => String, { description: NAME_ARG }) name: string,
    @Arg('definition', () => JSONScalar, { description: DEFINITION_ARG }) definition: unknown,
    @Arg('note', () => String, { description: 'What changed and why, for the version list.' }) note: string,
    @Arg('stateMapping', () => JSONScalar, { nullable: true, description: 'Where instances in states this version removes go: { "old.path": "new.path" }.' })
    stateMapping: unknown,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<Workflow> {
    return describe(this.services.designs, await this.services.designs.publish(viewerOf(ctx), name, definition, note, stateMapping, expectedVersion));
  }

  @Authorized('DESIGNER')
  @Mutation(() => WorkflowMigration, {
    description:
      'Moves every live instance onto a version, each move a MIGRATE history row; all or nothing (a state with nowhere to go refuses the whole migration with BAD_USER_INPUT). DESIGNER only.',
  })
  async migrateWorkflowInstances(
    @Arg('name', () => String, { description: NAME_ARG }) name: string,
    @Arg('toVersion', () => Int, { description: 'The published version to move onto.' }) toVersion: number,
    @Arg('stateMapping', () => JSONScalar, {
      nullable: true,
      description: 'Old state → new state, over the mapping stored at publish; unmapped states keep their path.',
    })
    stateMapping: unknown,
    @Ctx() ctx: Context,
  ): Promise<MigrationResult> {
    return this.services.designs.migrate(viewerOf(ctx), name, toVersion, stateMapping);
  }

  @Authorized()
  @Mutation(() => WorkflowInstance, {
    description:
      'Sends an event that has no mutation of its own (e.g. one a designer added, such as HOLD); availableActions lists what the viewer may send. An event with its own mutation, or an unknown one, is BAD_USER_INPUT; a system event is FORBIDDEN; the guards decide the rest.',
  })
  async sendWorkflowEvent(
    @Arg('workflow', () => String, { description: NAME_ARG }) workflow: string,
    @Arg('id', () => ID, { description: 'The id of the customer, application, contract, contact or follow-up plan.' }) id: string,
    @Arg('event', () => String, { description: 'The event name, as AvailableAction.event gives it.' }) event: string,
    @Arg('input', () => JSONScalar, { nullable: true, description: 'The event’s inputs by name, e.g. { "reason": "客户出差两周" }.' }) input: unknown,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<WorkflowInstance> {
    const row = await this.services.designs.send(viewerOf(ctx), workflow, id, event, input, expectedVersion ?? null);
    const { state, version, machineVersion } = row;
    const of = (name: string) => (workflow === name ? row : null);
    return {
      workflow,
      id: row.id,
      state,
      version,
      machineVersion,
      customer: of('customer'),
      application: of('application'),
      contract: of('contract'),
      contact: of('contact'),
      complaint: of('complaint'),
    };
  }

  @Authorized()
  @Query(() => [PolicyVersion], { description: 'The published policy changes of a workflow, newest first; anyone signed in.' })
  async policyHistory(
    @Arg('workflow', () => String, { description: 'The machine name: customer, application, contract, contact or followUpPlan.' }) workflow: string,
  ): Promise<PolicyVersionRow[]> {
    return this.services.policies.history(workflow);
  }
}

/** Who published a version. */
@Resolver(() => WorkflowVersion)
export class WorkflowVersionResolver {
  constructor(private readonly services: DesignerResolverServices) {}

  @FieldResolver(() => User, { nullable: true, description: 'Who published it; null for version 1.' })
  async author(@Root() v: WorkflowVersion, @Ctx() ctx: Context): Promise<UserCard | null> {
    return v.authorId ? ctx.scope.use(userLoaders, this.services).userById.load(v.authorId) : null;
  }
}

/** Who published a policy change. */
@Resolver(() => PolicyVersion)
export class PolicyVersionResolver {
  constructor(private readonly services: DesignerResolverServices) {}

  @FieldResolver(() => User, { description: 'Who published it.' })
  async author(@Root() row: PolicyVersionRow, @Ctx() ctx: Context): Promise<UserCard | null> {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.authorId);
  }
}
