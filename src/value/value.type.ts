/** Customer value (V1–V3) in GraphQL: per customer, and the manager's summaries as plain series. */
import { enumValues } from '../platform/graphql/enum-values.js';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LOYALTY_STAGES, TIERS, VALUE_CLASSES, type LoyaltyStage, type Tier, type ValueClass } from './value.service.js';

export const ValueClassEnum = enumValues(VALUE_CLASSES);
registerEnumType(ValueClassEnum, {
  name: 'ValueClass',
  description: 'V1: a buying customer’s class by revenue in the value window (policy `value`).',
  valuesConfig: {
    A: { description: '金牌: among the top `value.goldShare` (5 %) of buyers by revenue in the window.' },
    B: { description: 'The rest of the buyers.' },
    C: { description: 'Drag: no confirmed contract for `value.dragAfter` (a year), or only lost (voided) bids.' },
  } satisfies Record<ValueClass, { description: string }>,
});

export const TierEnum = enumValues(TIERS);
registerEnumType(TierEnum, {
  name: 'Tier',
  description: 'V2: the tier of the value pyramid a customer’s revenue in the window earns (thresholds: policy `value.tiers`).',
  valuesConfig: {
    VIP: { description: 'VIP客户: revenue at least `value.tiers.VIP`.' },
    MAJOR: { description: '主要客户: at least `value.tiers.MAJOR`.' },
    ORDINARY: { description: '普通客户: at least `value.tiers.ORDINARY`.' },
    SMALL: { description: '小客户: a buyer below that.' },
  } satisfies Record<Tier, { description: string }>,
});

export const LoyaltyEnum = enumValues(LOYALTY_STAGES);
registerEnumType(LoyaltyEnum, {
  name: 'LoyaltyStage',
  description: 'V3: how far a customer has come from first interest to partnership.',
  valuesConfig: {
    POTENTIAL: { description: 'No purchase yet.' },
    FIRST_PURCHASE: { description: 'One confirmed contract.' },
    REPEAT: { description: 'Two or more.' },
    ADVOCATE: { description: 'A repeat buyer that referred at least `value.advocateReferrals` customers.' },
    PARTNER: { description: 'Purchases in at least `value.partnerYears` different calendar years.' },
  } satisfies Record<LoyaltyStage, { description: string }>,
});

@ObjectType({ description: 'A customer’s value (V1–V3), from its confirmed contracts (a terminated one counts what was paid) and payments.' })
export class CustomerValueFigures {
  @Field(() => ID, { description: 'The customer.' }) customerId!: string;
  @Field(() => String, { description: 'Lifetime value: revenue to date, yuan.' }) revenue!: string;
  @Field(() => String, { description: 'Revenue in the value window (policy `value.window`, a year back from now), yuan.' }) windowRevenue!: string;
  @Field(() => String, { description: 'Payments received in the window, yuan.' }) windowPayments!: string;
  @Field(() => String, { description: 'What it owes now on confirmed contracts (totals less payments), yuan; its credit limit (V5) caps this.' })
  outstanding!: string;
  @Field(() => Int, { description: 'Confirmed contracts to date.' }) purchases!: number;
  @Field(() => Date, { nullable: true, description: 'The first confirmation; null before a purchase.' }) firstPurchaseAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'The latest confirmation; null before a purchase.' }) lastPurchaseAt!: Date | null;
  @Field(() => Float, { nullable: true, description: 'Average days between purchases; null with fewer than two.' }) averageIntervalDays!: number | null;
  @Field(() => Int, { description: 'Customers recorded as referred by this one (`referredById`).' }) referrals!: number;
  @Field(() => ValueClassEnum, { nullable: true, description: 'Its class (V1); null for a customer that never bid.' }) valueClass!: ValueClass | null;
  @Field(() => TierEnum, { nullable: true, description: 'Its tier (V2); null before a purchase.' }) tier!: Tier | null;
  @Field(() => LoyaltyEnum, { description: 'Its loyalty stage (V3).' }) loyalty!: LoyaltyStage;
}

@ObjectType({ description: 'How many customers are in a class or tier, and their revenue in the window.' })
export class ValueGroup {
  @Field(() => String, { description: 'The class (A, B, C) or tier (VIP, MAJOR, ORDINARY, SMALL).' }) label!: string;
  @Field(() => Int, { description: 'Customers in it.' }) count!: number;
  @Field(() => String, { description: 'Their revenue in the window, yuan.' }) amount!: string;
}

@ObjectType({ description: 'A point of the Pareto curve: the top share of buyers and the share of revenue they bring.' })
export class ParetoPoint {
  @Field(() => Float, { description: 'The share of buyers, largest first (0.05, 0.10 … 1).' }) customerShare!: number;
  @Field(() => Float, { description: 'The share of the window’s revenue those buyers brought.' }) revenueShare!: number;
}

@ObjectType({ description: 'V1: the value classes in the window, with the Pareto curve and the repurchase rate, over your reach.' })
export class ValueClassReport {
  @Field(() => Date, { description: 'The window’s start.' }) windowStart!: Date;
  @Field(() => Date, { description: 'The window’s end (now).' }) windowEnd!: Date;
  @Field(() => [ValueGroup], { description: 'A, B and C with their customers and revenue.' }) classes!: ValueGroup[];
  @Field(() => [ParetoPoint], { description: 'Cumulative revenue share by buyer rank, one point per 5 % of buyers in the window.' }) pareto!: ParetoPoint[];
  @Field(() => Float, { nullable: true, description: 'V3: the share of buyers that bought more than once; null without buyers.' })
  repurchaseRate!: number | null;
}

export enum ValueRankingOrder {
  REVENUE = 'REVENUE',
  WINDOW_REVENUE = 'WINDOW_REVENUE',
}
registerEnumType(ValueRankingOrder, {
  name: 'ValueRankingOrder',
  description: 'What the value ranking orders by.',
  valuesConfig: {
    REVENUE: { description: 'Lifetime revenue (V3).' },
    WINDOW_REVENUE: { description: 'Revenue in the value window (V1).' },
  },
});
