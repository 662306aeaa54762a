/**
 * Field resolvers called directly. type-graphql calls a `@FieldResolver` method through a wrapper
 * that, per call, sorts its parameter list, maps it to an array, builds a resolver-data object and
 * looks the resolver instance up in the container. On a nested list those calls run per row
 * (stage, custodian, contacts, follow-ups of 50 customers): the sorts alone were 7 % of the
 * allocations of a request (issue 14, `BENCH_HEAP_PROF`). This pass, run on the built schema,
 * replaces the wrapper of each field resolver that needs nothing of it (no middleware, no role,
 * parameters that are only the root, the context, the info, or arguments of an `@ArgsType` of
 * plain scalars) by a call with the parameters worked out once. Any other field keeps
 * type-graphql's wrapper.
 */
import { GraphQLObjectType, GraphQLScalarType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Param = NonNullable<ReturnType<typeof getMetadataStorage>['fieldResolvers'][number]['params']>[number];
type Extract = (root: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;

/** Resolver instances, as type-graphql's container gives them. */
export interface ResolverContainer {
  get(cls: Function): unknown;
}

/** How one parameter is read, or undefined when only type-graphql's wrapper can give it. */
function extractorOf(param: Param, plainArgs: (cls: unknown) => boolean): Extract | undefined {
  if (param.kind === 'root' && param.propertyName === undefined && param.getType === undefined) return (root) => root;
  if (param.kind === 'context' && param.propertyName === undefined) return (_r, _a, context) => context;
  if (param.kind === 'info') return (_r, _a, _c, info) => info;
  if (param.kind === 'args' && param.validateFn === undefined) {
    const Cls = param.getType();
    // A class: type-graphql hands the method an instance of it, with the arguments given.
    if (typeof Cls === 'function' && plainArgs(Cls)) return (_r, args) => Object.assign(new (Cls as new () => object)(), args);
  }
  return undefined;
}

/** Whether an `@ArgsType` class has only scalar fields (so an instance is the arguments assigned to it). */
function scalarArgsType(storage: ReturnType<typeof getMetadataStorage>): (cls: unknown) => boolean {
  const scalars = new Set<unknown>([String, Number, Boolean, Date]);
  return (cls) => {
    const meta = storage.argumentTypes.find((t) => t.target === cls);
    return !!meta && (meta.fields ?? []).every((f) => !f.typeOptions.array && (scalars.has(f.getType()) || f.getType() instanceof GraphQLScalarType));
  };
}

/** Replaces the wrappers it can (see above); returns how many fields it changed. */
export function leanFieldResolvers(schema: GraphQLSchema, resolvers: readonly Function[], container: ResolverContainer): number {
  const storage = getMetadataStorage();
  const plainArgs = scalarArgsType(storage);
  let changed = 0;
  for (const typeMeta of storage.objectTypes) {
    const type = schema.getType(typeMeta.name);
    if (!(type instanceof GraphQLObjectType)) continue;
    for (const fieldMeta of typeMeta.fields ?? []) {
      // The resolver type-graphql chose for this field (schema-generator.js, same rule).
      const resolver = storage.fieldResolvers.find(
        (r) => r.kind === 'external' && resolvers.includes(r.target) && r.getObjectType?.() === fieldMeta.target && r.methodName === fieldMeta.name,
      );
      const field = type.getFields()[fieldMeta.schemaName];
      if (!resolver || !field || (resolver.middlewares?.length ?? 0) > 0 || resolver.roles !== undefined) continue;
      const extractors = [...(resolver.params ?? [])].sort((a, b) => a.index - b.index).map((p) => extractorOf(p, plainArgs));
      if (extractors.some((e) => e === undefined)) continue;
      field.resolve = direct(resolver.target, resolver.methodName, extractors as Extract[], container);
      changed += 1;
    }
  }
  return changed;
}

/** Calls `methodName` of the target's instance (looked up on first use) with the extracted parameters. */
function direct(target: Function, methodName: string, extract: Extract[], container: ResolverContainer): GraphQLFieldResolver<unknown, unknown> {
  let instance: Record<string, (...params: unknown[]) => unknown> | undefined;
  const [a, b, c] = extract;
  return function directFieldResolver(root, args, context, info) {
    // The container gives instances of resolver classes; their methods are called by name, as type-graphql does.
    instance ??= container.get(target) as Record<string, (...params: unknown[]) => unknown>;
    const method = instance[methodName] as (...params: unknown[]) => unknown;
    switch (extract.length) {
      case 0:
        return method.call(instance);
      case 1:
        return method.call(instance, a?.(root, args, context, info));
      case 2:
        return method.call(instance, a?.(root, args, context, info), b?.(root, args, context, info));
      case 3:
        return method.call(instance, a?.(root, args, context, info), b?.(root, args, context, info), c?.(root, args, context, info));
      default:
        return method.apply(
          instance,
          extract.map((e) => e(root, args, context, info)),
        );
    }
  };
}
