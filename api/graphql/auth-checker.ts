/**
 * type-graphql's authChecker for `@Authorized(Role.ADMIN)`: every mutation carries it, so an embed
 * token (read-only) gets FORBIDDEN with a message that says what would work. Authentication itself
 * happens before any resolver runs (app.ts context), so a resolver always has a principal.
 */
import type { AuthChecker } from 'type-graphql';
import type { GraphQLContext } from './context.js';
import { ForbiddenError } from '../errors/index.js';

export const authChecker: AuthChecker<GraphQLContext, string> = ({ context, info }, roles) => {
  if (roles.length === 0 || roles.includes(context.principal.role)) return true;
  const field = `${info.parentType.name}.${info.fieldName}`;
  throw new ForbiddenError(
    `${field} needs ${roles.join(' or ')} access; this ${context.principal.role === 'EMBED' ? 'embed token is read-only' : 'credential may not do it'}. Use an admin API key.`,
  );
};
