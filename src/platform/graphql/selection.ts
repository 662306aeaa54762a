/**
 * Which fields a request asks of a list's items, so that a list reads only the columns they need
 * (issue 14). Fragments and inline fragments are followed; `@skip`/`@include` are ignored (a field
 * that may be skipped counts as asked for, so the answer is never too small).
 */
import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** Per field node (documents are parsed once and cached by the server), per path (by identity): the names. */
const cache = new WeakMap<FieldNode, Map<readonly string[], ReadonlySet<string>>>();

/** The fields of the field being resolved itself (a list of objects, not a connection). */
export const SELF: readonly string[] = [];

/** The fields of a connection's items. */
export const ITEMS: readonly string[] = ['edges', 'node'];

/**
 * The names of the fields selected at `path` below the field being resolved (`SELF`, `ITEMS`),
 * over every node the field was asked with. A list's per-row resolvers call this for each row:
 * the answer is remembered per field node and path, so `path` is a constant (its identity is the key).
 */
export function selectedFields(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: readonly string[]): ReadonlySet<string> {
  const first = info.fieldNodes[0];
  const cached = info.fieldNodes.length === 1 && first ? cache.get(first)?.get(path) : undefined;
  if (cached) return cached;
  let level: SelectionSetNode[] = info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  for (const name of path) {
    level = fieldsOf(level, info.fragments)
      .filter((f) => f.name.value === name)
      .flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
  }
  const names = new Set(fieldsOf(level, info.fragments).map((f) => f.name.value));
  if (info.fieldNodes.length === 1 && first) {
    const byPath = cache.get(first) ?? new Map<readonly string[], ReadonlySet<string>>();
    byPath.set(path, names);
    cache.set(first, byPath);
  }
  return names;
}

/** The fields of selection sets, fragments spread (each fragment once). */
function fieldsOf(sets: readonly SelectionSetNode[], fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  const out: FieldNode[] = [];
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = fragments[s.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  for (const set of sets) visit(set);
  return out;
}
