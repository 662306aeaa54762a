/**
 * The events webhooks receive, each named after its cause and read off the history row the
 * transition wrote: which workflow, which machine events, and (where one event means several
 * things) a condition on the row. Deliveries are written from here, set-based, in the
 * transition's transaction.
 */
import { sql, type SQL } from 'drizzle-orm';
import { transitions, webhookDeliveries, webhooks } from '../platform/db/schema.js';
import { affectedRows } from '../platform/db/sql.js';
import { historyIdsParam } from '../workflow/listeners.js';
import type { Executor } from '../platform/db/client.js';

interface EventSource {
  workflow: 'customer' | 'application' | 'contract';
  /** The machine events that may cause it. */
  events: readonly string[] | 'all';
  /** Further condition on the history row `h`. */
  when?: SQL;
}

/** Every webhook event and what causes it. */
export const WEBHOOK_EVENTS = {
  APPLICATION_SUBMITTED: { workflow: 'application', events: ['CREATE'] },
  APPLICATION_DECIDED: { workflow: 'application', events: ['APPROVE', 'REJECT'], when: sql`h.to_state in ('approved', 'rejected')` },
  CUSTOMER_STATE_CHANGED: { workflow: 'customer', events: 'all', when: sql`h.from_state is distinct from h.to_state` },
  CUSTOMER_TRANSFERRED: { workflow: 'customer', events: ['TRANSFER', 'ASSIGN'] },
  // V5: a CONFIRM over the credit limit waits in creditReview; the approval (CREDIT_APPROVED) confirms.
  CONTRACT_CONFIRMED: { workflow: 'contract', events: ['CONFIRM', 'CREDIT_APPROVED'], when: sql`h.to_state = 'confirmed'` },
  PAYMENT_RECORDED: { workflow: 'contract', events: ['PAYMENT'] },
} as const satisfies Record<string, EventSource>;

export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_NAMES = Object.keys(WEBHOOK_EVENTS) as WebhookEvent[];

const sourceOf = (name: WebhookEvent): EventSource => WEBHOOK_EVENTS[name];

/** The webhook events a machine event of a workflow may cause. */
export function eventsCausedBy(workflow: string, event: string): WebhookEvent[] {
  return WEBHOOK_EVENT_NAMES.filter((name) => {
    const source = sourceOf(name);
    return source.workflow === workflow && (source.events === 'all' || source.events.includes(event));
  });
}

const iso = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Writes, for the history rows `historyIds` of one workflow's `event`, a delivery to every active
 * webhook that wants what they caused (`{ id, event, occurredAt, data }`, the body as it will be
 * signed). A repeat of the same event for the same webhook is not written twice.
 */
export async function writeDeliveries(executor: Executor, workflow: string, event: string, historyIds: readonly number[]): Promise<number> {
  const names = eventsCausedBy(workflow, event);
  if (names.length === 0) return 0;
  const caused = names.map((name) => {
    const source = sourceOf(name);
    return sql`select ${name}::text as name where ${source.when ?? sql`true`}`;
  });
  // One id per event: a transition may cause two (a transfer out of the pool also changes the state).
  const eventId = sql`'evt_' || h.id || '_' || lower(e.name)`;
  const result = await executor.execute(sql`
    insert into ${webhookDeliveries} (webhook_id, event, event_id, transition_id, created_at, next_attempt_at, body)
    select w.id, e.name, ${eventId}, h.id, h.created_at, h.created_at,
      json_build_object('id', ${eventId}, 'event', e.name, 'occurredAt', ${iso(sql`h.created_at`)},
        'data', json_build_object('entityType', h.entity_type, 'entityId', h.entity_id, 'machineEvent', h.event, 'from', h.from_state,
          'to', h.to_state, 'actorId', h.actor_id, 'reason', h.reason, 'payload', h.payload))::text
    from ${transitions} h
    cross join lateral (${sql.join(caused, sql` union all `)}) e
    join ${webhooks} w on w.active and e.name = any(w.events)
    where h.id = any(${historyIdsParam(historyIds)})
    on conflict do nothing`);
  return affectedRows(result);
}
