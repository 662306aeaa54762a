import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { ContactRow, FollowUpRow, TransitionRow } from '../platform/db/schema.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { User } from '../users/user.type.js';
import { ContactInput, FollowUpInput } from './customer.input.js';
import { Contact, FollowUp, ReminderItem, Transition } from './customer.type.js';

@Resolver(() => Contact)
export class ContactResolver {
  @Authorized()
  @Mutation(() => Contact, { description: 'F1: add a contact person (a mobile or a landline is required, E5).' })
  async addContact(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('input', () => ContactInput) input: ContactInput,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return ctx.services.contacts.add(viewerOf(ctx), customerId, input);
  }

  @Authorized()
  @Mutation(() => Contact)
  async updateContact(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ContactInput) input: ContactInput,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | null,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return ctx.services.contacts.update(viewerOf(ctx), id, input, expectedVersion);
  }
}

@Resolver(() => FollowUp)
export class FollowUpResolver {
  @Authorized()
  @Mutation(() => FollowUp, { description: 'F2: record a contact attempt; append-only (F4).' })
  async addFollowUp(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('input', () => FollowUpInput) input: FollowUpInput,
    @Ctx() ctx: Context,
  ): Promise<FollowUpRow> {
    return ctx.services.followUps.add(viewerOf(ctx), customerId, input);
  }

  @FieldResolver(() => User)
  async author(@Root() row: FollowUpRow, @Ctx() ctx: Context) {
    return ctx.loaders.userById.load(row.authorId);
  }

  @FieldResolver(() => Contact, { nullable: true })
  async contact(@Root() row: FollowUpRow, @Ctx() ctx: Context) {
    return row.contactId ? ctx.loaders.contactById.load(row.contactId) : null;
  }
}

@Resolver(() => Transition)
export class TransitionResolver {
  @FieldResolver(() => User, { nullable: true, description: 'Who sent the event; null for the system (deadline sweeper).' })
  async actor(@Root() row: TransitionRow, @Ctx() ctx: Context) {
    return row.actorId ? ctx.loaders.userById.load(row.actorId) : null;
  }
}

@Resolver(() => ReminderItem)
export class ReminderItemResolver {
  @FieldResolver(() => FollowUp, { nullable: true })
  async lastFollowUp(@Root() item: ReminderItem, @Ctx() ctx: Context) {
    return ctx.loaders.lastFollowUpByCustomerId.load(item.customer.id);
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact of the last follow-up, else the first contact.' })
  async contact(@Root() item: ReminderItem, @Ctx() ctx: Context) {
    const last = await ctx.loaders.lastFollowUpByCustomerId.load(item.customer.id);
    if (last?.contactId) return ctx.loaders.contactById.load(last.contactId);
    const all = await ctx.loaders.contactsByCustomerId.load(item.customer.id);
    return all[0] ?? null;
  }
}
