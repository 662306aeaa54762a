/**
 * Request limits, checked after validation and before anything executes: depth, estimated
 * cost and page size (`first`). The body-size limit lives in the HTTP server.
 *
 * Cost model: every field costs 1; a field with a `first` argument multiplies what is below it
 * by `first` (or by the default page size when `first` is omitted). Introspection fields are
 * free and not counted towards depth, so tools can always read the schema.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, valueFromASTUntyped, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.js';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

interface QueryMeasure {
  depth: number;
  cost: number;
  /** Field path → problem with its `first` argument. */
  pageProblems: Record<string, string>;
}

export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryMeasure {
  const pageProblems: Record<string, string> = {};

  const walk = (set: SelectionSetNode, path: string[], seen: Set<string>): { depth: number; cost: number } => {
    let depth = 0;
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const name = sel.alias?.value ?? sel.name.value;
        const here = [...path, name];
        let multiplier = 1;
        const firstArg = sel.arguments?.find((a) => a.name.value === 'first');
        if (firstArg) {
          const value = valueFromASTUntyped(firstArg.value, variables);
          if (typeof value === 'number') {
            if (value > MAX_PAGE_SIZE || value < 0) {
              pageProblems[`${here.join('.')}.first`] = `must be from 0 to ${MAX_PAGE_SIZE} (got ${value})`;
            }
            multiplier = Math.max(value, 1);
          } else {
            multiplier = DEFAULT_PAGE_SIZE;
          }
        }
        const below = sel.selectionSet ? walk(sel.selectionSet, here, seen) : { depth: 0, cost: 0 };
        depth = Math.max(depth, 1 + below.depth);
        cost += 1 + multiplier * below.cost;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const below = walk(sel.selectionSet, path, seen);
        depth = Math.max(depth, below.depth);
        cost += below.cost;
      } else {
        const fragment = fragments[sel.name.value];
        if (!fragment || seen.has(sel.name.value)) continue;
        const below = walk(fragment.selectionSet, path, new Set([...seen, sel.name.value]));
        depth = Math.max(depth, below.depth);
        cost += below.cost;
      }
    }
    return { depth, cost };
  };

  const { depth, cost } = walk(operation.selectionSet, [], new Set());
  return { depth, cost, pageProblems };
}

function limitError(message: string, fields: Record<string, string>, extra: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', fields, ...extra } });
}

export function limitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const def of document.definitions) {
            if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
          }
          if (!operation) return;
          const m = measureOperation(operation, fragments, request.variables ?? {});
          if (Object.keys(m.pageProblems).length > 0) {
            throw limitError(`A page holds at most ${MAX_PAGE_SIZE} items`, m.pageProblems, { limit: 'first' });
          }
          if (m.depth > limits.maxDepth) {
            throw limitError(
              `Query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`,
              { query: `nested ${m.depth} levels deep; at most ${limits.maxDepth} allowed` },
              { limit: 'depth', depth: m.depth, maxDepth: limits.maxDepth },
            );
          }
          if (m.cost > limits.maxCost) {
            throw limitError(
              `Query cost ${m.cost} exceeds the budget of ${limits.maxCost}; ask for smaller pages`,
              { query: `estimated cost ${m.cost}; budget ${limits.maxCost}` },
              { limit: 'cost', cost: m.cost, maxCost: limits.maxCost },
            );
          }
        },
      };
    },
  };
}
