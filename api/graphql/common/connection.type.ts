/**
 * Relay connections (`totalCount`, `edges { cursor node }`, `nodes`, `pageInfo`) as a type-graphql
 * generic, and the one function that turns a repository page into one.
 */
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { encodeCursor, type Page } from '../../app/common/cursor.js';

@ObjectType({ simpleResolvers: true, description: 'Where a page sits in the whole list.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null on an empty page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  totalCount: number;
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
}

/** `PaginatedResponse(Item)`: a connection type named `<Item>Connection` with `<Item>Edge`. */
export function ConnectionType<T extends object>(itemClass: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeClass {
    @Field(() => String, { description: 'Opaque; pass as `after`.' })
    cursor!: string;

    @Field(() => itemClass)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionClass {
    @Field(() => Int, { description: 'Items in the whole list, not just this page.' })
    totalCount!: number;

    @Field(() => [EdgeClass])
    edges!: EdgeClass[];

    @Field(() => [itemClass], { description: 'The nodes of `edges`, for clients that do not need cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass;
}

/** Builds a connection from a page of items at `offset` in a list of `totalCount`. */
export function toConnection<T>(page: Page<T>): Connection<T> {
  const edges = page.items.map((node, i) => ({ cursor: encodeCursor(page.offset + i), node }));
  return {
    totalCount: page.totalCount,
    edges,
    nodes: [...page.items],
    pageInfo: {
      hasNextPage: page.offset + page.items.length < page.totalCount,
      hasPreviousPage: page.offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
