import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DELIVERY_STATUSES, PAYMENT_METHODS, type DeliveryStatus, type PaymentMethod } from '../platform/db/schema.js';
import { DecimalScalar } from '../platform/graphql/decimal.scalar.js';
import { Connection } from '../platform/graphql/relay.js';

export const PaymentMethodEnum = Object.fromEntries(PAYMENT_METHODS.map((k) => [k, k])) as { [K in PaymentMethod]: K };
registerEnumType(PaymentMethodEnum, { name: 'PaymentMethod' });
export const DeliveryStatusEnum = Object.fromEntries(DELIVERY_STATUSES.map((k) => [k, k])) as { [K in DeliveryStatus]: K };
registerEnumType(DeliveryStatusEnum, { name: 'DeliveryStatus' });

export enum ContractOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  SIGN_DATE = 'SIGN_DATE',
}
registerEnumType(ContractOrder, { name: 'ContractOrder' });

@ObjectType()
export class Buyer {
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) address!: string | null;
  @Field(() => String, { nullable: true, description: '统一社会信用代码' }) taxId!: string | null;
  @Field(() => String, { nullable: true }) contactName!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
}

@ObjectType()
export class Product {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String) unit!: string;
  @Field(() => DecimalScalar) listPrice!: string;
  @Field(() => Boolean) active!: boolean;
  @Field(() => Int) version!: number;
}

@ObjectType()
export class ProductConnection extends Connection(Product) {}

@ObjectType({ description: 'A product line; amount = quantity × unitPrice × (1 − discount), to the cent.' })
export class ContractLine {
  @Field(() => ID) id!: string;
  @Field(() => String) description!: string;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar) unitPrice!: string;
  @Field(() => DecimalScalar, { description: 'A rate: "0.1" = 10 % off.' }) discount!: string;
  @Field(() => DecimalScalar) amount!: string;
  productId!: string | null;
}

@ObjectType({ description: 'C3: a payment (回款).' })
export class Payment {
  @Field(() => ID) id!: string;
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => Date) paidAt!: Date;
  @Field(() => PaymentMethodEnum) method!: PaymentMethod;
  @Field(() => String, { nullable: true }) account!: string | null;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => Date) createdAt!: Date;
  handlerId!: string | null;
}

@ObjectType({ description: 'C2: a contract, reserved → draft → confirmed → settled.' })
export class Contract {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Reserved from a sequence, never reused (C4).' }) number!: string;
  @Field(() => String) state!: string;
  @Field(() => Int) version!: number;
  @Field(() => Int, { description: 'The machine version this contract runs on (P11).' }) machineVersion!: number;
  @Field(() => String, { nullable: true }) type!: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) signDate!: string | null;
  @Field(() => PaymentMethodEnum, { nullable: true }) paymentMethod!: PaymentMethod | null;
  @Field(() => Buyer, { nullable: true }) buyer!: Buyer | null;
  @Field(() => String, { nullable: true }) startDate!: string | null;
  @Field(() => String, { nullable: true }) endDate!: string | null;
  @Field(() => String, { nullable: true }) terms!: string | null;
  @Field(() => String, { nullable: true, description: 'Every gift or promise to the customer (C2).' }) commitments!: string | null;
  @Field(() => DecimalScalar, { description: 'Computed by the server from the lines.' }) total!: string;
  @Field(() => DecimalScalar) paidAmount!: string;
  @Field(() => DecimalScalar) outstandingAmount!: string;
  @Field(() => DeliveryStatusEnum) deliveryStatus!: DeliveryStatus;
  @Field(() => Date, { nullable: true }) confirmedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  customerId!: string;
}

@ObjectType()
export class ContractConnection extends Connection(Contract) {}

@InputType()
export class BuyerInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) address?: string | null;
  @Field(() => String, { nullable: true }) taxId?: string | null;
  @Field(() => String, { nullable: true }) contactName?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
}

@InputType({ description: 'Only the fields given change.' })
export class ContractInput {
  @Field(() => String, { nullable: true }) type?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) signDate?: string | null;
  @Field(() => PaymentMethodEnum, { nullable: true }) paymentMethod?: PaymentMethod | null;
  @Field(() => BuyerInput, { nullable: true }) buyer?: BuyerInput | null;
  @Field(() => String, { nullable: true }) startDate?: string | null;
  @Field(() => String, { nullable: true }) endDate?: string | null;
  @Field(() => String, { nullable: true }) terms?: string | null;
  @Field(() => String, { nullable: true }) commitments?: string | null;
}

@InputType()
export class ContractLineInput {
  @Field(() => ID, { nullable: true, description: 'A catalogue product; or give a description.' }) productId?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => DecimalScalar) quantity!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Defaults to the product’s list price.' }) unitPrice?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'A rate from 0 to below 1.' }) discount?: string | null;
}

@InputType()
export class PaymentInput {
  @Field(() => DecimalScalar) amount!: string;
  @Field(() => Date) paidAt!: Date;
  @Field(() => PaymentMethodEnum) method!: PaymentMethod;
  @Field(() => String, { nullable: true }) account?: string | null;
  @Field(() => ID, { nullable: true, description: 'Who handled it; defaults to you.' }) handlerId?: string | null;
  @Field(() => String, { nullable: true }) note?: string | null;
}

@InputType()
export class ContractFilter {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => String, { nullable: true }) state?: string | null;
  @Field(() => String, { nullable: true, description: 'Sign date from (YYYY-MM-DD).' }) signedFrom?: string | null;
  @Field(() => String, { nullable: true }) signedTo?: string | null;
}

@InputType()
export class ProductInput {
  @Field(() => String, { nullable: true }) code?: string | null;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) unit?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) listPrice?: string | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
}

@InputType()
export class ProductFilter {
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
  @Field(() => String, { nullable: true }) keyword?: string | null;
}
