/** Builds the executable schema from the type-graphql resolvers (code first). */
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema as buildTypeGraphQLSchema } from 'type-graphql';
import { authChecker } from './platform/graphql/context.js';
import { ApplicationResolver, CustomerApplicationsResolver, DecisionResolver } from './applications/application.resolver.js';
import { ContractLineResolver, ContractResolver, CustomerContractsResolver, PaymentResolver, ProductResolver } from './contracts/contract.resolver.js';
import { ContactResolver, FollowUpResolver, ReminderItemResolver, TransitionResolver } from './customers/contact.resolver.js';
import { CustomerResolver } from './customers/customer.resolver.js';
import { UserResolver } from './users/user.resolver.js';
import { checkIds } from './platform/graphql/ids.js';
import type { Services } from './services.js';
import { PolicyVersionResolver, WorkflowResolver, WorkflowVersionResolver } from './designer/workflow.resolver.js';

const RESOLVERS = [
  UserResolver,
  CustomerResolver,
  ContactResolver,
  FollowUpResolver,
  TransitionResolver,
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

export async function buildSchema(services?: Services): Promise<GraphQLSchema> {
  return buildTypeGraphQLSchema({
    resolvers: RESOLVERS,
    container: containerFor(services),
    authChecker,
    authMode: 'error',
    globalMiddlewares: [checkIds],
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
  });
}

/** The SDL committed as schema/schema.graphql (sorted, so diffs are stable). */
export function printSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
