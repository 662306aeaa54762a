/**
 * Sends webhook deliveries after their transactions committed, never inside one: at least once
 * (a delivery stays PENDING until an endpoint answers 2xx), signed (`X-Custodian-Signature:
 * sha256=<hex HMAC-SHA256 of the raw body>`), with the event's id as `Idempotency-Key` so a
 * receiver can drop repeats. A failure waits exponentially longer (first retry, doubling, up to
 * the maximum), then the delivery is marked FAILED. Each endpoint has at most two deliveries in
 * flight and each attempt a timeout, so a slow or failing endpoint delays neither the others nor
 * the API. Several processes may run workers: a claimed delivery is leased to one of them.
 */
import { createHmac } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../platform/db/client.js';
import { anyUuid } from '../platform/db/sql.js';
import { webhookDeliveries, webhooks, type WebhookDeliveryRow } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import type { WebhookSettings } from './webhook.service.js';
import { resolvesPrivate } from './webhook.url.js';

/** Deliveries in flight per endpoint, and in all, per process. */
const PER_ENDPOINT = 2;
const IN_FLIGHT = 32;

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

type Claimed = WebhookDeliveryRow & { url: string; secret: string };

export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<string, Promise<void>>();
  private ticking: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
  ) {}

  /** Looks for due deliveries every `pollMs` (and at once when told, see `kick`); 0: never by itself. */
  start(pollMs: number): void {
    if (pollMs > 0) this.timer = setInterval(() => this.kick(), pollMs).unref();
  }

  /** Looks for due deliveries now (new ones were written, by this process or another). */
  kick(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error({ err }, 'webhook worker failed'))
      .finally(() => {
        this.ticking = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Sends what is due now, again until nothing due is left, waiting for every attempt (tests). */
  async drain(): Promise<void> {
    for (;;) {
      await this.ticking;
      const claimed = await this.tick();
      await Promise.all(this.inFlight.values());
      if (claimed === 0) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([this.ticking, ...this.inFlight.values()]);
  }

  /** Claims and starts what is due (without waiting for the attempts); returns how many. */
  private async tick(): Promise<number> {
    const room = IN_FLIGHT - this.inFlight.size;
    if (room <= 0) return 0;
    const claimed = await this.claim(room);
    for (const delivery of claimed) {
      const attempt = this.send(delivery).finally(() => {
        this.inFlight.delete(delivery.id);
        // An endpoint's next delivery may be waiting for this one's place.
        this.kick();
      });
      this.inFlight.set(delivery.id, attempt);
    }
    return claimed.length;
  }

  /** Leases up to `limit` due deliveries of active webhooks, at most PER_ENDPOINT per endpoint (counting those in flight). */
  private async claim(limit: number): Promise<Claimed[]> {
    const now = this.clock().toISOString();
    const leaseEnd = new Date(this.clock().getTime() + this.settings.timeoutMs + 30_000).toISOString();
    const d = webhookDeliveries;
    const rows = await this.database.rows<{ id: string }>(
      this.database.db,
      sql`with due as (
        select ${d.id} as id, row_number() over (partition by ${d.webhookId} order by ${d.nextAttemptAt}, ${d.createdAt}) as n,
          (select count(*) from ${d} busy where busy.webhook_id = ${d.webhookId} and busy.status = 'PENDING' and busy.leased_until > ${now}::timestamptz) as busy
        from ${d} join ${webhooks} w on w.id = ${d.webhookId} and w.active
        where ${d.status} = 'PENDING' and ${d.nextAttemptAt} <= ${now}::timestamptz and (${d.leasedUntil} is null or ${d.leasedUntil} <= ${now}::timestamptz)
      ), chosen as (
        select ${d.id} from ${d} where ${d.id} in (select id from due where n + busy <= ${PER_ENDPOINT}) limit ${limit} for update skip locked
      )
      update ${d} set leased_until = ${leaseEnd}::timestamptz from chosen where ${d.id} = chosen.id returning ${d.id} as id`,
    );
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const claimed = await this.database.db
      .select({ delivery: webhookDeliveries, url: webhooks.url, secret: webhooks.secret })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(anyUuid(webhookDeliveries.id, ids));
    return claimed.map((c) => ({ ...c.delivery, url: c.url, secret: c.secret }));
  }

  /** One attempt, then its outcome recorded (the lease ends either way). */
  private async send(delivery: Claimed): Promise<void> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      await this.refusePrivate(delivery.url);
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Custodian-Webhooks/1',
          'idempotency-key': delivery.eventId,
          'x-custodian-event': delivery.event,
          'x-custodian-delivery': delivery.id,
          'x-custodian-signature': signature(delivery.secret, delivery.body),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
      if (status < 200 || status >= 300) error = `answered ${status}`;
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    await this.record(delivery, status, error);
  }

  /** The address a name resolves to now must still be allowed (a name may have been pointed inside since it was saved). */
  private async refusePrivate(url: string): Promise<void> {
    const host = new URL(url).hostname;
    if (!this.settings.allowPrivate && (await resolvesPrivate(host))) throw new Error(`${host} resolves to an address webhooks may not reach`);
  }

  private async record(delivery: Claimed, status: number | null, error: string | null): Promise<void> {
    const now = this.clock();
    const attempts = delivery.attempts + 1;
    const delivered = error === null;
    const failed = !delivered && attempts >= this.settings.maxAttempts;
    const wait = Math.min(this.settings.firstRetryMs * 2 ** (attempts - 1), this.settings.maxRetryMs);
    if (!delivered)
      this.logger.warn(
        { webhookId: delivery.webhookId, delivery: delivery.id, attempts, error },
        failed ? 'webhook delivery failed' : 'webhook delivery will be retried',
      );
    await this.database.db
      .update(webhookDeliveries)
      .set({
        attempts,
        status: delivered ? 'DELIVERED' : failed ? 'FAILED' : 'PENDING',
        lastStatusCode: status,
        lastError: error?.slice(0, 500) ?? null,
        leasedUntil: null,
        deliveredAt: delivered ? now : null,
        nextAttemptAt: delivered || failed ? now : new Date(now.getTime() + wait),
      })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, 'PENDING')));
  }
}
