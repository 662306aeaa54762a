/**
 * Request limits, checked after validation and before anything executes: depth, estimated
 * cost, introspection size and page size (`first`). The document's size and shape were checked
 * before validation (document-guard.ts); the body-size limit lives in the HTTP server.
 *
 * Cost model: every field costs 1; a field with a `first` argument multiplies what is below it
 * by `first` (or by the default page size when `first` is omitted), and a field that answers one
 * item per id of an `ids` list (a batch, T6) by the number of ids. The measure is linear in the
 * document: each fragment is measured once and its measure reused wherever it is spread, and a
 * fragment spread twice into one selection set counts once (graphql-js executes it once).
 *
 * Introspection (`__schema`, `__type`) is not counted towards depth, so tools can read the
 * schema, but it has a budget of its own: its list fields multiply by the largest such list in
 * this schema (types, fields, args …), and the budget is twice what the standard introspection
 * query of graphql-js costs, so GraphiQL and code generators pass and nested `fields { type {
 * fields … } }` does not.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getIntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.js';
import { limitError } from './document-guard.js';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
}

interface Measure {
  depth: number;
  cost: number;
  /** Cost of the introspection selections below. */
  introspection: number;
}

interface QueryMeasure extends Measure {
  /** Field path → problem with its `first` argument. */
  pageProblems: Record<string, string>;
}

/** Introspection list field → the largest number of items it returns in a schema. */
export type IntrospectionSizes = Record<string, number>;

const NONE: Measure = { depth: 0, cost: 0, introspection: 0 };

class OperationMeter {
  readonly pageProblems: Record<string, string> = {};
  private readonly measured = new Map<string, Measure | 'measuring'>();

  constructor(
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly sizes: IntrospectionSizes,
  ) {}

  /** What is below a selection set; `introspecting` inside `__schema`/`__type`. */
  measure(set: SelectionSetNode, path: readonly string[], introspecting: boolean, spread = new Set<string>()): Measure {
    let depth = 0;
    let cost = 0;
    let introspection = 0;
    for (const sel of set.selections) {
      let m: Measure;
      if (sel.kind === Kind.FIELD) {
        m = this.field(sel, path, introspecting);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        m = this.measure(sel.selectionSet, path, introspecting, spread);
      } else {
        if (spread.has(sel.name.value)) continue;
        spread.add(sel.name.value);
        m = this.fragment(sel.name.value, path, introspecting);
      }
      depth = Math.max(depth, m.depth);
      cost += m.cost;
      introspection += m.introspection;
    }
    return { depth, cost, introspection };
  }

  private field(sel: FieldNode, path: readonly string[], introspecting: boolean): Measure {
    const name = sel.name.value;
    if (name === '__typename') return NONE;
    if (introspecting || name === '__schema' || name === '__type') {
      const below = sel.selectionSet ? this.measure(sel.selectionSet, path, true) : NONE;
      return { depth: 0, cost: 0, introspection: 1 + (this.sizes[name] ?? 1) * below.introspection };
    }
    const here = [...path, sel.alias?.value ?? name];
    const below = sel.selectionSet ? this.measure(sel.selectionSet, here, false) : NONE;
    const multiplier = this.pageSize(sel.arguments, here);
    return { depth: 1 + below.depth, cost: 1 + multiplier * below.cost, introspection: below.introspection };
  }

  private pageSize(args: FieldNode['arguments'], here: string[]): number {
    const first = args?.find((a) => a.name.value === 'first');
    if (!first) return this.idsCount(args);
    const value = valueFromASTUntyped(first.value, this.variables);
    if (typeof value !== 'number') return DEFAULT_PAGE_SIZE;
    if (value > MAX_PAGE_SIZE || value < 0) this.pageProblems[`${here.join('.')}.first`] = `must be from 0 to ${MAX_PAGE_SIZE} (got ${value})`;
    return Math.max(value, 1);
  }

  /** A batch (T6) answers one item per id: what is below it costs that many times (at least once). */
  private idsCount(args: FieldNode['arguments']): number {
    const ids = args?.find((a) => a.name.value === 'ids');
    const value = ids ? valueFromASTUntyped(ids.value, this.variables) : undefined;
    return Array.isArray(value) ? Math.max(value.length, 1) : 1;
  }

  /** Measured once per fragment and mode; a cycle (validation refuses those) counts nothing. */
  private fragment(name: string, path: readonly string[], introspecting: boolean): Measure {
    const key = `${introspecting ? 'i' : 'q'}:${name}`;
    const known = this.measured.get(key);
    if (known === 'measuring') return NONE;
    if (known) return known;
    const fragment = this.fragments[name];
    if (!fragment) return NONE;
    this.measured.set(key, 'measuring');
    const m = this.measure(fragment.selectionSet, path, introspecting);
    this.measured.set(key, m);
    return m;
  }
}

export function measureOperation(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  sizes: IntrospectionSizes = {},
): QueryMeasure {
  const meter = new OperationMeter(fragments, variables, sizes);
  return { ...meter.measure(operation.selectionSet, [], false), pageProblems: meter.pageProblems };
}

/** The largest list each introspection field can return in this schema. */
export function introspectionSizes(schema: GraphQLSchema): IntrospectionSizes {
  const types = Object.values(schema.getTypeMap());
  const most = (f: (t: (typeof types)[number]) => number) => Math.max(1, ...types.map(f));
  const members = (t: (typeof types)[number]) => (isObjectType(t) || isInterfaceType(t) ? Object.values(t.getFields()) : []);
  const directives = schema.getDirectives();
  return {
    types: types.length,
    directives: directives.length,
    fields: most((t) => members(t).length),
    inputFields: most((t) => (isInputObjectType(t) ? Object.keys(t.getFields()).length : 0)),
    args: Math.max(
      most((t) => Math.max(0, ...members(t).map((f) => f.args.length))),
      ...directives.map((d) => d.args.length),
    ),
    enumValues: most((t) => (isEnumType(t) ? t.getValues().length : 0)),
    interfaces: most((t) => (isObjectType(t) || isInterfaceType(t) ? t.getInterfaces().length : 0)),
    possibleTypes: most((t) => (isUnionType(t) ? t.getTypes().length : isInterfaceType(t) ? schema.getPossibleTypes(t).length : 0)),
  };
}

/** Twice the introspection cost of graphql-js's full introspection query against this schema. */
export function introspectionBudget(sizes: IntrospectionSizes): number {
  const document = parse(
    getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }),
  );
  const fragments: Record<string, FragmentDefinitionNode> = {};
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    if (def.kind === Kind.OPERATION_DEFINITION) operation = def;
  }
  return 2 * measureOperation(operation!, fragments, {}, sizes).introspection;
}

export function limitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  const perSchema = new WeakMap<GraphQLSchema, { sizes: IntrospectionSizes; budget: number }>();
  const introspectionOf = (schema: GraphQLSchema) => {
    let known = perSchema.get(schema);
    if (!known) {
      const sizes = introspectionSizes(schema);
      known = { sizes, budget: introspectionBudget(sizes) };
      perSchema.set(schema, known);
    }
    return known;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const def of document.definitions) {
            if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
          }
          if (!operation) return;
          const { sizes, budget } = introspectionOf(schema);
          const m = measureOperation(operation, fragments, request.variables ?? {}, sizes);
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
          if (m.introspection > budget) {
            throw limitError(
              `Introspection cost ${m.introspection} exceeds the budget of ${budget}`,
              { query: `introspection cost ${m.introspection}; budget ${budget} (twice the standard introspection query)` },
              { limit: 'introspection', cost: m.introspection, maxCost: budget },
            );
          }
        },
      };
    },
  };
}
