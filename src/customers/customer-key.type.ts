import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DuplicateMatch } from './customer.type.js';

/** What a warning about a customer's entry is about. */
export enum CustomerWarningCode {
  SIMILAR_NAME = 'SIMILAR_NAME',
}

registerEnumType(CustomerWarningCode, {
  name: 'CustomerWarningCode',
  description: 'What a warning about a customer is about.',
  valuesConfig: {
    SIMILAR_NAME: { description: 'E4: other customers’ trade-name keys contain this one’s or are contained in it (同创 / 同创医药).' },
  },
});

/** E4: something the entry did not refuse but must not keep silent. */
@ObjectType({ description: 'E4: something about a customer that is not refused but must not go unnoticed, e.g. similar names.' })
export class CustomerWarning {
  @Field(() => CustomerWarningCode, { description: 'What the warning is about.' })
  code!: CustomerWarningCode;

  @Field(() => String, { description: 'A sentence for the user, naming the similar customers.' })
  message!: string;

  @Field(() => [DuplicateMatch], { description: 'The customers concerned, with only what anybody may see (P8), oldest first, at most 20.' })
  customers!: DuplicateMatch[];
}

/** E4: one key that several customers hold since a re-derivation of the keys. */
@ObjectType({
  description: 'E4: a trade-name key that more than one customer holds because the key derivation changed (both stay); a manager decides what to do.',
})
export class DuplicateKeyConflict {
  @Field(() => String, { description: 'The shared trade-name key (E1).' })
  tradeName!: string;

  @Field(() => [DuplicateMatch], { description: 'The customers holding it, oldest first.' })
  customers!: DuplicateMatch[];
}
