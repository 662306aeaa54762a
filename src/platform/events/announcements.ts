/**
 * Announcements: what the database says changed, for live subscriptions. Writers never call
 * this: triggers (migration 0016) `pg_notify` inside the writing transaction, which PostgreSQL
 * delivers after commit — to every process listening on the database, this one included — and
 * never for a rollback. So an event committed by any API process reaches the subscribers of all
 * of them; on the embedded database the same happens in-process.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';

export const ANNOUNCEMENTS_CHANNEL = 'custodian_events';

/** One announcement: its `type` (notification, customer, application), the record's id and a few columns. */
export interface Announcement {
  type: string;
  id: string;
  [column: string]: unknown;
}

/** Announcements a slow subscriber may have waiting before the oldest are dropped. */
const MAX_WAITING = 1_000;

export class Announcements {
  private readonly subscribers = new Set<(a: Announcement) => void>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  /** Starts listening (once the schema, with its triggers, is migrated). */
  async start(): Promise<void> {
    this.unlisten ??= await this.database.listen(ANNOUNCEMENTS_CHANNEL, (payload) => this.dispatch(payload));
  }

  async close(): Promise<void> {
    const stop = this.unlisten;
    this.unlisten = undefined;
    await stop?.().catch((err: unknown) => this.logger.warn({ err }, 'stopping announcements failed'));
  }

  private dispatch(payload: string): void {
    let announcement: Announcement;
    try {
      announcement = JSON.parse(payload) as Announcement; // written by our own trigger: an object with type and id
    } catch (err) {
      this.logger.warn({ err, payload }, 'unreadable announcement');
      return;
    }
    for (const subscriber of this.subscribers) subscriber(announcement);
  }

  /** Calls `handler` with every announcement of `type` (e.g. to wake a worker); returns what stops it. */
  on(type: string, handler: (a: Announcement) => void): () => void {
    const subscriber = (a: Announcement) => {
      if (a.type === type) handler(a);
    };
    this.subscribers.add(subscriber);
    return () => void this.subscribers.delete(subscriber);
  }

  /**
   * The announcements `accept` turns into values (undefined: not for this subscriber), in order,
   * as an async iterator for a GraphQL subscription; it stops listening when the client stops.
   */
  stream<T>(accept: (a: Announcement) => Promise<T | undefined> | T | undefined): AsyncIterableIterator<T> {
    const waiting: Announcement[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const subscriber = (a: Announcement) => {
      if (waiting.length >= MAX_WAITING) waiting.shift();
      waiting.push(a);
      wake?.();
    };
    this.subscribers.add(subscriber);
    const finish = (): Promise<IteratorResult<T>> => {
      done = true;
      this.subscribers.delete(subscriber);
      wake?.();
      return Promise.resolve({ done: true, value: undefined });
    };
    const iterator: AsyncIterableIterator<T> = {
      async next(): Promise<IteratorResult<T>> {
        while (!done) {
          const next = waiting.shift();
          if (next === undefined) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
            continue;
          }
          const value = await accept(next);
          if (value !== undefined && !done) return { done: false, value };
        }
        return { done: true, value: undefined };
      },
      return: finish,
      throw: (err: unknown) => finish().then(() => Promise.reject(err instanceof Error ? err : new Error(String(err)))),
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
