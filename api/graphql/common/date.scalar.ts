/** The `Date` scalar: a calendar date as ISO `YYYY-MM-DD` (no time, no zone). */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { implausibleYear } from '../../errors/input-guard.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True when `value` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function parse(value: unknown): string {
  const implausible =
    typeof value === 'string' && isIsoDate(value) ? implausibleYear(Number(value.slice(0, 4))) : undefined;
  if (implausible) {
    throw new GraphQLError(`Date ${JSON.stringify(value)} ${implausible}. Check the year.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw new GraphQLError(
      `Date ${JSON.stringify(value)} is not valid: write a calendar date as YYYY-MM-DD, e.g. "2011-12-01".`,
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  return value;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, ISO 8601 `YYYY-MM-DD`.',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return String(value).slice(0, 10);
  },
  parseValue: parse,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('A Date literal must be a string "YYYY-MM-DD".', {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return parse(ast.value);
  },
});
