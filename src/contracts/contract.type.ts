import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DELIVERY_STATUSES, PAYMENT_METHODS, type DeliveryStatus, type PaymentMethod } from '../platform/db/schema.js';
import { DecimalScalar } from '../platform/graphql/decimal.scalar.js';
import { Connection } from '../platform/graphql/relay.js';
import { WorkflowEntity } from '../workflow/graphql/workflow-entity.type.js';

/** The payment methods as a GraphQL enum (values from the database enum). */
export const PaymentMethodEnum = Object.fromEntries(PAYMENT_METHODS.map((k) => [k, k])) as { [K in PaymentMethod]: K };
registerEnumType(PaymentMethodEnum, {
  name: 'PaymentMethod',
  description: 'How a buyer pays (C2, C3).',
  valuesConfig: {
    BANK_TRANSFER: { description: 'Bank transfer (银行转账).' },
    CASH: { description: 'Cash (现金).' },
    CHEQUE: { description: 'Cheque (支票).' },
    INSTALMENTS: { description: 'In instalments (分期付款).' },
    OTHER: { description: 'Any other way; say which in the note.' },
  } satisfies Record<PaymentMethod, { description: string }>,
});

/** The delivery statuses as a GraphQL enum (values from the database enum). */
export const DeliveryStatusEnum = Object.fromEntries(DELIVERY_STATUSES.map((k) => [k, k])) as { [K in DeliveryStatus]: K };
registerEnumType(DeliveryStatusEnum, {
  name: 'DeliveryStatus',
  description: 'How far delivery of a confirmed contract has got (C3).',
  valuesConfig: {
    NOT_DELIVERED: { description: 'Nothing delivered yet.' },
    PARTIAL: { description: 'Part delivered.' },
    DELIVERED: { description: 'Everything delivered.' },
  } satisfies Record<DeliveryStatus, { description: string }>,
});

/** The orders of the contracts list. */
export enum ContractOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  SIGN_DATE = 'SIGN_DATE',
}
registerEnumType(ContractOrder, {
  name: 'ContractOrder',
  description: 'The order of the contracts list.',
  valuesConfig: {
    NEWEST_FIRST: { description: 'Most recently reserved first (the default).' },
    SIGN_DATE: { description: 'Latest sign date first; contracts without one last.' },
  },
});

/** The buyer block of a contract (C2). */
@ObjectType({ description: 'The buyer as written on the contract (C2); every field is required before confirmation.' })
export class Buyer {
  @Field(() => String, { nullable: true, description: 'The buyer’s registered name.' }) name!: string | null;
  @Field(() => String, { nullable: true, description: 'The buyer’s address.' }) address!: string | null;
  @Field(() => String, { nullable: true, description: 'Unified social credit code (统一社会信用代码): 15–20 digits or capital letters.' }) taxId!:
    string | null;
  @Field(() => String, { nullable: true, description: 'The buyer’s contact person.' }) contactName!: string | null;
  @Field(() => String, { nullable: true, description: 'The buyer’s phone, normalised like a customer phone (E5).' }) phone!: string | null;
}

/** A product line; resolvers return `ContractLineRow`s for it. */
@ObjectType({ description: 'A product line of a contract (添加产品); amount = quantity × unitPrice × (1 − discount), to the cent.' })
export class ContractLine {
  @Field(() => ID, { description: 'The line’s id: pass it to removeContractLine.' }) id!: string;
  @Field(() => String, { description: 'What is sold: the given description, else the product’s name.' }) description!: string;
  @Field(() => DecimalScalar, { description: 'Quantity, above zero, at most 3 decimals.' }) quantity!: string;
  @Field(() => DecimalScalar, { description: 'Price per unit, 2 decimals.' }) unitPrice!: string;
  @Field(() => DecimalScalar, { description: 'A rate: "0.1" = 10 % off; "0" for none.' }) discount!: string;
  @Field(() => DecimalScalar, { description: 'The line amount, computed by the server, 2 decimals.' }) amount!: string;
  productId!: string | null;
}

/** A payment; resolvers return `PaymentRow`s for it. */
@ObjectType({ description: 'C3: a payment (回款) against a contract.' })
export class Payment {
  @Field(() => ID, { description: 'The payment’s id.' }) id!: string;
  @Field(() => DecimalScalar, { description: 'The amount paid, 2 decimals.' }) amount!: string;
  @Field(() => Date, { description: 'When the money arrived.' }) paidAt!: Date;
  @Field(() => PaymentMethodEnum, { description: 'How it was paid.' }) method!: PaymentMethod;
  @Field(() => String, { nullable: true, description: 'The account paid from or into; null when not given.' }) account!: string | null;
  @Field(() => String, { nullable: true, description: 'A free note; null when none.' }) note!: string | null;
  @Field(() => Date, { description: 'When it was recorded.' }) createdAt!: Date;
  handlerId!: string | null;
}

const BEFORE_CONFIRM = 'required before confirmation (C2)';

/** A contract under the contract machine; resolvers return `ContractRow`s for it. */
@ObjectType({
  description:
    'C2: a contract, reserved → draft → confirmed → settled (or voided, terminated; over the customer’s credit limit, draft → creditReview → confirmed by an approved CREDIT application, V5). Contracts are customer details (P8): FORBIDDEN unless you may see the customer’s details.',
})
export class Contract extends WorkflowEntity {
  @Field(() => String, { description: 'The contract number, e.g. HT-2026-000123: reserved from a sequence, never reused, even when voided (C4).' })
  number!: string;
  @Field(() => String, { nullable: true, description: `The contract type (free text, e.g. 销售合同); ${BEFORE_CONFIRM}.` }) type!: string | null;
  @Field(() => String, { nullable: true, description: `The sign date, YYYY-MM-DD; ${BEFORE_CONFIRM}.` }) signDate!: string | null;
  @Field(() => PaymentMethodEnum, { nullable: true, description: `How the buyer pays; ${BEFORE_CONFIRM}.` }) paymentMethod!: PaymentMethod | null;
  @Field(() => Buyer, { nullable: true, description: `The buyer; ${BEFORE_CONFIRM}. Null until filled in.` }) buyer!: Buyer | null;
  @Field(() => String, { nullable: true, description: `The first day, YYYY-MM-DD; ${BEFORE_CONFIRM}.` }) startDate!: string | null;
  @Field(() => String, { nullable: true, description: `The last day, YYYY-MM-DD, not before startDate; ${BEFORE_CONFIRM}.` }) endDate!: string | null;
  @Field(() => String, { nullable: true, description: `The terms (free text); ${BEFORE_CONFIRM}.` }) terms!: string | null;
  @Field(() => String, { nullable: true, description: `Every gift or promise to the customer (附加及其他, C2), or 无; ${BEFORE_CONFIRM}.` }) commitments!:
    string | null;
  @Field(() => DecimalScalar, { description: 'The exact sum of the lines’ amounts, computed by the server; must be above zero to confirm.' }) total!: string;
  @Field(() => DecimalScalar, { description: 'The sum of the recorded payments (C3).' }) paidAmount!: string;
  @Field(() => DecimalScalar, { description: 'What is still to be paid: total − paidAmount.' }) outstandingAmount!: string;
  @Field(() => DeliveryStatusEnum, { description: 'How far delivery has got (C3).' }) deliveryStatus!: DeliveryStatus;
  @Field(() => Date, { nullable: true, description: 'When it was confirmed (C2); null before.' }) confirmedAt!: Date | null;
  @Field(() => Date, { description: 'When its number was reserved.' }) createdAt!: Date;
  customerId!: string;
}

/** A page of contracts. */
@ObjectType({ description: 'A page of contracts (Relay connection), in the order asked for.' })
export class ContractConnection extends Connection(Contract, 'contracts') {}
