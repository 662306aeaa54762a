/**
 * Plain fields read their value straight off the object, with GraphQL's default resolver.
 *
 * type-graphql gives every field without a field resolver a wrapper of its own (a closure that
 * allocates its resolver data and dispatches to middlewares) unless the field or its type is
 * marked `simple`. This schema has no global middlewares and no role or middleware on a plain
 * field, so those wrappers only cost: on a nested list (50 customers × contacts × follow-ups) they
 * were thousands of calls per request, and graphql-jit can only inline a field as a property read
 * when it has no resolver of its own. Calling this before building the schema makes every object
 * type simple unless it says otherwise; a plain field that needs a role or a middleware must say
 * `@Field({ simple: false })`, and one that does not fails the build here instead of silently
 * losing its check.
 */
import { getMetadataStorage } from 'type-graphql';

/** Marks every object type simple (see above); throws for a plain field that would lose a role or middleware, or is named apart from its property. */
export function plainFieldsByDefault(): void {
  const storage = getMetadataStorage();
  const withResolver = new Set(storage.fieldResolvers.map((r) => `${r.getObjectType?.()?.name}.${r.methodName}`));
  for (const type of [...storage.objectTypes, ...storage.interfaceTypes]) {
    for (const field of type.fields ?? []) {
      const checked = (field.roles?.length ?? 0) > 0 || (field.middlewares?.length ?? 0) > 0 || field.schemaName !== field.name;
      if (checked && field.simple !== false && !withResolver.has(`${field.target.name}.${field.name}`)) {
        throw new Error(`${type.name}.${field.name} has a role, a middleware or a schema name of its own: mark it @Field({ simple: false })`);
      }
    }
    type.simpleResolvers ??= true;
  }
}
