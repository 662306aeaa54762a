/**
 * Every `ID` argument names a row by UUID. A malformed one is bad input, said per field, before
 * any resolver runs — not a database error surfacing as INTERNAL_SERVER_ERROR.
 */
import { GraphQLID, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, type GraphQLInputType } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { FieldErrorCollector } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function check(value: unknown, type: GraphQLInputType, path: string, errors: FieldErrorCollector): void {
  if (value === null || value === undefined) return;
  if (type instanceof GraphQLNonNull) return check(value, type.ofType, path, errors);
  if (type instanceof GraphQLList) {
    if (Array.isArray(value)) value.forEach((v, i) => check(v, type.ofType, `${path}.${i}`, errors));
    return;
  }
  if (type instanceof GraphQLInputObjectType) {
    if (typeof value !== 'object') return;
    for (const field of Object.values(type.getFields())) check((value as Record<string, unknown>)[field.name], field.type, `${path}.${field.name}`, errors);
    return;
  }
  if (type === GraphQLID && !(typeof value === 'string' && UUID.test(value))) errors.add(path, 'is not a valid id');
}

export const checkIds: MiddlewareFn = async ({ args, info }, next) => {
  const field = info.parentType.getFields()[info.fieldName];
  if (field && field.args.length > 0) {
    const errors = new FieldErrorCollector();
    for (const arg of field.args) check(args[arg.name], arg.type, arg.name, errors);
    errors.throwIfAny('Invalid id');
  }
  return next();
};
