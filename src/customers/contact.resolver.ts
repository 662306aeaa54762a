import { Arg, Args, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { ContactRow } from '../platform/db/schema.js';
import { ExpectedVersionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.js';
import { WorkflowEntityResolver, type WorkflowEdge } from '../workflow/graphql/workflow-entity.resolver.js';
import { ContactInput } from './contact.input.js';
import { Contact } from './contact.type.js';
import type { ContactService } from './contact.service.js';
import type { ContactFacts } from './contact.machine.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface ContactResolverServices {
  contacts: ContactService;
  engine: WorkflowEngine;
  workflows: { contact: WorkflowDefinition<ContactRow, ContactFacts> };
}

/** How contacts plug into the shared workflow fields (contacts are read only through a customer whose details one sees, P8). */
const contactEdge: WorkflowEdge<ContactRow, ContactResolverServices> = {
  workflow: (s) => s.workflows.contact,
  describe: {
    state: 'F5: the contact machine’s state: active, or left (离职; not offered for new follow-ups).',
    availableActions:
      'What this viewer may do with the contact now: UPDATE (updateContact), LEAVE (markContactLeft), REJOIN (markContactRejoined), as the machine and its guards allow.',
    history:
      'F5: every event on this contact, newest first: CREATE, UPDATE (payload.changes: each changed field as [before, after]), LEAVE (payload.leftOn, payload.note), REJOIN.',
  },
};

const ID_ARG = 'The contact’s id.';
const WHO = 'Its customer’s custodian, a manager, or after-sales for a formal customer (F1); others get FORBIDDEN.';

/** Contact persons (F1, F5): added, corrected, marked as left and rejoined, never deleted (E6). */
@Resolver(() => Contact)
export class ContactResolver extends WorkflowEntityResolver(Contact, contactEdge) {
  @Authorized()
  @Mutation(() => Contact, {
    description:
      'F1: adds a contact person to a customer (a mobile or a landline is required, E5); it starts active (F5). Its custodian or a manager (after-sales for a formal one); others get FORBIDDEN.',
  })
  async addContact(
    @Arg('customerId', () => ID, { description: 'The customer the person works for.' }) customerId: string,
    @Arg('input', () => ContactInput, { description: 'The contact person.' }) input: ContactInput,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return this.services.contacts.add(viewerOf(ctx), customerId, input);
  }

  @Authorized()
  @Mutation(() => Contact, {
    description:
      'Corrects a contact person (all fields are replaced by the input), active or left; recorded in its history as UPDATE with the fields that changed (F5). Who may: as for addContact.',
  })
  async updateContact(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('input', () => ContactInput, { description: 'The corrected contact person.' }) input: ContactInput,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return this.services.contacts.update(viewerOf(ctx), id, input, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Contact, {
    description: `F5: the person left the company (离职): the contact moves to left, with leftOn and the note in its history; it is no longer offered for new follow-ups. ILLEGAL_TRANSITION when it already left; BAD_USER_INPUT (leftOn, note) when either is missing or bad. ${WHO}`,
  })
  async markContactLeft(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('leftOn', () => String, { description: 'The day the person left, YYYY-MM-DD.' }) leftOn: string,
    @Arg('note', () => String, { description: 'Why or where to; required.' }) note: string,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return this.services.contacts.markLeft(viewerOf(ctx), id, leftOn, note, expectedVersion);
  }

  @Authorized()
  @Mutation(() => Contact, {
    description: `F5: a person who left is back at the customer (rejoined): the contact is active again (leftOn and leftNote cleared; the history keeps them). ILLEGAL_TRANSITION unless it is left. ${WHO}`,
  })
  async markContactRejoined(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('note', () => String, { nullable: true, description: 'A note for the history, e.g. the new title; optional.' }) note: string | null,
    @Args(() => ExpectedVersionArgs) { expectedVersion }: ExpectedVersionArgs,
    @Ctx() ctx: Context,
  ): Promise<ContactRow> {
    return this.services.contacts.markRejoined(viewerOf(ctx), id, note, expectedVersion);
  }
}
