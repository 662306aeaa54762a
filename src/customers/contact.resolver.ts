import { Arg, Args, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { ContactRow } from '../platform/db/schema.js';
import { ExpectedVersionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { ContactInput } from './contact.input.js';
import { Contact } from './contact.type.js';
import type { ContactService } from './contact.service.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ContactResolverServices {
  contacts: ContactService;
}

/** Contact persons (F1): added and corrected, never deleted (E6). */
@Resolver(() => Contact)
export class ContactResolver {
  constructor(private readonly services: ContactResolverServices) {}

  @Authorized()
  @Mutation(() => Contact, {
    description:
      'F1: adds a contact person to a customer (a mobile or a landline is required, E5). Its custodian or a manager (after-sales for a formal one); others get FORBIDDEN.',
  })
  async addContact(
    @Arg('customerId', () => ID, { description: 'The customer the person works for.' }) customerId: string,
    @Arg('input', () => ContactInput, { description: 'The contact person.' }) input: ContactInput,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return this.services.contacts.add(viewerOf(ctx), customerId, input);
  }

  @Authorized()
  @Mutation(() => Contact, { description: 'Corrects a contact person (all fields are replaced by the input). Who may: as for addContact.' })
  async updateContact(
    @Arg('id', () => ID, { description: 'The contact’s id.' }) id: string,
    @Arg('input', () => ContactInput, { description: 'The corrected contact person.' }) input: ContactInput,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return this.services.contacts.update(viewerOf(ctx), id, input, expectedVersion);
  }
}
