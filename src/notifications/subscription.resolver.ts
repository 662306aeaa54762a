/**
 * Issue 16 §4: what people see live (GraphQL subscriptions over WebSocket, see
 * platform/graphql/subscriptions.ts). Each stream is the database's announcements after commit
 * (platform/events/announcements.ts), kept to what the viewer may see and read again through the
 * same services as queries, so a subscriber sees the same record a query would.
 */
import { Arg, Authorized, Ctx, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { ApplicationRow, CustomerRow, NotificationRow } from '../platform/db/schema.js';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import type { Announcement } from '../platform/events/announcements.js';
import type { Viewer } from '../platform/auth/viewer.js';
import { Application } from '../applications/application.type.js';
import type { ApplicationService } from '../applications/application.service.js';
import { Customer } from '../customers/customer.type.js';
import type { CustomerService } from '../customers/customer.service.js';
import type { NotificationService } from './notification.service.js';
import { Notification } from './notification.type.js';

/** The services this resolver uses, injected by the composition root (src/schema.ts). */
export interface SubscriptionResolverServices {
  notifications: NotificationService;
  applications: ApplicationService;
  customers: CustomerService;
}

/** An application that entered, moved in or left an audit queue. */
@ObjectType({ description: 'An application that entered, moved in or left an audit queue of one of the viewer’s roles.' })
export class ApplicationQueueChange {
  @Field(() => Application, { description: 'The application as it is now (its state tells whether it is still pending).' })
  application!: ApplicationRow;
}

type Data = SubscribeResolverData<unknown, Record<string, unknown>, Context>;

/** The announcements of one type the viewer may receive, as an async iterator (NOT a plain filter: `accept` may read). */
function announced<T>(data: Data, type: string, accept: (a: Announcement, viewer: Viewer) => Promise<T | undefined> | T | undefined) {
  const viewer = viewerOf(data.context);
  const announcements = data.context.announcements;
  if (!announcements) throw new Error('subscriptions are served over WebSocket only');
  return announcements.stream((a) => (a.type === type ? accept(a, viewer) : undefined));
}

/** The roles an application's announcement concerns: its current step's role, and the one it had before. */
const rolesOf = (a: Announcement) => [a.role, a.previousRole].filter((r): r is string => typeof r === 'string');

@Resolver()
export class SubscriptionResolver {
  constructor(private readonly services: SubscriptionResolverServices) {}

  @Authorized()
  @Subscription(() => Notification, {
    description: 'N1: each notification written for the viewer, after its cause committed (on any API instance).',
    subscribe: (data: Data) => announced(data, 'notification', (a, viewer) => (a.recipientId === viewer.id ? a.id : undefined)),
  })
  async notificationAdded(@Root() id: string, @Ctx() ctx: Context): Promise<NotificationRow> {
    const row = await this.services.notifications.own(viewerOf(ctx), id);
    if (!row) throw new Error(`notification ${id} is not the viewer's`);
    return row;
  }

  @Authorized()
  @Subscription(() => ApplicationQueueChange, {
    description:
      'A1–A3: an application entered, moved in or left the audit queue of one of the viewer’s roles (submitted, decided, withdrawn, lapsed), after commit.',
    subscribe: (data: Data) => announced(data, 'application', (a, viewer) => (rolesOf(a).some((r) => viewer.roles.some((v) => v === r)) ? a.id : undefined)),
  })
  async applicationQueueChanged(@Root() id: string, @Ctx() ctx: Context): Promise<ApplicationQueueChange> {
    const row = await this.services.applications.get(id);
    this.services.applications.requireSee(viewerOf(ctx), row);
    return { application: row };
  }

  @Authorized()
  @Subscription(() => Customer, {
    description:
      'The customer after each change of its state, version or custodian, after commit; to whoever may read it (details per P8, as in the customer query).',
    subscribe: (data: Data) => announced(data, 'customer', (a) => (a.id === data.args.id ? a.id : undefined)),
  })
  async customerChanged(@Arg('id', () => ID, { description: 'The customer’s id.' }) _id: string, @Root() id: string): Promise<CustomerRow> {
    return this.services.customers.get(id);
  }
}
