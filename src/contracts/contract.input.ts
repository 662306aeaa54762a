import { Field, ID, InputType } from 'type-graphql';
import type { PaymentMethod } from '../platform/db/schema.js';
import { DecimalScalar } from '../platform/graphql/decimal.scalar.js';
import { PaymentMethodEnum } from './contract.type.js';

const CLEARS = 'a blank value clears it';

/** The buyer block as filled in. */
@InputType({ description: 'The buyer as written on the contract (C2); the whole block is replaced, and a blank field clears it.' })
export class BuyerInput {
  @Field(() => String, { nullable: true, description: 'The buyer’s registered name.' }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'The buyer’s address.' }) address?: string | null;
  @Field(() => String, { nullable: true, description: 'Unified social credit code (统一社会信用代码): 15–20 digits or capital letters.' }) taxId?:
    string | null;
  @Field(() => String, { nullable: true, description: 'The buyer’s contact person.' }) contactName?: string | null;
  @Field(() => String, { nullable: true, description: 'The buyer’s phone: a mobile or a landline (E5).' }) phone?: string | null;
}

/** Contract fields to fill in (updateContract). */
@InputType({
  description:
    'Contract fields to fill in (C2); only the fields given change. Problems are refused with BAD_USER_INPUT, each under its input path in `extensions.fields`.',
})
export class ContractInput {
  @Field(() => String, { nullable: true, description: `The contract type (free text); ${CLEARS}.` }) type?: string | null;
  @Field(() => String, { nullable: true, description: 'The sign date, YYYY-MM-DD.' }) signDate?: string | null;
  @Field(() => PaymentMethodEnum, { nullable: true, description: 'How the buyer pays.' }) paymentMethod?: PaymentMethod | null;
  @Field(() => BuyerInput, { nullable: true, description: 'The buyer block (replaced as a whole).' }) buyer?: BuyerInput | null;
  @Field(() => String, { nullable: true, description: 'The first day, YYYY-MM-DD.' }) startDate?: string | null;
  @Field(() => String, { nullable: true, description: 'The last day, YYYY-MM-DD, not before startDate.' }) endDate?: string | null;
  @Field(() => String, { nullable: true, description: `The terms (free text); ${CLEARS}.` }) terms?: string | null;
  @Field(() => String, { nullable: true, description: `Every gift or promise to the customer (C2), or 无; ${CLEARS}.` }) commitments?: string | null;
}

/** A product line to add (addContractLine). */
@InputType({ description: 'A product line to add: a catalogue product, or a free-text description, with quantity, price and discount.' })
export class ContractLineInput {
  @Field(() => ID, { nullable: true, description: 'An active catalogue product; or give a description instead.' }) productId?: string | null;
  @Field(() => String, { nullable: true, description: 'What is sold; required without productId, else defaults to the product’s name.' }) description?:
    string | null;
  @Field(() => DecimalScalar, { description: 'Quantity above zero, at most 3 decimals.' }) quantity!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Price per unit, at most 2 decimals; defaults to the product’s list price.' }) unitPrice?:
    string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'A rate from 0 to below 1 ("0.1" = 10 % off); default 0.' }) discount?: string | null;
}

/** A payment to record (recordPayment). */
@InputType({ description: 'C3: a payment to record. Problems are refused with BAD_USER_INPUT, each under its input path in `extensions.fields`.' })
export class PaymentInput {
  @Field(() => DecimalScalar, { description: 'Above zero, at most 2 decimals; more than the outstanding amount is refused (C3).' }) amount!: string;
  @Field(() => Date, { description: 'When the money arrived; not in the future.' }) paidAt!: Date;
  @Field(() => PaymentMethodEnum, { description: 'How it was paid.' }) method!: PaymentMethod;
  @Field(() => String, { nullable: true, description: 'The account paid from or into.' }) account?: string | null;
  @Field(() => ID, { nullable: true, description: 'Who handled it (an active user); defaults to you.' }) handlerId?: string | null;
  @Field(() => String, { nullable: true, description: 'A free note.' }) note?: string | null;
}

/** Filters of the contracts list; all given conditions must hold. */
@InputType({ description: 'Narrows the contracts list; every condition given must hold.' })
export class ContractFilter {
  @Field(() => ID, { nullable: true, description: 'Only this customer’s contracts.' }) customerId?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Only contracts in this machine state, e.g. confirmed; a state the machine does not have is refused with BAD_USER_INPUT.',
  })
  state?: string | null;
  @Field(() => String, { nullable: true, description: 'Signed on or after this date (YYYY-MM-DD).' }) signedFrom?: string | null;
  @Field(() => String, { nullable: true, description: 'Signed on or before this date (YYYY-MM-DD).' }) signedTo?: string | null;
}
