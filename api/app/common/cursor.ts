/**
 * Opaque Relay cursors. A cursor is the base64url of `fq1:<offset>`; clients must treat it as
 * opaque (only pass back an `endCursor` they were given). Offsets keep paging simple and stable
 * for the ordered lists this API serves (ordered by a unique key).
 */
import { UserInputError } from '../../errors/index.js';

const PREFIX = 'fq1:';

export function encodeCursor(offset: number): string {
  return Buffer.from(`${PREFIX}${offset}`, 'utf8').toString('base64url');
}

/** Decodes an `after` cursor into the offset of the first row to return; `undefined` → 0. */
export function decodeCursor(cursor: string | null | undefined, argName = 'after'): number {
  if (cursor === undefined || cursor === null) return 0;
  const fail = (): never => {
    throw new UserInputError(
      `Cursor "${cursor}" in \`${argName}\` is not valid. Pass an \`endCursor\` from a previous page, or omit \`${argName}\` to start at the beginning.`,
      { argument: argName, value: cursor },
    );
  };
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return fail();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return fail();
  const digits = text.slice(PREFIX.length);
  if (!/^\d{1,15}$/.test(digits)) return fail();
  return Number(digits) + 1;
}

/** A page request after normalisation: rows `offset .. offset + limit - 1`. */
export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly totalCount: number;
  readonly offset: number;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 500;

/** Turns `first`/`after` into an offset and limit, rejecting sizes outside 1..MAX_PAGE_SIZE. */
export function toPageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const limit = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new UserInputError(
      `\`first\` is ${limit}; ask for 1 to ${MAX_PAGE_SIZE} items a page and follow \`endCursor\`.`,
      {
        argument: 'first',
        value: limit,
      },
    );
  }
  return { offset: decodeCursor(after), limit };
}
