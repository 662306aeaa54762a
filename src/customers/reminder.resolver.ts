import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ContactRow, FollowUpRow } from '../platform/db/schema.js';
import type { Context } from '../platform/graphql/context.js';
import { Contact } from './contact.type.js';
import { FollowUp } from './follow-up.type.js';
import { ReminderItem } from './reminder.type.js';
import type { ContactService } from './contact.service.js';
import type { FollowUpService } from './follow-up.service.js';
import { contactLoaders, followUpLoaders } from './customer.loaders.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ReminderResolverServices {
  contacts: ContactService;
  followUps: FollowUpService;
}

/** F3: what a reminder shows besides the customer. */
@Resolver(() => ReminderItem)
export class ReminderItemResolver {
  constructor(private readonly services: ReminderResolverServices) {}

  @FieldResolver(() => FollowUp, { nullable: true, description: 'The customer’s latest follow-up; null before the first.' })
  async lastFollowUp(@Root() item: ReminderItem, @Ctx() ctx: Context): Promise<FollowUpRow | null> {
    return ctx.scope.use(followUpLoaders, this.services).lastFollowUpByCustomerId.load(item.customer.id);
  }

  @FieldResolver(() => Contact, {
    nullable: true,
    description: 'Whom to call: the contact of the latest follow-up, else the first contact; null when the customer has none.',
  })
  async contact(@Root() item: ReminderItem, @Ctx() ctx: Context): Promise<ContactRow | null> {
    const last = await ctx.scope.use(followUpLoaders, this.services).lastFollowUpByCustomerId.load(item.customer.id);
    if (last?.contactId) return ctx.scope.use(contactLoaders, this.services).contactById.load(last.contactId);
    const all = await ctx.scope.use(contactLoaders, this.services).contactsByCustomerId('FULL').load(item.customer.id);
    return all[0] ?? null;
  }
}
