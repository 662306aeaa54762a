import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { UserCard } from '../platform/db/schema.js';
import { ConnectionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { toConnection, type ConnectionOf } from '../platform/graphql/relay.js';
import { Transition } from '../workflow/graphql/transition.type.js';
import { CreateUserInput, UpdateUserInput } from './user.input.js';
import { userLoaders } from './user.loaders.js';
import { AuthPayload, User, UserConnection } from './user.type.js';
import type { UserService } from './user.service.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface UserResolverServices {
  users: UserService;
}

/** Sign-in, the viewer, and user administration. */
@Resolver(() => User)
export class UserResolver {
  constructor(private readonly services: UserResolverServices) {}

  @Mutation(() => AuthPayload, {
    description:
      'Signs in and returns a bearer token. A wrong username, a wrong password and a deactivated account all give the same UNAUTHENTICATED error. ' +
      'Repeated failures for a username or from a client address are throttled: TOO_MANY_ATTEMPTS with `extensions.retryAfter` (seconds) until another attempt is answered.',
  })
  async login(
    @Arg('username', () => String, { description: 'The sign-in name (not case-sensitive).' }) username: string,
    @Arg('password', () => String, { description: 'The user’s password.' }) password: string,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    const { token, expiresAt, user } = await this.services.users.login(username, password, ctx.clientAddress);
    return { token, expiresAt, user: User.from(user) };
  }

  @Authorized()
  @Query(() => User, { description: 'The signed-in user. UNAUTHENTICATED without a valid token (missing, expired, or of a deactivated account).' })
  async me(@Ctx() ctx: Context): Promise<User> {
    return User.from(await this.services.users.byId(viewerOf(ctx).id));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Revokes every token of a user at once, the one used for this request included when it is theirs; they sign in again. ' +
      'Yourself by default; another user is ADMIN only (FORBIDDEN otherwise), an unknown id is NOT_FOUND. Always true.',
  })
  async signOutEverywhere(
    @Arg('userId', () => ID, { nullable: true, description: 'The user whose tokens to revoke; omitted: yourself.' }) userId: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const viewer = viewerOf(ctx);
    await this.services.users.signOutEverywhere(viewer, userId ?? viewer.id);
    return true;
  }

  @Authorized('ADMIN', 'MANAGER')
  @Query(() => UserConnection, { description: 'Every user, oldest account first. ADMIN and MANAGER only; others get FORBIDDEN.' })
  async users(@Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: Context): Promise<ConnectionOf<User>> {
    return toConnection(await this.services.users.list(viewerOf(ctx), page), User.from, page);
  }

  @Authorized('ADMIN')
  @Mutation(() => User, { description: 'Creates a user who can sign in at once. ADMIN only (FORBIDDEN otherwise).' })
  async createUser(@Arg('input', () => CreateUserInput, { description: 'The account to create.' }) input: CreateUserInput, @Ctx() ctx: Context): Promise<User> {
    return User.from(await this.services.users.create(viewerOf(ctx), input));
  }

  @Authorized('ADMIN')
  @Mutation(() => User, {
    description:
      'Changes a user’s display name, roles, active flag or password. ADMIN only (FORBIDDEN otherwise); an unknown id is NOT_FOUND. ' +
      'A new password, deactivation or a role taken away revokes every token the user holds.',
  })
  async updateUser(
    @Arg('id', () => ID, { description: 'The user to change.' }) id: string,
    @Arg('input', () => UpdateUserInput, { description: 'The changes; only the fields given change.' }) input: UpdateUserInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return User.from(await this.services.users.update(viewerOf(ctx), id, input));
  }
}

/** P10: who sent a recorded event (the workflow layer knows no users). */
@Resolver(() => Transition)
export class TransitionActorResolver {
  constructor(private readonly services: UserResolverServices) {}

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who sent the event; null when the system did (the deadline sweeper, or an application closed as lapsed).',
  })
  async actor(@Root() row: Transition, @Ctx() ctx: Context): Promise<UserCard | null> {
    return row.actorId ? ctx.scope.use(userLoaders, this.services).userById.load(row.actorId) : null;
  }
}
