/**
 * The people a model talks about, made real: a model names users by username (so paths and test
 * names are stable); the replay needs their ids, actors, viewers and tokens on this database.
 */
import { expect } from 'vitest';
import type { ApplicationKind, Role } from '../../src/platform/db/schema.js';
import type { Viewer } from '../../src/platform/auth/viewer.js';
import { SYSTEM_SWEEPER, type Actor } from '../../src/workflow/actor.js';
import type { TestApp } from './app.js';
import { CREATE, customerInput, viewerFor } from './customers.js';

export interface Crew {
  /** The real actor for a model actor (a user named by username, or the system). */
  actor(model: Actor): Actor;
  id(username: string): string;
  /** The username of a real id (null for the system, or an id nobody in the crew has). */
  username(id: string | null): string | null;
  viewer(username: string): Viewer;
  token(username: string): string;
  /** Makes one more user known (fixtures create users of their own, see `createUser`). */
  add(username: string, password?: string): Promise<void>;
}

/** A model actor: a user named by username, with the roles the model gives them. */
export const modelUser = (username: string, roles: readonly Role[]): Actor => ({ kind: 'user', id: username, roles });

const MODEL_PASSWORD = 'model-password-1';

/** Creates a user (as admin) for a fixture, e.g. someone holding two roles, and adds them to the crew. */
export async function createUser(app: TestApp, crew: Crew, username: string, roles: Role[]): Promise<void> {
  await app.services.users.create(await viewerFor(app, 'admin'), { username, displayName: `${username} (model)`, password: MODEL_PASSWORD, roles });
  await crew.add(username, MODEL_PASSWORD);
}

export async function crewOf(app: TestApp, usernames: readonly string[]): Promise<Crew> {
  const people = new Map<string, { viewer: Viewer; token: string }>();
  const person = (username: string) => {
    const p = people.get(username);
    if (!p) throw new Error(`${username} is not in the crew`);
    return p;
  };
  const add = async (username: string, password?: string) => {
    const token = await app.login(username, password);
    people.set(username, { viewer: await app.services.users.viewerForToken(token), token });
  };
  for (const username of usernames) await add(username);
  return {
    actor: (model) => {
      if (model.kind === 'system') return SYSTEM_SWEEPER;
      const { viewer } = person(model.id);
      return { kind: 'user', id: viewer.id, roles: viewer.roles, displayName: viewer.displayName };
    },
    id: (username) => person(username).viewer.id,
    username: (id) => [...people].find(([, p]) => p.viewer.id === id)?.[0] ?? null,
    viewer: (username) => person(username).viewer,
    token: (username) => person(username).token,
    add,
  };
}

// Fixtures that act as crew members (their tokens and viewers: no sign-in per fixture).

/** A new customer entered by `username` (P1: in their custody, pending audit, with a PROTECTION application). */
export async function crewCustomer(app: TestApp, crew: Crew, username: string): Promise<string> {
  const { createCustomer } = await app.ok<{ createCustomer: { id: string } }>(CREATE, { i: customerInput() }, crew.token(username));
  return createCustomer.id;
}

/** The customer's one pending application of a kind. */
export async function crewPendingApplication(
  app: TestApp,
  crew: Crew,
  customerId: string,
  kind: ApplicationKind = 'PROTECTION',
  auditor = 'auditor1',
): Promise<string> {
  const page = await app.services.applications.list(crew.viewer(auditor), { customerId, kind, status: 'PENDING' }, 'OLDEST_FIRST', { first: 2 });
  expect(page.nodes, `one pending ${kind} application`).toHaveLength(1);
  return page.nodes[0]?.id ?? '';
}

/** An intent customer of `username`: protection approved, then an INTENT application approved (P1, P4, A4). */
export async function crewIntentCustomer(app: TestApp, crew: Crew, username: string, auditor = 'auditor1'): Promise<string> {
  const id = await crewCustomer(app, crew, username);
  await app.services.applicationDecisions.approve(crew.viewer(auditor), await crewPendingApplication(app, crew, id), 'ok');
  const intent = await app.services.applicationOpenings.applyForIntent(crew.viewer(username), id, '客户确认了采购预算和时间');
  await app.services.applicationDecisions.approve(crew.viewer(auditor), intent.id, 'ok');
  return id;
}
