import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ITEMS, selectedFields } from '../../src/platform/graphql/selection.js';

/** The info a resolver of the document's first root field gets (fieldNodes, fragments). */
function infoOf(query: string) {
  const document = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const field = operation.selectionSet.selections[0] as FieldNode;
  return { fieldNodes: [field], fragments };
}

/** Issue 14: a list reads the columns its items are asked for. */
describe('selectedFields', () => {
  it('should name the fields at a path, through fragments and inline fragments', () => {
    const info = infoOf(`
      query { customers(first: 5) { totalCount edges { cursor node { id ...Card ... on Customer { stage custodian { displayName } } } } } }
      fragment Card on Customer { name ...More }
      fragment More on Customer { tradeName }`);
    expect([...selectedFields(info, ['edges', 'node'])].sort()).toEqual(['custodian', 'id', 'name', 'stage', 'tradeName']);
    expect([...selectedFields(info, [])].sort()).toEqual(['edges', 'totalCount']);
    expect([...selectedFields(info, ['pageInfo'])]).toEqual([]);
  });

  it('should merge every node the field was asked with, and count a field under @skip as asked', () => {
    const info = infoOf(`query { customers { edges { node { id } } edges { node { address @skip(if: true) } } } }`);
    expect([...selectedFields(info, ['edges', 'node'])].sort()).toEqual(['address', 'id']);
  });

  it('should answer the same set for the same node (cached), and survive a fragment that spreads itself', () => {
    const info = infoOf(`query { customers { edges { node { ...A } } } } fragment A on Customer { id ...A }`);
    expect(selectedFields(info, ITEMS)).toBe(selectedFields(info, ITEMS));
    expect([...selectedFields(info, ITEMS)]).toEqual(['id']);
    // The cache is keyed by the path's identity: another array with the same names gets the same answer, worked out again.
    expect([...selectedFields(info, ['edges', 'node'])]).toEqual(['id']);
  });
});
