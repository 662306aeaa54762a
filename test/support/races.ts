/**
 * Helpers for the race suites (test/integration/customers/*-races.test.ts): users and customers
 * made straight through the services (no logins in loops), and the P10 check that a customer's
 * history explains its row after a race.
 */
import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { App, GraphQLResult } from '../../src/app.js';
import type { Viewer } from '../../src/platform/auth/viewer.js';
import { customers, transitions, users, type CustomerRow, type TransitionRow } from '../../src/platform/db/schema.js';
import { createCustomerInput, type CreateCustomerInput } from '../../src/customers/customer.validation.js';
import { toViewer } from '../../src/users/user.service.js';
import { actorOf, type Actor } from '../../src/workflow/actor.js';
import type { TestApp } from './app.js';
import { customerInput } from './customers.js';

/** How long one race test (or its setup) may take. */
export const RACE_TIMEOUT = 120_000;

/** P7: claim a pool customer. */
export const CLAIM = `mutation($id: ID!) { claimCustomer(id: $id) { id state version custodian { id username } } }`;
const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { id username roles } }`;

/** A salesperson made for a race, with a token ready. */
export interface Racer {
  id: string;
  username: string;
  token: string;
}

/** `n` new SALES users (racer01, racer02 …) created by admin through the API, each signed in. */
export async function createRacers(app: TestApp, n: number): Promise<Racer[]> {
  const admin = await app.login('admin');
  const created = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      app.ok<{ createUser: { id: string; username: string } }>(
        CREATE_USER,
        { i: { username: `racer${String(i + 1).padStart(2, '0')}`, displayName: `抢单员 ${i + 1}`, password: 'racer-password', roles: ['SALES'] } },
        admin,
      ),
    ),
  );
  const tokens = await Promise.all(created.map((c) => app.login(c.createUser.username, 'racer-password')));
  return created.map((c, i) => ({ id: c.createUser.id, username: c.createUser.username, token: tokens[i] ?? '' }));
}

type GraphQLError = NonNullable<GraphQLResult['errors']>[number];

/** The `extensions.code` of an error, or NONE. */
export function codeOf(error: GraphQLError | undefined): string {
  return String(error?.extensions?.code ?? 'NONE');
}

/** The viewer of a user, read straight from the table (no password hashing in loops). */
export async function viewerNamed(app: App, username: string): Promise<Viewer> {
  const [row] = await app.database.db.select().from(users).where(eq(users.username, username));
  if (!row) throw new Error(`no user ${username}`);
  return toViewer(row);
}

/** A fresh valid entry (customerInput), checked against the service's own input schema. */
function customerEntry(): CreateCustomerInput {
  const input = customerInput();
  if (!isCreateCustomerInput(input)) throw new Error(`not a valid customer entry: ${JSON.stringify(input)}`);
  return input;
}

function isCreateCustomerInput(input: Record<string, unknown>): input is Record<string, unknown> & CreateCustomerInput {
  return createCustomerInput.safeParse(input).success;
}

/** A protected prospect of `owner`, through the real service and engine (as protectedCustomer, without logins). */
export async function protectedFor(app: App, owner: Viewer, auditor: Actor): Promise<CustomerRow> {
  const created = await app.services.enterCustomer(owner, customerEntry());
  return (await app.services.engine.apply(app.services.workflows.customer, created.id, { type: 'PROTECTION_APPROVED', via: 'application' }, auditor)).row;
}

/** A pool customer abandoned by `owner` (as poolCustomer, without logins). */
export async function poolFor(app: App, owner: Viewer, auditor: Actor): Promise<CustomerRow> {
  const c = await protectedFor(app, owner, auditor);
  return (await app.services.engine.apply(app.services.workflows.customer, c.id, { type: 'ABANDON', reason: 'not interested any more' }, actorOf(owner))).row;
}

/** A customer's transitions, oldest first (P10). */
export async function historyOf(app: App, id: string): Promise<TransitionRow[]> {
  return app.database.db.select().from(transitions).where(eq(transitions.entityId, id)).orderBy(asc(transitions.id));
}

/** A customer's row straight from the table. */
export async function rowOf(app: App, id: string): Promise<CustomerRow> {
  const [row] = await app.database.db.select().from(customers).where(eq(customers.id, id));
  if (!row) throw new Error(`no customer ${id}`);
  return row;
}

/**
 * P10: the history alone explains the row. It starts with CREATE, every transition starts where
 * the previous one ended, the last one ends in the row's state, the version counts the
 * transitions, and the last recorded custody change hands the customer to its custodian.
 */
export function expectHistoryExplainsRow(history: TransitionRow[], row: CustomerRow): void {
  expect(history[0]?.event).toBe('CREATE');
  for (let i = 1; i < history.length; i += 1) {
    expect(history[i]?.fromState, `transition ${i} (${history[i]?.event}) starts where ${history[i - 1]?.event} ended`).toBe(history[i - 1]?.toState);
  }
  expect(history.at(-1)?.toState).toBe(row.state);
  expect(row.version).toBe(1 + (history.length - 1));
  const custody = history.filter((h) => (h.payload as { changes?: { custodianId?: unknown } }).changes?.custodianId !== undefined);
  const lastChange = (custody.at(-1)?.payload as { changes?: { custodianId?: [string | null, string | null] } } | undefined)?.changes?.custodianId;
  if (lastChange) expect(lastChange[1]).toBe(row.custodianId);
}
