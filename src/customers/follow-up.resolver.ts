import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { ContactRow, FollowUpRow, UserCard } from '../platform/db/schema.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { User } from '../users/user.type.js';
import { userLoaders } from '../users/user.loaders.js';
import type { UserService } from '../users/user.service.js';
import { Contact } from './contact.type.js';
import { FollowUpInput } from './follow-up.input.js';
import { FollowUp } from './follow-up.type.js';
import type { ContactService } from './contact.service.js';
import type { FollowUpService } from './follow-up.service.js';
import { contactLoaders } from './customer.loaders.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface FollowUpResolverServices {
  contacts: ContactService;
  followUps: FollowUpService;
  users: UserService;
}

/** Follow-ups (F2–F4): recorded, never edited. */
@Resolver(() => FollowUp)
export class FollowUpResolver {
  constructor(private readonly services: FollowUpResolverServices) {}

  @Authorized()
  @Mutation(() => FollowUp, {
    description:
      'F2: records a contact attempt; append-only (F4). It sets the customer’s last and next contact times (F3). Its custodian or a manager (after-sales for a formal one); others get FORBIDDEN.',
  })
  async addFollowUp(
    @Arg('customerId', () => ID, { description: 'The customer contacted.' }) customerId: string,
    @Arg('input', () => FollowUpInput, { description: 'The contact attempt.' }) input: FollowUpInput,
    @Ctx() ctx: Context,
  ): Promise<FollowUpRow> {
    return this.services.followUps.add(viewerOf(ctx), customerId, input);
  }

  @FieldResolver(() => User, { description: 'Who recorded it.' })
  async author(@Root() row: FollowUpRow, @Ctx() ctx: Context): Promise<UserCard | null> {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.authorId);
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact person spoken to; null when none was named.' })
  async contact(@Root() row: FollowUpRow, @Ctx() ctx: Context): Promise<ContactRow | null> {
    return row.contactId ? ctx.scope.use(contactLoaders, this.services).contactById.load(row.contactId) : null;
  }
}
