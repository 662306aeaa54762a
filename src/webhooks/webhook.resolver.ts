import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { WebhookDeliveryRow, WebhookRow } from '../platform/db/schema.js';
import { ConnectionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { asIs, toConnection, type ConnectionOf } from '../platform/graphql/relay.js';
import type { WebhookService } from './webhook.service.js';
import { CreateWebhookInput, UpdateWebhookInput, Webhook, WebhookConnection, WebhookDeliveryConnection } from './webhook.type.js';

/** The services this resolver uses, injected by the composition root (src/schema.ts). */
export interface WebhookResolverServices {
  webhooks: WebhookService;
}

const ID_ARG = 'The webhook’s id.';

/** Issue 16 §5: webhooks, for administrators. */
@Resolver(() => Webhook)
export class WebhookResolver {
  constructor(private readonly services: WebhookResolverServices) {}

  @Authorized('ADMIN')
  @Query(() => WebhookConnection, { description: 'Every webhook, newest first. ADMIN only.' })
  async webhooks(@Args(() => ConnectionArgs) page: ConnectionArgs): Promise<ConnectionOf<WebhookRow>> {
    return toConnection(await this.services.webhooks.list(page), asIs, page);
  }

  @Authorized('ADMIN')
  @Query(() => WebhookDeliveryConnection, { description: 'A webhook’s deliveries, newest first, with how their attempts went. ADMIN only.' })
  async webhookDeliveries(
    @Arg('webhookId', () => ID, { description: ID_ARG }) webhookId: string,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
  ): Promise<ConnectionOf<WebhookDeliveryRow>> {
    return toConnection(await this.services.webhooks.deliveries(webhookId, page), asIs, page);
  }

  @Authorized('ADMIN')
  @Mutation(() => Webhook, {
    description:
      'Registers an endpoint for events: each is POSTed as JSON `{ id, event, occurredAt, data }` with X-Custodian-Signature (sha256 HMAC of the body) and Idempotency-Key headers, after its transaction committed, at least once. ADMIN only.',
  })
  createWebhook(
    @Arg('input', () => CreateWebhookInput, { description: 'The URL, events and secret.' }) input: CreateWebhookInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookRow> {
    return this.services.webhooks.create(viewerOf(ctx), input);
  }

  @Authorized('ADMIN')
  @Mutation(() => Webhook, { description: 'Changes a webhook’s URL, events or secret, or enables or disables it. ADMIN only.' })
  updateWebhook(
    @Arg('id', () => ID, { description: ID_ARG }) id: string,
    @Arg('input', () => UpdateWebhookInput, { description: 'The fields to change.' }) input: UpdateWebhookInput,
  ): Promise<WebhookRow> {
    return this.services.webhooks.update(id, input);
  }

  @Authorized('ADMIN')
  @Mutation(() => Webhook, { description: 'Disables a webhook: no new deliveries are written for it (it is kept, with its deliveries). ADMIN only.' })
  disableWebhook(@Arg('id', () => ID, { description: ID_ARG }) id: string): Promise<WebhookRow> {
    return this.services.webhooks.update(id, { active: false });
  }
}
