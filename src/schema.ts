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
import { PolicyVersionResolver, WorkflowResolver, WorkflowVersionResolver } from './designer/workflow.resolver.js';

export async function buildSchema(): Promise<GraphQLSchema> {
  return buildTypeGraphQLSchema({
    resolvers: [UserResolver, CustomerResolver, ContactResolver, FollowUpResolver, TransitionResolver, ReminderItemResolver, ApplicationResolver, DecisionResolver, CustomerApplicationsResolver, ContractResolver, PaymentResolver, ContractLineResolver, ProductResolver, CustomerContractsResolver, WorkflowResolver, WorkflowVersionResolver, PolicyVersionResolver],
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
