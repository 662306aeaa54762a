/** Builds the executable schema from the type-graphql resolvers (code first). */
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema as buildTypeGraphQLSchema } from 'type-graphql';
import { authChecker } from './platform/graphql/context.js';
import { ApplicationResolver, CustomerApplicationsResolver, DecisionResolver } from './applications/application.resolver.js';
import { ContractLineResolver, ContractResolver, CustomerContractsResolver, PaymentResolver } from './contracts/contract.resolver.js';
import { ProductResolver } from './contracts/product.resolver.js';
import { CollaboratorResolver } from './customers/collaborator.resolver.js';
import { ContactResolver } from './customers/contact.resolver.js';
import { CustomerResolver } from './customers/customer.resolver.js';
import { CustomerBatchResolver } from './customers/customer-batch.resolver.js';
import { CustomerKeyResolver } from './customers/customer-key.resolver.js';
import { FollowUpResolver } from './customers/follow-up.resolver.js';
import { CustomerFollowUpPlansResolver, FollowUpPlanResolver } from './customers/follow-up-plan.resolver.js';
import { ReminderItemResolver } from './customers/reminder.resolver.js';
import { TransitionActorResolver, UserResolver } from './users/user.resolver.js';
import { DepartmentResolver, UserDepartmentResolver } from './users/department.resolver.js';
import { HandOverResolver } from './users/hand-over.resolver.js';
import { checkArguments } from './platform/graphql/inputs.js';
import { leanFieldResolvers } from './platform/graphql/lean-resolvers.js';
import { describeRoots, type RootDescriptions } from './platform/graphql/roots.js';
import type { Services } from './services.js';
import { PolicyVersionResolver, WorkflowResolver, WorkflowVersionResolver } from './designer/workflow.resolver.js';
import { StuckTransitionResolver } from './designer/stuck.resolver.js';
import { UnassignedCustomersResolver } from './customers/unassigned.resolver.js';
import { CustomerPoolResolver, PoolResolver } from './customers/pool.resolver.js';
import { CustomerLockFieldsResolver, CustomerLockResolver } from './customers/customer-lock.resolver.js';
import { NotificationResolver } from './notifications/notification.resolver.js';
import { SubscriptionResolver } from './notifications/subscription.resolver.js';
import { WebhookResolver } from './webhooks/webhook.resolver.js';
import { FunnelReportResolver, ReportResolver } from './reports/report.resolver.js';
import { CustomerValueResolver, ValueResolver } from './value/value.resolver.js';
import { CreditResolver } from './contracts/credit.resolver.js';
import { ComplaintResolver, CustomerComplaintsResolver } from './complaints/complaint.resolver.js';

const RESOLVERS = [
  UserResolver,
  DepartmentResolver,
  UserDepartmentResolver,
  HandOverResolver,
  CustomerResolver,
  CustomerBatchResolver,
  CustomerKeyResolver,
  CollaboratorResolver,
  ContactResolver,
  FollowUpResolver,
  FollowUpPlanResolver,
  CustomerFollowUpPlansResolver,
  TransitionActorResolver,
  ReminderItemResolver,
  ApplicationResolver,
  DecisionResolver,
  CustomerApplicationsResolver,
  ContractResolver,
  PaymentResolver,
  ContractLineResolver,
  ProductResolver,
  CustomerContractsResolver,
  WorkflowResolver,
  WorkflowVersionResolver,
  PolicyVersionResolver,
  StuckTransitionResolver,
  UnassignedCustomersResolver,
  PoolResolver,
  CustomerPoolResolver,
  CustomerLockResolver,
  CustomerLockFieldsResolver,
  NotificationResolver,
  SubscriptionResolver,
  WebhookResolver,
  ReportResolver,
  FunnelReportResolver,
  ValueResolver,
  CustomerValueResolver,
  CreditResolver,
  ComplaintResolver,
  CustomerComplaintsResolver,
] as const;

/** A resolver or middleware class: constructed with the app's services. */
type Injectable = new (services: Services) => unknown;

/**
 * The composition root of the GraphQL edge: every resolver (and middleware) class gets this app instance's
 * services through its constructor (type-graphql's `container`), one instance per app.
 * Without services (emitting the SDL) nothing can be resolved.
 */
function containerFor(services: Services | undefined) {
  const instances = new Map<Injectable, unknown>();
  return {
    get(cls: Injectable): unknown {
      if (!services) throw new Error('this schema was built without services (SDL only)');
      if (!instances.has(cls)) instances.set(cls, new cls(services));
      return instances.get(cls);
    },
  };
}

const ROOTS: RootDescriptions = {
  query:
    'Everything a client reads. Every field needs a signed-in user: send `Authorization: Bearer <token>` (from login); without one a field fails with UNAUTHENTICATED. Errors carry `extensions.code`: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT (with `extensions.fields`), NOT_FOUND.',
  mutation:
    'Everything a client changes; only login works without a token. Every change of state goes through a workflow machine: an event it does not allow now is refused with ILLEGAL_TRANSITION (`extensions.state`, `extensions.allowedEvents`), a stale expectedVersion with CONFLICT, a duplicate with DUPLICATE (`extensions.matches`).',
  subscription:
    'What a client hears live, over WebSocket at /graphql (the graphql-ws protocol): connect with `{ "authorization": "Bearer <token>" }` as connection parameters (refused, 4403, without a valid token; a deactivated user is disconnected). Events arrive after their transaction committed, from any API instance on the same database.',
};

/** The executable schema; without `services` it serves only to print the SDL. */
const NO_PUBSUB = {
  publish(): void {
    throw new Error('subscriptions read the database announcements, not a PubSub');
  },
  subscribe(): never {
    throw new Error('subscriptions read the database announcements, not a PubSub');
  },
};

export async function buildSchema(services?: Services): Promise<GraphQLSchema> {
  const container = containerFor(services);
  const schema = await buildTypeGraphQLSchema({
    resolvers: RESOLVERS,
    container,
    authChecker,
    authMode: 'error',
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    // Every subscription brings its own `subscribe` (the database's announcements, see
    // notifications/subscription.resolver.ts); type-graphql insists on a PubSub all the same.
    pubSub: NO_PUBSUB,
  });
  leanFieldResolvers(schema, RESOLVERS, container);
  // Ids, text and times are checked on the fields that take them, not by a middleware around every field.
  checkArguments(schema);
  return describeRoots(schema, ROOTS);
}

/** The SDL committed as schema/schema.graphql (sorted, so diffs are stable). */
export function printSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
