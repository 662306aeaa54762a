import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { ContactRow, FollowUpRow, TransitionRow } from '../platform/db/schema.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { User } from '../users/user.type.js';
import { ContactInput, FollowUpInput } from './customer.input.js';
import { Contact, FollowUp, ReminderItem, Transition } from './customer.type.js';
import type { ContactService } from './contact.service.js';
import type { FollowUpService } from './follow-up.service.js';
import type { UserService } from '../users/user.service.js';
import { contactLoaders, followUpLoaders } from './customer.loaders.js';
import { userLoaders } from '../users/user.loaders.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ContactResolverServices {
  contacts: ContactService;
  followUps: FollowUpService;
  users: UserService;
}

@Resolver(() => Contact)
export class ContactResolver {
  constructor(private readonly services: ContactResolverServices) {}

  @Authorized()
  @Mutation(() => Contact, { description: 'F1: add a contact person (a mobile or a landline is required, E5).' })
  async addContact(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('input', () => ContactInput) input: ContactInput,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return this.services.contacts.add(viewerOf(ctx), customerId, input);
  }

  @Authorized()
  @Mutation(() => Contact)
  async updateContact(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ContactInput) input: ContactInput,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return this.services.contacts.update(viewerOf(ctx), id, input, expectedVersion);
  }
}

@Resolver(() => FollowUp)
export class FollowUpResolver {
  constructor(private readonly services: ContactResolverServices) {}

  @Authorized()
  @Mutation(() => FollowUp, { description: 'F2: record a contact attempt; append-only (F4).' })
  async addFollowUp(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('input', () => FollowUpInput) input: FollowUpInput,
    @Ctx() ctx: Context,
  ): Promise<FollowUpRow> {
    return this.services.followUps.add(viewerOf(ctx), customerId, input);
  }

  @FieldResolver(() => User)
  async author(@Root() row: FollowUpRow, @Ctx() ctx: Context) {
    return ctx.scope.use(userLoaders, this.services).userById.load(row.authorId);
  }

  @FieldResolver(() => Contact, { nullable: true })
  async contact(@Root() row: FollowUpRow, @Ctx() ctx: Context) {
    return row.contactId ? ctx.scope.use(contactLoaders, this.services).contactById.load(row.contactId) : null;
  }
}

@Resolver(() => Transition)
export class TransitionResolver {
  constructor(private readonly services: ContactResolverServices) {}

  @FieldResolver(() => User, { nullable: true, description: 'Who sent the event; null for the system (deadline sweeper).' })
  async actor(@Root() row: TransitionRow, @Ctx() ctx: Context) {
    return row.actorId ? ctx.scope.use(userLoaders, this.services).userById.load(row.actorId) : null;
  }
}

@Resolver(() => ReminderItem)
export class ReminderItemResolver {
  constructor(private readonly services: ContactResolverServices) {}

  @FieldResolver(() => FollowUp, { nullable: true })
  async lastFollowUp(@Root() item: ReminderItem, @Ctx() ctx: Context) {
    return ctx.scope.use(followUpLoaders, this.services).lastFollowUpByCustomerId.load(item.customer.id);
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact of the last follow-up, else the first contact.' })
  async contact(@Root() item: ReminderItem, @Ctx() ctx: Context) {
    const last = await ctx.scope.use(followUpLoaders, this.services).lastFollowUpByCustomerId.load(item.customer.id);
    if (last?.contactId) return ctx.scope.use(contactLoaders, this.services).contactById.load(last.contactId);
    const all = await ctx.scope.use(contactLoaders, this.services).contactsByCustomerId.load(item.customer.id);
    return all[0] ?? null;
  }
}
