import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { toConnection } from '../platform/graphql/relay.js';
import { CreateUserInput, UpdateUserInput } from './user.input.js';
import { AuthPayload, User, UserConnection } from './user.type.js';
import type { UserService } from './user.service.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface UserResolverServices {
  users: UserService;
}

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly services: UserResolverServices) {}

  @Mutation(() => AuthPayload, { description: 'Sign in; wrong username and wrong password give the same error.' })
  async login(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    const { token, expiresAt, user } = await this.services.users.login(username, password);
    return { token, expiresAt, user: User.from(user) };
  }

  @Authorized()
  @Query(() => User, { description: 'The signed-in user.' })
  async me(@Ctx() ctx: Context): Promise<User> {
    return User.from(await this.services.users.byId(viewerOf(ctx).id));
  }

  @Authorized('ADMIN', 'MANAGER')
  @Query(() => UserConnection)
  async users(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<UserConnection> {
    const page = await this.services.users.list(viewerOf(ctx), { first, after });
    return toConnection(page, User.from, after !== null) as unknown as UserConnection;
  }

  @Authorized('ADMIN')
  @Mutation(() => User)
  async createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: Context): Promise<User> {
    return User.from(await this.services.users.create(viewerOf(ctx), input));
  }

  @Authorized('ADMIN')
  @Mutation(() => User)
  async updateUser(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return User.from(await this.services.users.update(viewerOf(ctx), id, input));
  }
}
