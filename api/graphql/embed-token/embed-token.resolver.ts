/** `createEmbedToken`: an admin key mints a read-only, expiring token for some of its datasets. */
import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { MAX_EMBED_DATASETS, MAX_EMBED_TTL_SECONDS } from '../../auth/embed-token.js';
import { UserInputError } from '../../errors/index.js';
import { Role } from '../../auth/principal.js';

@ObjectType({ description: 'A signed, expiring, read-only token for the widgets, scoped to datasets.' })
export class EmbedToken {
  @Field(() => ID, {
    description: 'The token id (`jti`): give it to revokeEmbedToken to stop the token before it expires.',
  })
  id!: string;

  @Field(() => String, { description: 'Put it in the `token` attribute of the widgets; it is sent as a Bearer token.' })
  token!: string;

  @Field(() => Date, { description: 'After this instant the token answers UNAUTHENTICATED.' })
  expiresAt!: Date;

  @Field(() => [ID], { description: 'The datasets the token may read.' })
  datasetIds!: string[];
}

@Resolver()
export class EmbedTokenResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => EmbedToken, {
    description:
      'Issues an embed token (admin keys only): read-only, for the given datasets of your shop, valid `ttlSeconds` (default 3600, at most 2592000 = 30 days).',
  })
  async createEmbedToken(
    @Arg('datasetIds', () => [ID]) datasetIds: string[],
    @Ctx() ctx: GraphQLContext,
    @Arg('ttlSeconds', () => Int, { nullable: true }) ttlSeconds?: number | null,
  ): Promise<EmbedToken> {
    if (datasetIds.length === 0 || datasetIds.length > MAX_EMBED_DATASETS) {
      throw new UserInputError(
        `Name 1 to ${MAX_EMBED_DATASETS} datasets in \`datasetIds\`; got ${datasetIds.length}.`,
        {
          argument: 'datasetIds',
        },
      );
    }
    // Each must be a dataset of the caller's tenant (NOT_FOUND otherwise, as for any other read).
    const datasets = await Promise.all(datasetIds.map((id) => ctx.services.datasets.require(ctx.tenantId, id)));
    const issued = await ctx.embedTokens.issue({
      tenantId: ctx.tenantId,
      datasetIds: datasets.map((d) => d.id),
      ttlSeconds,
      keyId: keyIdOf(ctx.principal.subject),
    });
    ctx.logger.info(
      { tokenId: issued.id, datasets: datasets.map((d) => d.id), by: ctx.principal.subject },
      'embed token issued',
    );
    const ids = [...new Set(datasets.map((d) => String(d.id)))];
    return { id: issued.id, token: issued.token, expiresAt: issued.expiresAt, datasetIds: ids };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, {
    description:
      'Revokes an embed token of your shop by its id (EmbedToken.id): from now on it answers UNAUTHENTICATED, and subscriptions opened with it are closed within seconds. Tokens also die with the API key that issued them. True once revoked (again: still true).',
  })
  async revokeEmbedToken(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    if (!/^[\w-]{1,64}$/.test(id)) {
      throw new UserInputError(`${JSON.stringify(id.slice(0, 80))} is not an embed token id: give EmbedToken.id.`, {
        argument: 'id',
      });
    }
    if (!ctx.revocations) throw new Error('revokeEmbedToken: no revocation store in this context');
    // Kept until every token with this id has expired anyway (tokens live at most 30 days).
    await ctx.revocations.revoke(ctx.tenantId, id, new Date(Date.now() + MAX_EMBED_TTL_SECONDS * 1000));
    ctx.logger.info({ tokenId: id, by: ctx.principal.subject }, 'embed token revoked');
    return true;
  }
}

/** The API key id of a principal's subject (`key:12`), or null. */
function keyIdOf(subject: string): number | null {
  const m = /^key:(\d+)$/.exec(subject);
  return m ? Number(m[1]) : null;
}
