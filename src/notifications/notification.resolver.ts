import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { NotificationRow } from '../platform/db/schema.js';
import { ConnectionArgs } from '../platform/graphql/args.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { asIs, toConnection, type ConnectionOf } from '../platform/graphql/relay.js';
import { MAX_MARK_IDS, type NotificationService } from './notification.service.js';
import { Notification, NotificationConnection } from './notification.type.js';

/** The services this resolver uses, injected by the composition root (src/schema.ts). */
export interface NotificationResolverServices {
  notifications: NotificationService;
}

/** N1: the viewer's inbox. */
@Resolver(() => Notification)
export class NotificationResolver {
  constructor(private readonly services: NotificationResolverServices) {}

  @Authorized()
  @Query(() => NotificationConnection, { description: 'N1: the viewer’s notifications, newest first.' })
  async notifications(
    @Arg('unreadOnly', () => Boolean, { nullable: true, description: 'true: only unread ones. Default: all.' }) unreadOnly: boolean | null,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionOf<NotificationRow>> {
    return toConnection(await this.services.notifications.list(viewerOf(ctx), { ...page, unreadOnly }), asIs, page);
  }

  @Authorized()
  @Query(() => Int, { description: 'N1: how many of the viewer’s notifications are unread (a badge).' })
  unreadNotificationCount(@Ctx() ctx: Context): Promise<number> {
    return this.services.notifications.unreadCount(viewerOf(ctx));
  }

  @Authorized()
  @Mutation(() => [Notification], {
    description: `N1: marks these of the viewer’s notifications read (at most ${MAX_MARK_IDS}); an id that is not the viewer’s refuses them all (BAD_USER_INPUT naming it), nothing written.`,
  })
  markNotificationsRead(
    @Arg('ids', () => [ID], { description: 'Ids of the viewer’s notifications; ones already read stay as they were.' }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<NotificationRow[]> {
    return this.services.notifications.markRead(viewerOf(ctx), ids);
  }

  @Authorized()
  @Mutation(() => Int, { description: 'N1: marks every unread notification of the viewer read; returns how many there were.' })
  markAllNotificationsRead(@Ctx() ctx: Context): Promise<number> {
    return this.services.notifications.markAllRead(viewerOf(ctx));
  }
}
