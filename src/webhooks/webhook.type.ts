import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from '../platform/db/schema.js';
import { Connection } from '../platform/graphql/relay.js';
import { WEBHOOK_EVENT_NAMES, type WebhookEvent } from './webhook.events.js';

export const WebhookEventEnum = Object.fromEntries(WEBHOOK_EVENT_NAMES.map((e) => [e, e])) as { [K in WebhookEvent]: K };
registerEnumType(WebhookEventEnum, {
  name: 'WebhookEvent',
  description: 'What a webhook can receive, named after its cause (a transition and its history row).',
  valuesConfig: {
    APPLICATION_SUBMITTED: { description: 'An application was made (A1): a PROTECTION with a new customer, an INTENT or an EXTENSION.' },
    APPLICATION_DECIDED: { description: 'An application was approved or rejected (A2, A3); `data.to` tells which, `data.reason` why.' },
    CUSTOMER_STATE_CHANGED: { description: 'A customer moved to another state (claimed, protected, intent, formal, back to the pool …).' },
    CUSTOMER_TRANSFERRED: { description: 'A customer was transferred to another custodian (P9); `data.payload.changes.custodianId` is [from, to].' },
    CONTRACT_CONFIRMED: { description: 'A contract was confirmed (C2); its customer becomes formal (P6).' },
    PAYMENT_RECORDED: { description: 'A payment was recorded on a contract (C3).' },
  } satisfies Record<WebhookEvent, { description: string }>,
});

export const WebhookDeliveryStatusEnum = Object.fromEntries(WEBHOOK_DELIVERY_STATUSES.map((s) => [s, s])) as { [K in WebhookDeliveryStatus]: K };
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not yet answered with 2xx: waiting for its first attempt or a retry (see nextAttemptAt).' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt the configuration allows failed (WEBHOOK_MAX_ATTEMPTS); lastError says why.' },
  } satisfies Record<WebhookDeliveryStatus, { description: string }>,
});

/** A webhook as the API shows it (never its secret); resolvers return `WebhookRow`s. */
@ObjectType({ simpleResolvers: true, description: 'An endpoint that receives events as signed JSON POSTs (ADMIN).' })
export class Webhook {
  @Field(() => ID, { description: 'The webhook’s id.' }) id!: string;
  @Field(() => String, { description: 'Where deliveries are POSTed (http or https).' }) url!: string;
  @Field(() => [WebhookEventEnum], { description: 'The events it receives.' }) events!: WebhookEvent[];
  @Field(() => Boolean, { description: 'Whether deliveries are written for it: false once disabled (waiting ones then wait).' }) active!: boolean;
  @Field(() => Int, { description: 'Grows by one with every change.' }) version!: number;
  @Field(() => Date, { description: 'When it was created.' }) createdAt!: Date;
  @Field(() => Date, { description: 'When it last changed.' }) updatedAt!: Date;
}

@ObjectType({ description: 'A page of webhooks, newest first (Relay connection).' })
export class WebhookConnection extends Connection(Webhook, 'webhooks') {}

/** One event for one webhook, and how sending it went. */
@ObjectType({ simpleResolvers: true, description: 'One event for one webhook: the body as sent and signed, and how its attempts went.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'The delivery’s id (the X-Custodian-Delivery header).' }) id!: string;
  @Field(() => WebhookEventEnum, { description: 'The event.' }) event!: WebhookEvent;
  @Field(() => String, { description: 'The event’s id: the body’s `id` and the Idempotency-Key header, the same on every attempt.' }) eventId!: string;
  @Field(() => String, { description: 'The JSON body exactly as sent: `{ id, event, occurredAt, data }`.' }) body!: string;
  @Field(() => WebhookDeliveryStatusEnum, { description: 'Where it stands.' }) status!: WebhookDeliveryStatus;
  @Field(() => Int, { description: 'Attempts made so far.' }) attempts!: number;
  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last answer; null when there was none (timeout, refused).' })
  lastStatusCode!: number | null;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' }) lastError!: string | null;
  @Field(() => Date, { description: 'When it is (or was last) due to be sent.' }) nextAttemptAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When an endpoint answered 2xx.' }) deliveredAt!: Date | null;
  @Field(() => Date, { description: 'When it was written, with its cause.' }) createdAt!: Date;
}

@ObjectType({ description: 'A page of a webhook’s deliveries, newest first (Relay connection).' })
export class WebhookDeliveryConnection extends Connection(WebhookDelivery, 'deliveries') {}

@InputType({ description: 'A new webhook: every field is required.' })
export class CreateWebhookInput {
  @Field(() => String, { description: 'An http(s) URL; loopback, private, link-local and metadata addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true.' })
  url!: string;
  @Field(() => [WebhookEventEnum], { description: 'The events it receives; at least one.' }) events!: WebhookEvent[];
  @Field(() => String, { description: 'The HMAC-SHA256 key of the X-Custodian-Signature header, 16 to 256 characters; never shown again.' })
  secret!: string;
}

@InputType({ description: 'Changes to a webhook: only the fields given change.' })
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true, description: 'A new URL (same rules as on creation).' }) url?: string | null;
  @Field(() => [WebhookEventEnum], { nullable: true, description: 'The new list of events; at least one.' }) events?: WebhookEvent[] | null;
  @Field(() => String, { nullable: true, description: 'A new secret, 16 to 256 characters (rotation: deliveries from now on use it).' })
  secret?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'false disables it, true enables it again.' }) active?: boolean | null;
}
