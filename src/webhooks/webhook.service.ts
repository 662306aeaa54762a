/**
 * Webhooks (issue 16 §5), kept by administrators: which URL receives which events, signed with
 * which secret. Deliveries are written by a transition listener in the transaction of their
 * cause (webhook.events.ts) and sent by the worker (webhook.worker.ts); this service also lists
 * them. A webhook is disabled, never deleted.
 */
import { and, count, eq, sql } from 'drizzle-orm';
import type { Database } from '../platform/db/client.js';
import { webhookDeliveries, webhooks, type WebhookDeliveryRow, type WebhookRow } from '../platform/db/schema.js';
import type { Viewer } from '../platform/auth/viewer.js';
import { NotFoundError, ValidationError } from '../platform/errors.js';
import { keyset, pageSize, toPage, type Page, type PageArgs } from '../platform/pagination.js';
import type { Clock } from '../platform/clock.js';
import type { WorkflowEngine } from '../workflow/engine.js';
import { eventsCausedBy, writeDeliveries, type WebhookEvent } from './webhook.events.js';
import { refuseWebhookUrl } from './webhook.url.js';

/** How deliveries are made (configuration: WEBHOOK_* variables). */
export interface WebhookSettings {
  /** Allow loopback, private and link-local addresses (tests, closed networks). */
  allowPrivate: boolean;
  /** Attempts before a delivery is marked failed. */
  maxAttempts: number;
  /** The wait before the first retry; each further retry waits twice as long, up to `maxRetryMs`. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** How long one attempt may take. */
  timeoutMs: number;
}

export const SECRET_LENGTH = { min: 16, max: 256 } as const;
const URL_MAX = 2_048;

export interface WebhookInput {
  url?: string | null;
  events?: WebhookEvent[] | null;
  secret?: string | null;
  active?: boolean | null;
}

const WEBHOOK_ORDER = keyset<WebhookRow>(
  [
    { expr: webhooks.createdAt, value: (r) => r.createdAt },
    { expr: webhooks.id, value: (r) => r.id },
  ],
  true,
);
const DELIVERY_ORDER = keyset<WebhookDeliveryRow>(
  [
    { expr: webhookDeliveries.createdAt, value: (r) => r.createdAt },
    { expr: webhookDeliveries.id, value: (r) => r.id },
  ],
  true,
);

export class WebhookService {
  /** The events some active webhook wants: only their transitions take a listener's transaction. */
  private wanted = new Set<WebhookEvent>();

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    readonly settings: WebhookSettings,
  ) {}

  /** Writes deliveries in the transaction of each transition some active webhook wants. */
  listenTo(engine: WorkflowEngine, workflows: Record<'customer' | 'application' | 'contract', { name: string }>): void {
    for (const [workflow, def] of Object.entries(workflows)) {
      engine.onTransition(def, {
        events: (event) => eventsCausedBy(workflow, event).some((name) => this.wanted.has(name)),
        written: async (tx, moved) => void (await writeDeliveries(tx, workflow, moved.event, moved.historyIds)),
      });
    }
  }

  /** Reloads which events active webhooks want (at start, and when any process changed a webhook). */
  async refresh(): Promise<void> {
    const rows = await this.database.db.select({ events: webhooks.events }).from(webhooks).where(eq(webhooks.active, true));
    // Stored through the WebhookEvent enum only.
    this.wanted = new Set(rows.flatMap((r) => r.events as WebhookEvent[]));
  }

  async create(viewer: Viewer, input: Required<Pick<WebhookInput, 'url' | 'events' | 'secret'>>): Promise<WebhookRow> {
    await this.check(input);
    const [row] = await this.database.db
      .insert(webhooks)
      .values({ url: input.url!, events: [...new Set(input.events!)], secret: input.secret!, createdById: viewer.id })
      .returning();
    await this.refresh();
    return row!;
  }

  async update(id: string, input: WebhookInput): Promise<WebhookRow> {
    await this.get(id);
    await this.check(input);
    const [row] = await this.database.db
      .update(webhooks)
      .set({
        ...(input.url != null && { url: input.url }),
        ...(input.events != null && { events: [...new Set(input.events)] }),
        ...(input.secret != null && { secret: input.secret }),
        ...(input.active != null && { active: input.active }),
        version: sql`${webhooks.version} + 1`,
        updatedAt: this.clock(),
      })
      .where(eq(webhooks.id, id))
      .returning();
    await this.refresh();
    return row!;
  }

  async get(id: string): Promise<WebhookRow> {
    const [row] = await this.database.db.select().from(webhooks).where(eq(webhooks.id, id));
    if (!row) throw new NotFoundError('Webhook', id);
    return row;
  }

  async list(args: PageArgs): Promise<Page<WebhookRow>> {
    const limit = pageSize(args.first);
    const rows = await this.database.db
      .select()
      .from(webhooks)
      .where(WEBHOOK_ORDER.after(args.after))
      .orderBy(...WEBHOOK_ORDER.orderBy)
      .limit(limit + 1);
    return toPage(rows, limit, WEBHOOK_ORDER.cursor, async () => (await this.database.db.select({ n: count() }).from(webhooks))[0]?.n ?? 0);
  }

  /** A webhook's deliveries, newest first. */
  async deliveries(webhookId: string, args: PageArgs): Promise<Page<WebhookDeliveryRow>> {
    await this.get(webhookId);
    const limit = pageSize(args.first);
    const mine = eq(webhookDeliveries.webhookId, webhookId);
    const rows = await this.database.db
      .select()
      .from(webhookDeliveries)
      .where(and(mine, DELIVERY_ORDER.after(args.after)))
      .orderBy(...DELIVERY_ORDER.orderBy)
      .limit(limit + 1);
    return toPage(
      rows,
      limit,
      DELIVERY_ORDER.cursor,
      async () => (await this.database.db.select({ n: count() }).from(webhookDeliveries).where(mine))[0]?.n ?? 0,
    );
  }

  /** Every problem of an input at once, per field (nothing is written when there is one). */
  private async check(input: WebhookInput): Promise<void> {
    const problems: Record<string, string> = {};
    if (input.url != null) {
      const why = input.url.length > URL_MAX ? `must be at most ${URL_MAX} characters` : await refuseWebhookUrl(input.url, this.settings.allowPrivate);
      if (why) problems['input.url'] = why;
    }
    if (input.events != null && input.events.length === 0) problems['input.events'] = 'must name at least one event';
    if (input.secret != null && (input.secret.length < SECRET_LENGTH.min || input.secret.length > SECRET_LENGTH.max)) {
      problems['input.secret'] = `must be ${SECRET_LENGTH.min} to ${SECRET_LENGTH.max} characters`;
    }
    if (Object.keys(problems).length > 0) throw new ValidationError(problems);
  }
}
