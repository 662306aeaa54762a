/**
 * Relay connections: one generic shape for every list, and the one mapper from a domain page to it.
 * Their fields are plain properties (`simple`), read as values with no type-graphql wrapper
 * around each field of each page; a field whose value is a promise (totalCount) has a resolver.
 */
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page, PageArgs } from '../pagination.js';

/** Where a page sits in its list (Relay `PageInfo`). */
@ObjectType({ description: 'Where a page sits in its list: whether more items follow, and the cursors to continue from.' })
export class PageInfo {
  @Field(() => Boolean, { simple: true, description: 'True when more items follow this page: ask again with `after: endCursor`.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { simple: true, description: 'True when this page was asked for with an `after` cursor, i.e. it is not the first page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { simple: true, nullable: true, description: 'The cursor of the first item on this page; null when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The cursor of the last item on this page: pass it as `after` for the next page. Null when the page is empty.',
  })
  endCursor!: string | null;
}

/** One item of a page with its cursor, as resolvers return it (`T` is the row the node type resolves from). */
export interface EdgeOf<T> {
  cursor: string;
  node: T;
}

/** A page as resolvers return it; the GraphQL shape is the `Connection(...)` class of the node type. */
export interface ConnectionOf<T> {
  edges: EdgeOf<T>[];
  pageInfo: PageInfo;
  /** A getter: the count query runs only when a client asks for `totalCount`. */
  readonly totalCount: Promise<number>;
}

/**
 * The GraphQL connection and edge types of a node type: `XConnection` (declared by the caller,
 * which names it) and `XEdge`. `items` is the plural noun used in the descriptions.
 */
export function Connection<TNode extends object>(NodeClass: ClassType<TNode>, items: string) {
  @ObjectType(`${NodeClass.name}Edge`, { description: `One of the ${items} on a page, with the cursor that points just after it.` })
  class Edge {
    @Field(() => String, { simple: true, description: 'Opaque position of this item in the list: pass it as `after` to continue after it.' })
    cursor!: string;

    @Field(() => NodeClass, { simple: true, description: `The ${NodeClass.name} at this position in the list.` })
    node!: TNode;
  }

  @ObjectType()
  abstract class ConnectionClass {
    @Field(() => [Edge], { simple: true, description: `The ${items} on this page, in the list's order, each with its cursor.` })
    edges!: Edge[];

    @Field(() => PageInfo, { simple: true, description: 'Whether more items follow, and the cursors to continue from.' })
    pageInfo!: PageInfo;

    // Not `simple`: its value is a promise, which only a field with a resolver may return (the
    // compiled executor reads plain fields as values, see jit-executor.ts).
    @Field(() => Int, { description: `How many ${items} match the filter across all pages (counted only when asked for).` })
    totalCount!: number;
  }
  return ConnectionClass;
}

/** An edge whose cursor is encoded only when a client selects it. */
class LazyEdge<N> implements EdgeOf<N> {
  constructor(
    private readonly page: Page<unknown>,
    private readonly index: number,
    readonly node: N,
  ) {}

  get cursor(): string {
    return this.page.cursor(this.index);
  }
}

/** A page's position, its cursors encoded only when a client selects them (getters on the prototype: no closures per page). */
class LazyPageInfo implements PageInfo {
  constructor(
    private readonly page: Page<unknown>,
    readonly hasPreviousPage: boolean,
  ) {}

  get hasNextPage(): boolean {
    return this.page.hasNextPage;
  }

  get startCursor(): string | null {
    return this.page.nodes.length === 0 ? null : this.page.cursor(0);
  }

  get endCursor(): string | null {
    const last = this.page.nodes.length - 1;
    return last < 0 ? null : this.page.cursor(last);
  }
}

/** A connection whose total is counted only when a client asks for it. */
class LazyConnection<N> implements ConnectionOf<N> {
  constructor(
    private readonly page: Page<unknown>,
    readonly edges: EdgeOf<N>[],
    readonly pageInfo: PageInfo,
  ) {}

  get totalCount(): Promise<number> {
    return this.page.totalCount();
  }
}

/** A connection's rows as its nodes (`toConnection`'s map when a row is what its node type resolves from). */
export const asIs = <T>(row: T): T => row;

/** The arguments of a first page (no cursor). */
export const FIRST_PAGE: PageArgs = {};

/** Maps a domain page to what a connection field returns; `map` turns each row into what the node type resolves from. */
export function toConnection<T, N>(page: Page<T>, map: (row: T) => N, args: PageArgs): ConnectionOf<N> {
  const edges = page.nodes.map((n, i): EdgeOf<N> => new LazyEdge(page, i, map(n)));
  return new LazyConnection(page, edges, new LazyPageInfo(page, Boolean(args.after)));
}
