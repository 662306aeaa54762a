/**
 * Transition listeners: code of other features told, inside the transaction that wrote them, of
 * the history rows an event wrote — one row for an event a person sends, a whole set for a batch
 * of deadlines the sweeper fires (set-based, see due.ts). What a listener writes (a notification,
 * an outbox row, a follow-up plan cancelled) commits or rolls back with its cause.
 *
 * A listener names the events it wants: an event nobody listens to keeps the engine's lock-free
 * path (one statement, no transaction); one somebody listens to takes the locked path, so the
 * listener has a transaction to write in.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../platform/db/client.js';
import { arrayLiteral } from '../platform/db/sql.js';

/** The history rows one event wrote (`transitions.id`), all of one workflow and event. */
export interface Moved {
  workflow: string;
  event: string;
  historyIds: readonly number[];
}

export interface TransitionListener {
  /**
   * The events it is told of; `all` for every event of the workflow; a function when that
   * changes at run time (e.g. only while some webhook wants the event).
   */
  events: readonly string[] | 'all' | ((event: string) => boolean);
  written(tx: Executor, moved: Moved): Promise<void>;
}

/** The history ids a listener is told of, as one SQL parameter (`transitions.id = any(…)`). */
export const historyIdsParam = (historyIds: readonly number[]): SQL => sql`${arrayLiteral(historyIds.map(String))}::bigint[]`;

/** The listeners of each workflow. */
export class TransitionListeners {
  private readonly byWorkflow = new Map<string, TransitionListener[]>();

  add(def: { name: string }, listener: TransitionListener): void {
    this.byWorkflow.set(def.name, [...(this.byWorkflow.get(def.name) ?? []), listener]);
  }

  /** Whether anybody listens to this event of this workflow. */
  wants(def: { name: string }, event: string): boolean {
    return this.of(def, event).length > 0;
  }

  /** Tells every listener of this event, in order, in the transaction `tx`. */
  async tell(tx: Executor, def: { name: string }, event: string, historyIds: readonly number[]): Promise<void> {
    if (historyIds.length === 0) return;
    for (const listener of this.of(def, event)) await listener.written(tx, { workflow: def.name, event, historyIds });
  }

  private of(def: { name: string }, event: string): TransitionListener[] {
    return (this.byWorkflow.get(def.name) ?? []).filter((l) =>
      l.events === 'all' ? true : typeof l.events === 'function' ? l.events(event) : l.events.includes(event),
    );
  }
}
