/**
 * The drizzle schema: one source for both PGlite and PostgreSQL, one file per table group.
 * Migrations in `drizzle/` are generated from it with drizzle-kit and committed. Nothing is
 * ever hard-deleted (E6).
 */
export * from './departments.js';
export * from './users.js';
export * from './pools.js';
export * from './customers.js';
export * from './applications.js';
export * from './contracts.js';
export * from './workflow.js';
export * from './notifications.js';
export * from './webhooks.js';
export * from './follow-up-plans.js';
export * from './complaints.js';
