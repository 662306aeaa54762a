/**
 * Operations run as compiled JavaScript (graphql-jit) instead of through graphql-js's
 * interpreter. graphql-js builds, for every field of every row, a resolve-info object, an
 * argument map and a results dictionary, and walks the selection again per row: on a nested
 * list of a few thousand fields that was a large part of the API's CPU and most of its garbage
 * (issue 14). graphql-jit compiles each operation once into a function that reads the rows and
 * writes the result directly; resolvers, argument coercion, scalar serialisation, abstract
 * types, null bubbling and errors with their paths behave as in graphql-js. Two differences are
 * handled here: a field without a resolver is read as a value, never awaited (such fields must
 * hold plain values: `simple` fields in type-graphql), and a request whose variables do not
 * coerce runs through graphql-js, whose errors Apollo recognises as BAD_USER_INPUT.
 *
 * Apollo Server runs an operation through an executor only in gateway mode, so the schema is
 * handed to it as a "gateway" whose executor is this one. Apollo still parses, validates,
 * runs the plugins (limits), formats errors and serialises the response as before.
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, Kind, type DocumentNode, type ExecutionResult, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** graphql-jit inlines every fragment spread: documents that would grow past this many fields run on graphql-js. */
const MAX_INLINED_FIELDS = 5_000;

/**
 * The fields of `document` once every fragment spread is inlined, counted in linear time (each
 * fragment once) and capped: a fragment spread ten times into a fragment spread ten times … is
 * small as a document and unbounded inlined (issue 15 §0), so it must never reach the compiler.
 */
export function inlinedFields(document: DocumentNode): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  const sizes = new Map<string, number>();
  const size = (set: SelectionSetNode | undefined, depth: number): number => {
    if (!set || depth > 100) return 0;
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) n += 1 + size(sel.selectionSet, depth + 1);
      else if (sel.kind === Kind.INLINE_FRAGMENT) n += size(sel.selectionSet, depth + 1);
      else {
        const name = sel.name.value;
        if (!sizes.has(name)) {
          sizes.set(name, Infinity); // a cycle (validation refuses those) counts as too large
          sizes.set(name, size(fragments.get(name), depth + 1));
        }
        n += sizes.get(name)!;
      }
      if (n > MAX_INLINED_FIELDS) return Infinity;
    }
    return n;
  };
  let total = 0;
  for (const def of document.definitions) if (def.kind === Kind.OPERATION_DEFINITION) total += size(def.selectionSet, 0);
  return total;
}

/** Compiled operations, per parsed document (Apollo keeps one per query text) and operation name. */
class CompiledOperations {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** The compiled operation, or null where graphql-jit cannot compile it (graphql-js runs it then). */
  get(document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
    let operations = this.byDocument.get(document);
    if (!operations) this.byDocument.set(document, (operations = new Map()));
    const key = operationName ?? '';
    let compiled = operations.get(key);
    if (compiled === undefined) {
      const result =
        inlinedFields(document) <= MAX_INLINED_FIELDS ? compileQuery(this.schema, document, operationName, { disablingCapturingStackErrors: true }) : null;
      compiled = result && isCompiledQuery(result) ? result : null;
      operations.set(key, compiled);
    }
    return compiled;
  }
}

/**
 * graphql-jit's errors are GraphQLErrors without `extensions` where the thrown error has none
 * (graphql-js always gives an object, and Apollo's formatter reads `extensions.code`): those are
 * made again as graphql-js makes them, with the same message, path, locations and cause.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  if (error.extensions) return error;
  const made = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
  return Object.assign(made, { locations: error.locations });
}

function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
}

/** Executes a validated operation: compiled, or by graphql-js where it could not be compiled. */
export function jitExecutor(schema: GraphQLSchema): GatewayExecutor {
  const compiled = new CompiledOperations(schema);
  return async ({ document, operationName: resolved, request, context }) => {
    // The name the client asked for: Apollo gives the executor the name of the operation it found,
    // none when it found none, and then the only operation would run in place of an unknown one.
    const operationName = request.operationName ?? resolved ?? undefined;
    const operation = compiled.get(document, operationName);
    const variables = request.variables ?? {};
    if (!operation) return execute({ schema, document, operationName, variableValues: variables, contextValue: context });
    const pending = operation.query(undefined, context, variables);
    const result = 'then' in pending ? await pending : pending;
    // No data: the variables did not coerce and nothing ran. graphql-js reports that as Apollo expects.
    if (!('data' in result)) return execute({ schema, document, operationName, variableValues: variables, contextValue: context });
    return withGraphQLErrors(result);
  };
}

/** The schema and the compiled executor as the "gateway" Apollo Server takes them from. */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const executor = jitExecutor(schema);
  return {
    onSchemaLoadOrUpdate(callback) {
      // Not a federated supergraph: only schema reporting (off) would read its SDL.
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
}
