/** Decimal: exact amounts as strings ("1234.50"); numbers are refused so no float reaches the money path. */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DECIMAL = /^-?\d{1,15}(\.\d{1,4})?$/;

function check(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value.trim())) {
    throw new GraphQLError('Decimal values are strings like "1234.50"', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value.trim();
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal as a string, e.g. "1234.50". Money has 2 decimals.',
  serialize: (value) => String(value),
  parseValue: check,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Decimal literals are strings like "1234.50"', { extensions: { code: 'BAD_USER_INPUT' } });
    return check(ast.value);
  },
});
