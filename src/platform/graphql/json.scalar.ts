/**
 * The JSON scalar, with plain objects. graphql-scalars builds objects written inline in a query
 * (`changes: { customer: { … } }`) with a null prototype, which the database layer cannot insert;
 * values sent as variables were fine. Both forms now reach the domain as the same plain JSON.
 *
 * A JSON value nests at most 32 levels and holds at most 10,000 values, and its keys and strings
 * follow the character rule of all text (platform/text.ts): PostgreSQL's jsonb cannot store NUL
 * or a lone surrogate, and a 10,000-level value would exhaust the stack of whatever walks it.
 * A refused value is a variable or argument error, answered BAD_USER_INPUT.
 */
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { isStorableText } from '../text.js';

export const JSON_LIMITS = { depth: 32, values: 10_000 } as const;

/** Walks without recursion, so that depth itself cannot overflow the stack. */
function assertBounded(root: unknown): void {
  const stack: [unknown, number][] = [[root, 1]];
  let values = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    values += 1;
    if (values > JSON_LIMITS.values) throw new GraphQLError(`JSON holds more than ${JSON_LIMITS.values} values`);
    if (typeof value === 'string' && !isStorableText(value)) throw new GraphQLError('JSON text must not contain control characters or lone surrogates');
    if (value === null || typeof value !== 'object') continue;
    if (depth >= JSON_LIMITS.depth) throw new GraphQLError(`JSON nests deeper than ${JSON_LIMITS.depth} levels`);
    for (const [key, inner] of Object.entries(value)) {
      if (!isStorableText(key)) throw new GraphQLError('JSON keys must not contain control characters or lone surrogates');
      stack.push([inner, depth + 1]);
    }
  }
}

const plain = (value: unknown): unknown => {
  if (value === undefined) return undefined;
  assertBounded(value);
  return JSON.parse(JSON.stringify(value));
};

export const JSONScalar = new GraphQLScalarType({
  ...GraphQLJSON.toConfig(),
  parseValue: (value) => plain(GraphQLJSON.parseValue(value)),
  parseLiteral: (ast, variables) => plain(GraphQLJSON.parseLiteral(ast, variables)),
});
