/**
 * Descriptions of the root types. type-graphql creates `Query` and `Mutation` itself and offers
 * no option to describe them, so the built schema is rebuilt once with described roots.
 */
import { GraphQLObjectType, GraphQLSchema } from 'graphql';

/** What the explorer shows for the root types. */
export interface RootDescriptions {
  query: string;
  mutation: string;
  subscription: string;
}

/** The same schema with described `Query`, `Mutation` and `Subscription` types (their fields and resolvers unchanged). */
export function describeRoots(schema: GraphQLSchema, descriptions: RootDescriptions): GraphQLSchema {
  const config = schema.toConfig();
  const described = (type: GraphQLObjectType | null | undefined, description: string) =>
    type ? new GraphQLObjectType({ ...type.toConfig(), description }) : type;
  return new GraphQLSchema({
    ...config,
    query: described(config.query, descriptions.query),
    mutation: described(config.mutation, descriptions.mutation),
    subscription: described(config.subscription, descriptions.subscription),
    types: config.types.filter((t) => t !== config.query && t !== config.mutation && t !== config.subscription),
  });
}
