import { Field, ObjectType } from 'type-graphql';
import { WorkflowEntity } from '../workflow/graphql/workflow-entity.type.js';

/** A contact person of a customer (F1, F5); resolvers return `ContactRow`s for it. */
@ObjectType({
  simpleResolvers: true,
  description:
    'A contact person at a customer (F1), run by the contact machine (F5): `active`, `left` (离职: leftOn and leftNote) and active again when they rejoin; every edit is an UPDATE in `history` with the fields it changed. A contact who left cannot be named on a new follow-up. Contacts are customer details (P8) and are never deleted (E6).',
})
export class Contact extends WorkflowEntity {
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

  @Field(() => String, { nullable: true, description: 'F5: the day the person left the company (离职), YYYY-MM-DD; null while active (also after rejoining).' })
  leftOn!: string | null;

  @Field(() => String, { nullable: true, description: 'F5: the note given when the person left; null while active.' })
  leftNote!: string | null;

  @Field(() => Date, { description: 'When the contact was added.' })
  createdAt!: Date;

  customerId!: string;
}
