import { Field, ID, Int, ObjectType } from 'type-graphql';

/** A contact person of a customer (F1); resolvers return `ContactRow`s for it. */
@ObjectType({
  simpleResolvers: true,
  description: 'A contact person at a customer (F1). Contacts are customer details (P8) and are never deleted (E6); corrections bump `version`.',
})
export class Contact {
  @Field(() => ID, { description: 'The contact’s id: pass it to updateContact or as a follow-up’s contactId.' })
  id!: string;

  @Field(() => String, { description: 'The person’s name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Job title (职务), e.g. 设备科长; null when not given.' })
  title!: string | null;

  @Field(() => String, { nullable: true, description: 'Mobile number, 11 digits (E5); null when only a landline is known.' })
  mobile!: string | null;

  @Field(() => String, { nullable: true, description: 'Landline, normalised as area code-number, e.g. 0523-84123456 (E5); null when only a mobile is known.' })
  landline!: string | null;

  @Field(() => String, { nullable: true, description: 'Email address; null when not given.' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Free notes about the person; null when none.' })
  note!: string | null;

  @Field(() => Int, { description: 'Grows by one with every correction; send it back as updateContact’s expectedVersion.' })
  version!: number;

  @Field(() => Date, { description: 'When the contact was added.' })
  createdAt!: Date;

  customerId!: string;
}
