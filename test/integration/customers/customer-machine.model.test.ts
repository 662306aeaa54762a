/**
 * Model-based tests of the customer machine (P1–P10): paths generated with `xstate/graph` over
 * the pure `customerMachine` are replayed through the real engine on a real database, one fresh
 * customer per path. After every step the row must be in the state (and custody) the model
 * predicts and carry one history row per transition (P10). The suite fails when a transition
 * the machine declares was never exercised by a successful replay.
 *
 * The model uses usernames as actor ids; the replay maps them to the demo users' real ids.
 * Three paths are also replayed through GraphQL: the customer mutations, and audit decisions
 * as the applications workflow makes them (apply, then approve or reject: A4); deadline and
 * contract events go through the engine as the sweeper and the contracts workflow send them.
 */
import { machineVersionsUsed, runOnPublishedDefinition } from '../../support/policy.js';
import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateNode, type SnapshotFrom } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { applications, customers, transitions, type CustomerRow, type Role } from '../../../src/platform/db/schema.js';
import { SYSTEM_SWEEPER, type Actor } from '../../../src/workflow/actor.js';
import { statePath } from '../../../src/workflow/machine-paths.js';
import type { CustomerEvent } from '../../../src/customers/customer.machine.js';
import { customerMachine, NO_FACTS } from '../../../src/customers/customer.workflow.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { actorFor, createCustomer } from '../../support/customers.js';

type CustomerSnapshot = SnapshotFrom<typeof customerMachine>;

const USERS = {
  sales1: ['SALES'],
  sales2: ['SALES'],
  sales3: ['SALES'],
  manager1: ['MANAGER'],
  auditor1: ['AUDITOR'],
  aftersales1: ['AFTER_SALES'],
} as const satisfies Record<string, readonly Role[]>;
type Username = keyof typeof USERS;

const isUsername = (id: string | null): id is Username => id !== null && Object.hasOwn(USERS, id);
const rolesOf = (username: Username): readonly Role[] => USERS[username];
const user = (username: Username): Actor => ({ kind: 'user', id: username, roles: rolesOf(username) });

/** Who creates every customer, and so its first custodian (P1). */
const CREATOR: Username = 'sales1';
/**
 * P5: the claimer is never someone who can have abandoned the customer on the same path: the
 * creator and the transfer target abandon, and a path holds at most one CLAIM (its target
 * vertex is unique in the graph).
 */
const CLAIMER: Username = 'sales2';
const TRANSFER_TARGET: Username = 'sales3';
const AFTER_SALES: Username = 'aftersales1';

/** One event per type whose guards pass in `snapshot` (built from its custodian). */
function modelEvents(snapshot: CustomerSnapshot): CustomerEvent[] {
  const custodian = snapshot.context.custodianId;
  const facts = NO_FACTS;
  const auditor = user('auditor1');
  const events: CustomerEvent[] = [
    { type: 'CLAIM', actor: user(CLAIMER), facts },
    // The engine computes targetEligible itself; the model states what the database will say.
    { type: 'TRANSFER', actor: user('manager1'), facts: { ...facts, targetEligible: true }, toUserId: TRANSFER_TARGET, reason: '人员调整，客户移交' },
    { type: 'PROTECTION_APPROVED', via: 'application', actor: auditor, facts },
    { type: 'PROTECTION_REJECTED', via: 'application', actor: auditor, facts, reason: '联系人电话无法接通' },
    { type: 'INTENT_APPROVED', via: 'application', actor: auditor, facts, reason: '客户已确认采购预算' },
    { type: 'EXTENSION_APPROVED', via: 'application', actor: auditor, facts, reason: '客户正在走内部审批' },
    {
      type: 'CONTRACT_SIGNED',
      via: 'contract',
      actor: isUsername(custodian) && rolesOf(custodian).includes('SALES') ? user(custodian) : user('manager1'),
      facts,
      afterSalesUserId: AFTER_SALES,
    },
    { type: 'TERM_EXPIRED', actor: SYSTEM_SWEEPER, facts },
    { type: 'REJECTION_LAPSED', actor: SYSTEM_SWEEPER, facts },
  ];
  if (isUsername(custodian)) {
    events.push({ type: 'ABANDON', actor: user(custodian), facts, reason: '客户短期内无采购计划' }, { type: 'RESUBMIT', actor: user(custodian), facts });
  }
  return events;
}

const model = createTestModel(customerMachine, { events: modelEvents, input: { custodianId: CREATOR } });

const triple = (from: string, type: string, to: string) => `${from} --${type}--> ${to}`;

function leafPath(node: AnyStateNode): string {
  let leaf = node;
  while (Object.keys(leaf.states).length > 0) {
    const next = leaf.initial.target[0];
    if (!next) throw new Error(`${leaf.id} has no initial state`);
    leaf = next;
  }
  return leaf.path.join('.');
}

interface DeclaredTransition {
  key: string;
  source: string;
  type: string;
}

/**
 * Every (leaf state, event, leaf state) the machine declares: transitions of a leaf and of its
 * ancestors; targetless ones stay in the leaf; targets resolve to their initial leaf.
 */
function declaredTransitions(): DeclaredTransition[] {
  const result = new Map<string, DeclaredTransition>();
  const visit = (node: AnyStateNode) => {
    const children = Object.values(node.states);
    if (children.length > 0) return children.forEach(visit);
    const source = node.path.join('.');
    for (let n: AnyStateNode | undefined = node; n; n = n.parent) {
      for (const [type, definitions] of Object.entries(n.on)) {
        for (const definition of definitions) {
          const targets = definition.target?.length ? definition.target.map(leafPath) : [source];
          for (const target of targets) result.set(triple(source, type, target), { key: triple(source, type, target), source, type });
        }
      }
    }
  };
  visit(customerMachine.root);
  return [...result.values()].sort((a, b) => a.key.localeCompare(b.key));
}

interface Step {
  event: CustomerEvent;
  /** The model's state after the event. */
  state: CustomerSnapshot;
}
interface Case {
  name: string;
  steps: Step[];
}

const describePath = (steps: Step[]) => `${['CREATE', ...steps.map((s) => s.event.type)].join(' → ')} ⇒ ${statePath(steps.at(-1)?.state.value ?? 'prospect.pendingAudit')}`;

function toCase(origin: string, path: { steps: Array<{ event: { type: string }; state: CustomerSnapshot }> }): Case {
  const [init, ...rest] = path.steps;
  if (init?.event.type !== 'xstate.init') throw new Error('a generated path starts with xstate.init');
  const steps = rest.map((s) => ({ event: s.event as CustomerEvent, state: s.state }));
  return { name: `${origin}: ${describePath(steps)}`, steps };
}

const stepTriples = (c: Case) => {
  let from = statePath(initialTransition(customerMachine, { custodianId: CREATOR })[0].value);
  return c.steps.map((s) => {
    const to = statePath(s.state.value);
    const t = triple(from, s.event.type, to);
    from = to;
    return t;
  });
};

// Shortest paths to every vertex (a vertex is state + context + the transition that entered it,
// so these reach every transition the graph can take), and the longest simple journeys. Simple
// paths are taken over state + context only: with the transition in the vertex they explode.
const shortest = model.getShortestPaths().map((p) => toCase('shortest', p));
const simple = model.getSimplePaths({ serializeState: (s) => JSON.stringify({ value: s.value, context: s.context }) });
const longest = Math.max(...simple.map((p) => p.weight));
const journeys = simple.filter((p) => p.weight === longest).map((p) => toCase('simple', p));
const generated = [...shortest, ...journeys];

/**
 * Transitions xstate/graph cannot generate: a targetless transition without actions is not
 * among a state's own events, so the traversal never takes it. Each gets an explicit path:
 * the shortest path to its source state, then the event.
 */
function explicitCases(): Case[] {
  const generatedTriples = new Set(generated.flatMap(stepTriples));
  const prefixes = model.getShortestPaths({ allowDuplicatePaths: true }).map((p) => toCase('explicit', p));
  prefixes.sort((a, b) => a.steps.length - b.steps.length);
  const result: Case[] = [];
  for (const { source, type } of declaredTransitions().filter((t) => !generatedTriples.has(t.key))) {
    const found = prefixes.flatMap((prefix) => {
      const state = prefix.steps.at(-1)?.state ?? initialTransition(customerMachine, { custodianId: CREATOR })[0];
      if (statePath(state.value) !== source) return [];
      const event = modelEvents(state).find((e) => e.type === type);
      if (!event || customerMachine.getTransitionData(state, event).length === 0) return [];
      const [next] = transition(customerMachine, state, event);
      const steps = [...prefix.steps, { event, state: next }];
      return [{ name: `explicit: ${describePath(steps)}`, steps }];
    })[0];
    if (found) result.push(found);
  }
  return result;
}
const explicit = explicitCases();

/** Customer events a user can cause through GraphQL: the customer's own mutations, and audit decisions (A4). */
const MUTATIONS = {
  CLAIM: `mutation($id: ID!) { claimCustomer(id: $id) { id state } }`,
  ABANDON: `mutation($id: ID!, $r: String!) { abandonCustomer(id: $id, reason: $r) { id state } }`,
  TRANSFER: `mutation($id: ID!, $to: ID!, $r: String!) { transferCustomer(id: $id, toUserId: $to, reason: $r) { id state } }`,
  RESUBMIT: `mutation($id: ID!) { resubmitProtection(id: $id) { id state } }`,
  INTENT_APPROVED: `mutation($c: ID!, $r: String!) { applyForIntent(customerId: $c, reason: $r) { id } }`,
  EXTENSION_APPROVED: `mutation($c: ID!, $r: String!) { applyForExtension(customerId: $c, reason: $r) { id } }`,
  PROTECTION_APPROVED: `mutation($id: ID!) { approveApplication(id: $id) { id status } }`,
  PROTECTION_REJECTED: `mutation($id: ID!, $r: String!) { rejectApplication(id: $id, reason: $r) { id status } }`,
} as const satisfies Partial<Record<CustomerEvent['type'], string>>;
const APPROVE = MUTATIONS.PROTECTION_APPROVED;
const hasMutation = (type: string): type is keyof typeof MUTATIONS => Object.hasOwn(MUTATIONS, type);

/** Three paths that together send the most distinct (state, mutation) pairs through GraphQL. */
function graphqlSample(cases: Case[]): Case[] {
  const pairs = (c: Case) => new Set(stepTriples(c).filter((t) => Object.keys(MUTATIONS).some((m) => t.includes(` --${m}--> `))));
  const chosen: Case[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const gain = (c: Case) => [...pairs(c)].filter((p) => !seen.has(p)).length;
    const best = cases.filter((c) => !chosen.includes(c)).sort((a, b) => gain(b) - gain(a) || a.steps.length - b.steps.length)[0];
    if (!best) break;
    chosen.push(best);
    pairs(best).forEach((p) => seen.add(p));
  }
  return chosen;
}
const viaGraphql = graphqlSample(generated);

describe('customer machine (model-based, real engine)', () => {
  let app: TestApp;
  const ids = new Map<string, string>();
  const actors = new Map<string, Actor>();
  const tokens = new Map<string, string>();
  const covered = new Set<string>();

  beforeAll(async () => {
    app = await startTestApp();
    await runOnPublishedDefinition(app, 'customer'); // issue 7: the suite runs on a published definition
    for (const username of Object.keys(USERS)) {
      const actor = await actorFor(app, username);
      actors.set(username, actor);
      ids.set(username, actor.id ?? '');
      tokens.set(username, await app.login(username));
    }
  });
  afterAll(async () => app?.close());

  const realId = (modelId: string | null): string | null => {
    if (modelId === null) return null;
    const id = ids.get(modelId);
    if (!id) throw new Error(`no demo user ${modelId}`);
    return id;
  };
  const realActor = (actor: Actor): Actor => {
    if (actor.kind === 'system') return actor;
    const real = actors.get(actor.id);
    if (!real) throw new Error(`no demo user ${actor.id}`);
    return real;
  };
  const rowOf = async (id: string): Promise<CustomerRow> => {
    const [row] = await app.database.db.select().from(customers).where(eq(customers.id, id));
    if (!row) throw new Error(`customer ${id} is gone`);
    return row;
  };
  const historyOf = (id: string) =>
    app.database.db.select().from(transitions).where(and(eq(transitions.entityType, 'customer'), eq(transitions.entityId, id))).orderBy(asc(transitions.id));

  /** The model's event as a caller sends it: the engine adds actor, facts and time itself. */
  const engineEvent = (event: CustomerEvent): { type: string; [key: string]: unknown } => {
    const { actor: _actor, facts: _facts, ...rest } = event;
    if (rest.type === 'TRANSFER') return { ...rest, toUserId: realId(String(rest.toUserId)) };
    if (rest.type === 'CONTRACT_SIGNED') return { ...rest, afterSalesUserId: realId(typeof rest.afterSalesUserId === "string" ? rest.afterSalesUserId : null) };
    return rest;
  };

  const pendingApplication = async (customerId: string, kind: 'PROTECTION' | 'INTENT' | 'EXTENSION'): Promise<string> => {
    const rows = await app.database.db
      .select({ id: applications.id })
      .from(applications)
      .where(and(eq(applications.customerId, customerId), eq(applications.kind, kind), like(applications.state, 'pending%')));
    expect(rows, `one pending ${kind} application`).toHaveLength(1);
    return rows[0]?.id ?? '';
  };

  /**
   * Sends a step through GraphQL when a mutation causes it: the customer's own mutations by
   * the model's actor; audit decisions by auditor1 on the pending application, after the
   * custodian applied for an intent or extension (A4). Returns false for the rest.
   */
  const sendViaGraphql = async (id: string, event: CustomerEvent, custodian: string | null): Promise<boolean> => {
    if (!hasMutation(event.type) || event.actor.kind !== 'user') return false;
    const tokenOf = (username: string | null | undefined) => {
      const token = username ? tokens.get(username) : undefined;
      if (!token) throw new Error(`no token for ${username}`);
      return token;
    };
    switch (event.type) {
      case 'CLAIM':
      case 'RESUBMIT':
        await app.ok(MUTATIONS[event.type], { id }, tokenOf(event.actor.id));
        return true;
      case 'ABANDON':
        await app.ok(MUTATIONS.ABANDON, { id, r: event.reason }, tokenOf(event.actor.id));
        return true;
      case 'TRANSFER':
        await app.ok(MUTATIONS.TRANSFER, { id, to: realId(String(event.toUserId)), r: event.reason }, tokenOf(event.actor.id));
        return true;
      case 'PROTECTION_APPROVED':
        await app.ok(APPROVE, { id: await pendingApplication(id, 'PROTECTION') }, tokenOf(event.actor.id));
        return true;
      case 'PROTECTION_REJECTED':
        await app.ok(MUTATIONS.PROTECTION_REJECTED, { id: await pendingApplication(id, 'PROTECTION'), r: event.reason }, tokenOf(event.actor.id));
        return true;
      case 'INTENT_APPROVED':
      case 'EXTENSION_APPROVED': {
        const applicant = [...ids].find(([, real]) => real === custodian)?.[0];
        const kind = event.type === 'INTENT_APPROVED' ? 'INTENT' : 'EXTENSION';
        await app.ok(MUTATIONS[event.type], { c: id, r: event.reason ?? '客户需求明确' }, tokenOf(applicant));
        await app.ok(APPROVE, { id: await pendingApplication(id, kind) }, tokenOf(event.actor.id));
        return true;
      }
      default:
        return false;
    }
  };

  async function replay(c: Case, transport: 'engine' | 'graphql'): Promise<number> {
    const created = await createCustomer(app, CREATOR);
    const start = initialTransition(customerMachine, { custodianId: CREATOR })[0];
    expect(created).toMatchObject({ state: statePath(start.value), custodianId: realId(start.context.custodianId) });
    expect(await historyOf(created.id)).toHaveLength(1);
    let graphqlSteps = 0;
    for (const [i, step] of c.steps.entries()) {
      const label = `step ${i + 1} (${step.event.type})`;
      const before = await rowOf(created.id);
      if (transport === 'graphql' && (await sendViaGraphql(created.id, step.event, before.custodianId))) graphqlSteps += 1;
      else await app.services.engine.apply(app.services.workflows.customer, created.id, engineEvent(step.event), realActor(step.event.actor));
      const after = await rowOf(created.id);
      const expected = statePath(step.state.value);
      expect(after.state, label).toBe(expected);
      expect(after.custodianId, label).toBe(realId(step.state.context.custodianId));
      expect(after.version, label).toBe(before.version + 1);
      const history = await historyOf(created.id);
      expect(history, label).toHaveLength(1 + i + 1); // P10: CREATE, then one row per transition
      expect(history.at(-1), label).toMatchObject({ event: step.event.type, fromState: before.state, toState: expected });
      covered.add(triple(before.state, step.event.type, after.state));
    }
    return graphqlSteps;
  }

  it('should generate a reasonable number of paths', () => {
    expect(shortest.length).toBeGreaterThanOrEqual(20);
    expect(generated.length + explicit.length).toBeLessThanOrEqual(60);
    expect(viaGraphql).toHaveLength(3);
  });

  describe('paths replayed through the engine', () => {
    for (const c of [...generated, ...explicit]) {
      it(`should replay ${c.name}`, async () => {
        await replay(c, 'engine');
      });
    }
  });

  describe('paths replayed through GraphQL where a mutation exists', () => {
    for (const c of viaGraphql) {
      it(`should replay ${c.name}`, async () => {
        const viaMutation = c.steps.filter((s) => hasMutation(s.event.type) && s.event.actor.kind === 'user').length;
        expect(viaMutation).toBeGreaterThan(0);
        expect(await replay(c, 'graphql')).toBe(viaMutation);
      });
    }
  });

  // Runs last (vitest runs a file's tests in order): coverage of the replays above.
  it('should have exercised every transition the machine declares', () => {
    const declared = declaredTransitions().map((t) => t.key);
    expect(declared.length).toBeGreaterThan(0);
    expect(declared.filter((t) => !covered.has(t))).toEqual([]);
    expect([...covered].filter((t) => !declared.includes(t))).toEqual([]);
  });

  it('should have run every customer on the published version 2, and recorded it in history (issue 7)', async () => {
    expect(await machineVersionsUsed(app, 'customer')).toEqual({ instances: [2], history: [2] });
  });
});
