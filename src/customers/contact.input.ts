import { Field, InputType } from 'type-graphql';

/** A contact person as entered (F1, E5). */
@InputType({
  description:
    'A contact person (F1). A name and a mobile or a landline (or both) are required (E5); bad values are refused with BAD_USER_INPUT per field. A number that belongs to another customer is refused with DUPLICATE (E4).',
})
export class ContactInput {
  @Field(() => String, { description: 'The person’s name; required.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Job title (职务), e.g. 设备科长.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'Mobile: 1[3-9] + 9 digits; a +86 prefix is accepted and dropped.' })
  mobile?: string | null;

  @Field(() => String, { nullable: true, description: 'Landline: 0 + 2–3 digit area code, then 7–8 digits; the hyphen is optional (stored as 0523-84123456).' })
  landline?: string | null;

  @Field(() => String, { nullable: true, description: 'Email address; must look like one.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Free notes about the person.' })
  note?: string | null;
}
