/** Relay connections: one generic shape for every list. */
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page } from '../pagination.js';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** A getter: the count query runs only when a client asks for `totalCount`. */
  readonly totalCount: Promise<number>;
}

export function Connection<TNode extends object>(NodeClass: ClassType<TNode>) {
  @ObjectType(`${NodeClass.name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => NodeClass)
    node!: TNode;
  }

  @ObjectType()
  abstract class ConnectionClass {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'All items matching the filter, across pages.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

/** Maps a domain page to the connection shape (nodes mapped with `map`). */
export function toConnection<T, N>(page: Page<T>, map: (row: T) => N, hadCursor: boolean): ConnectionShape<N> {
  const edges = page.nodes.map((n, i) => ({ cursor: page.cursors[i] ?? '', node: map(n) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: hadCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      return page.totalCount();
    },
  };
}
