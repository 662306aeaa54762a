/**
 * The JSON scalar, with plain objects. graphql-scalars builds objects written inline in a query
 * (`changes: { customer: { … } }`) with a null prototype, which the database layer cannot insert;
 * values sent as variables were fine. Both forms now reach the domain as the same plain JSON.
 */
import { GraphQLScalarType } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';

const plain = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

export const JSONScalar = new GraphQLScalarType({
  ...GraphQLJSON.toConfig(),
  parseValue: (value) => plain(GraphQLJSON.parseValue(value)),
  parseLiteral: (ast, variables) => plain(GraphQLJSON.parseLiteral(ast, variables)),
});
