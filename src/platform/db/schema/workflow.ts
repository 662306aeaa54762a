/**
 * What the generic workflow layer stores: the transition history (P10), published policy
 * documents (P11) and published machine versions (issue 7).
 */
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, json, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { users } from './users.js';

/** P10: one row per transition of any workflow-governed entity. */
export const transitions = pgTable(
  'transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    machine: text('machine').notNull(),
    machineVersion: integer('machine_version').notNull(),
    event: text('event').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    /** Null for the system (the deadline sweeper). */
    actorId: uuid('actor_id').references(() => users.id),
    reason: text('reason'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('transitions_entity_idx').on(t.entityId, t.id),
    index('transitions_actor_event_idx').on(t.actorId, t.event, t.createdAt),
    // Reports (issue 18): transitions_event_time_idx and transitions_pool_flow_idx, covering (INCLUDE), are in migration 0024's SQL.
  ],
);
export type TransitionRow = typeof transitions.$inferSelect;

/** P11: every published policy document, newest = in force (who, when, what changed). */
export const policyVersions = pgTable(
  'policy_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    version: integer('version').notNull(),
    workflow: text('workflow').notNull(),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull(),
    diff: jsonb('diff').$type<{ path: string; from: unknown; to: unknown }[]>().notNull(),
    authorId: uuid('author_id').notNull().references(() => users.id),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('policy_versions_version_key').on(t.version), index('policy_versions_workflow_idx').on(t.workflow, t.version)],
);
export type PolicyVersionRow = typeof policyVersions.$inferSelect;

/** Published machine documents (issue 7). Version 1 of each machine is the repository's document. */
export const workflowVersions = pgTable(
  'workflow_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workflow: text('workflow').notNull(),
    version: integer('version').notNull(),
    /** json, not jsonb: the designer's key order is the order of states, events and buttons. */
    document: json('document').$type<Record<string, unknown>>().notNull(),
    /** Where instances in states this version removed should go when migrated. */
    stateMapping: jsonb('state_mapping').$type<Record<string, string>>().notNull(),
    authorId: uuid('author_id').notNull().references(() => users.id),
    note: text('note').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('workflow_versions_workflow_version_key').on(t.workflow, t.version)],
);
export type WorkflowVersionRow = typeof workflowVersions.$inferSelect;

/**
 * Deadlines that failed to fire (issue 13): one row per workflow row whose deadline event failed,
 * with how often and why. The sweeper skips a row until `nextAttemptAt` (backing off), so a row
 * that keeps failing never holds up the others; after several attempts it is listed for
 * administrators and designers (`stuckTransitions`). Firing clears it (`resolvedAt`).
 */
export const deadlineFailures = pgTable(
  'deadline_failures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    machine: text('machine').notNull(),
    entityId: uuid('entity_id').notNull(),
    event: text('event').notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    firstFailedAt: timestamp('first_failed_at', { withTimezone: true }).notNull(),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }).notNull(),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('deadline_failures_open_key')
      .on(t.machine, t.entityId)
      .where(sql`${t.resolvedAt} is null`),
  ],
);
export type DeadlineFailureRow = typeof deadlineFailures.$inferSelect;
