/**
 * Column helpers the table groups share: timestamps and the columns of every
 * workflow-governed table.
 */
import { integer, jsonb, text, timestamp } from 'drizzle-orm/pg-core';

/** `created_at`: set by the database when the row is inserted. */
export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
/** `updated_at`: defaults to the insert time. */
export const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** A nullable instant (timestamptz) read as a Date. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Columns every workflow-governed table has. Only the engine (src/workflow/engine.ts) writes
 * them: `state` is the machine's state path, `snapshot` its persisted XState snapshot.
 */
export const workflowColumns = () => ({
  state: text('state').notNull(),
  snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
  version: integer('version').notNull().default(1),
  machineVersion: integer('machine_version').notNull().default(1),
  /** When the pending deadline event fires (by the sweeper, or virtually on read). */
  deadlineAt: ts('deadline_at'),
  deadlineEvent: text('deadline_event'),
});
