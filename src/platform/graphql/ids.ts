/**
 * Every `ID` argument names a row by UUID. A malformed one is bad input, said per field, before
 * its resolver runs — not a database error surfacing as INTERNAL_SERVER_ERROR.
 *
 * The check wraps only the fields that take an ID (directly, in a list or inside an input
 * object), found once when the schema is built. A global middleware would wrap every field of
 * every row of every list, and cost nested lists a fifth of their time.
 */
import {
  defaultFieldResolver,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  isIntrospectionType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
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

/** Whether a value of this type can hold an ID somewhere. */
function holdsId(type: GraphQLInputType, seen: Set<GraphQLInputObjectType> = new Set()): boolean {
  if (type instanceof GraphQLNonNull || type instanceof GraphQLList) return holdsId(type.ofType, seen);
  if (type instanceof GraphQLInputObjectType) {
    if (seen.has(type)) return false;
    seen.add(type);
    return Object.values(type.getFields()).some((f) => holdsId(f.type, seen));
  }
  return type === GraphQLID;
}

/** Throws BAD_USER_INPUT naming each malformed id among a field's arguments. */
export function checkIdArgs(fieldArgs: readonly GraphQLArgument[], args: Record<string, unknown>): void {
  const errors = new FieldErrorCollector();
  for (const arg of fieldArgs) check(args[arg.name], arg.type, arg.name, errors);
  errors.throwIfAny('Invalid id');
}

/** Wraps the resolver of every field with an ID argument in the id check; returns how many it wrapped. */
export function checkIdArguments(schema: GraphQLSchema): number {
  let wrapped = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const withIds = field.args.filter((a) => holdsId(a.type));
      if (withIds.length === 0) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args: Record<string, unknown>, context, info) => {
        checkIdArgs(withIds, args);
        return resolve(root, args, context, info);
      };
      wrapped += 1;
    }
  }
  return wrapped;
}
