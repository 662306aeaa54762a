/**
 * Model-based tests of the contract machine (C1–C4, P6).
 *
 * The guards of `contractMachine` read facts (who may edit, who may receive payments, what is
 * missing before confirmation, total and paid) that the real engine computes from the database.
 * So the model is `contractMachine` plus a small "world" that says what the database holds along
 * a path: whether the C2 fields were filled in, whether a product line was added (total
 * 1000.00), what has been paid, and the customer's stage and custodian (P6 hands a formal
 * customer to after-sales). Each candidate event is a service call by a demo user, with the
 * facts that world implies; `contractMachine` alone decides whether it is legal and where it
 * goes (legality from `getTransitionData`, as the engine does, so the targetless UPDATE on a
 * draft and the targetless partial PAYMENT on a confirmed contract are edges too).
 *
 * `xstate/graph` generates the shortest path from `reserved` to every vertex, the longest simple
 * journeys, and a path for every edge of the model graph those leave out. Each path is replayed on a real database through the services that send
 * those events (reserve, update, addLines, confirm, void, terminate, recordPayment), one fresh
 * intent customer of sales1 per path. Before every step the facts the engine loads must be the
 * model's; after it the contract's state, version, totals and history (one row per event,
 * P10) must be what the model says, and after CONFIRM the customer is formal, with after-sales
 * (P6). At every vertex, the candidate calls the model refuses must be refused by the services
 * too, changing nothing.
 *
 * The last test fails if any transition of the machine (source, event, target, read from the
 * machine definition) was never taken on the database.
 */
import { machineVersionsUsed, runOnPublishedDefinition } from '../../support/policy.js';
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromTransition, initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getAdjacencyMap, getShortestPaths, getSimplePaths, type AdjacencyMap, type StatePath, type TraversalOptions } from 'xstate/graph';
import { contracts, transitions, type ContractRow, type Role } from '../../../src/platform/db/schema.js';
import type { Viewer } from '../../../src/platform/auth/viewer.js';
import type { ContractInput } from '../../../src/contracts/contract.service.js';
import { DomainError } from '../../../src/platform/errors.js';
import { money } from '../../../src/platform/money.js';
import type { Actor } from '../../../src/workflow/actor.js';
import { statePath } from '../../../src/workflow/machine-paths.js';
import { type ContractEvent, type ContractFacts } from '../../../src/contracts/contract.machine.js';
import { contractMachine } from '../../../src/contracts/contract.workflow.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { COMPLETE } from '../../support/contracts.js';
import { actorFor, intentCustomer, viewerFor } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';

// ------------------------------------------------------------------------------------ the model

const USERS = {
  /** The intent customer's custodian: reserves, fills in, confirms, voids (C1, C2, C4). */
  sales1: ['SALES'],
  /** Another salesperson: works on nothing of sales1's (C1), receives no payment (C3). */
  sales2: ['SALES'],
  /** Terminates confirmed contracts. */
  manager1: ['MANAGER'],
  /** The policy's after-sales assignee: the formal customer's custodian, records payments (P6, C3). */
  aftersales1: ['AFTER_SALES'],
} as const satisfies Record<string, readonly Role[]>;
type Username = keyof typeof USERS;

const CUSTODIAN: Username = 'sales1';
const AFTER_SALES: Username = 'aftersales1';

/** One product line of 1000.00: the contract's total once it is added. */
const TOTAL = '1000.00';
const LINE = { description: '中央空调机组', quantity: '1', unitPrice: TOTAL };
/** A payment that leaves part of the total outstanding. */
const PARTIAL = '400.00';
const VOID_REASON = '客户取消了本次采购';
const TERMINATE_REASON = '客户违约，双方协商终止合同';
const BLANK = ' ';

/** C2: what the model says is missing before confirmation (input paths, as the API names them). */
const C2_FIELDS = [
  'input.type',
  'input.signDate',
  'input.paymentMethod',
  'input.buyer.name',
  'input.buyer.address',
  'input.buyer.taxId',
  'input.buyer.contactName',
  'input.buyer.phone',
  'input.startDate',
  'input.endDate',
  'input.terms',
  'input.commitments',
];

/** What the database holds along a path, as far as the contract's guards care. */
interface World {
  /** `update` with the COMPLETE input was called. */
  filled: boolean;
  /** `addLines` added the 1000.00 line. */
  lines: boolean;
  paid: string;
  stage: 'INTENT' | 'FORMAL';
  custodian: Username;
}
const START: World = { filled: false, lines: false, paid: '0.00', stage: 'INTENT', custodian: CUSTODIAN };

type Call = 'update' | 'addLines' | 'confirm' | 'void' | 'terminate' | 'recordPayment';
/** A service call and the contract event it sends, with the facts the world implies. */
type ModelEvent = ContractEvent & { call: Call };
type ContractSnapshot = SnapshotFrom<typeof contractMachine>;
interface ModelState {
  contract: ContractSnapshot;
  world: World;
}

const user = (username: Username): Actor => ({ kind: 'user', id: username, roles: USERS[username] });
const nameOf = (actor: Actor): Username => {
  if (actor.kind !== 'user' || !Object.hasOwn(USERS, actor.id)) throw new Error(`not a model user: ${JSON.stringify(actor)}`);
  return actor.id as Username;
};
const cents = (text: string): bigint => {
  const value = money.parse(text);
  if (value === null) throw new Error(`not an amount: ${text}`);
  return value;
};
const totalOf = (world: World) => (world.lines ? TOTAL : '0.00');

/** The facts as C1–C3 define them, from the world (the real ones come from the database). */
function factsFor(world: World, username: Username): ContractFacts {
  const roles: readonly Role[] = USERS[username];
  const custodian = world.custodian === username;
  return {
    mayEdit: roles.includes('MANAGER') || custodian || (world.stage === 'FORMAL' && roles.includes('AFTER_SALES')),
    mayReceivePayment: roles.includes('AFTER_SALES') || roles.includes('MANAGER') || custodian,
    missing: {
      ...(world.filled ? {} : Object.fromEntries(C2_FIELDS.map((f) => [f, 'is required before confirmation (C2)']))),
      ...(world.lines ? {} : { lines: 'add at least one product line' }),
    },
    total: totalOf(world),
    paid: world.paid,
  };
}

/**
 * Every call the test knows, by the users who would plausibly make it; the traversal keeps the
 * ones the machine accepts, the replay checks the services refuse the rest.
 */
function candidates(state: ModelState): ModelEvent[] {
  const { world } = state;
  const facts = (u: Username) => factsFor(world, u);
  const rest = cents(totalOf(world)) - cents(world.paid);
  const pay = (u: Username, amount: string): ModelEvent => ({ type: 'PAYMENT', call: 'recordPayment', actor: user(u), facts: facts(u), amount });
  return [
    { type: 'UPDATE', call: 'update', actor: user(CUSTODIAN), facts: facts(CUSTODIAN) },
    { type: 'UPDATE', call: 'update', actor: user('sales2'), facts: facts('sales2') },
    { type: 'UPDATE', call: 'update', actor: user(AFTER_SALES), facts: facts(AFTER_SALES) },
    // One line only: a second would raise the total and make the graph infinite.
    ...(world.lines ? [] : [{ type: 'UPDATE', call: 'addLines', actor: user(CUSTODIAN), facts: facts(CUSTODIAN) } satisfies ModelEvent]),
    { type: 'CONFIRM', call: 'confirm', actor: user(CUSTODIAN), facts: facts(CUSTODIAN) },
    { type: 'CONFIRM', call: 'confirm', actor: user('sales2'), facts: facts('sales2') },
    { type: 'VOID', call: 'void', actor: user(CUSTODIAN), facts: facts(CUSTODIAN), reason: VOID_REASON },
    { type: 'VOID', call: 'void', actor: user(CUSTODIAN), facts: facts(CUSTODIAN), reason: BLANK },
    { type: 'VOID', call: 'void', actor: user('sales2'), facts: facts('sales2'), reason: VOID_REASON },
    { type: 'TERMINATE', call: 'terminate', actor: user('manager1'), facts: facts('manager1'), reason: TERMINATE_REASON },
    { type: 'TERMINATE', call: 'terminate', actor: user('manager1'), facts: facts('manager1'), reason: BLANK },
    { type: 'TERMINATE', call: 'terminate', actor: user(CUSTODIAN), facts: facts(CUSTODIAN), reason: TERMINATE_REASON },
    // C3: part of the total, the rest of it, one cent too much, nothing; by after-sales, then
    // by a stranger and by the pre-sales custodian (who no longer holds a formal customer).
    ...(cents(PARTIAL) < rest ? [pay(AFTER_SALES, PARTIAL)] : []),
    ...(rest > 0n ? [pay(AFTER_SALES, money.format(rest))] : []),
    pay(AFTER_SALES, money.format(rest + 1n)),
    pay(AFTER_SALES, '0.00'),
    pay('sales2', PARTIAL),
    pay(CUSTODIAN, PARTIAL),
  ];
}

/** Legal when some transition is enabled: not `snapshot.can`, false for a targetless transition without actions. */
const accepts = (state: ModelState, event: ModelEvent) => contractMachine.getTransitionData(state.contract, event).length > 0;

/** `contractMachine` decides; the world follows the call that was made. */
const modelLogic = fromTransition(
  (state: ModelState, event: ModelEvent): ModelState => {
    if (!accepts(state, event)) return state;
    const [contract] = transition(contractMachine, state.contract, event);
    const world = { ...state.world };
    if (event.call === 'update') world.filled = true;
    if (event.call === 'addLines') world.lines = true;
    if (event.call === 'recordPayment' && event.type === 'PAYMENT') world.paid = money.format(cents(world.paid) + cents(String(event.amount)));
    // P6: the customer becomes formal and passes to the policy's after-sales assignee.
    if (event.call === 'confirm') Object.assign(world, { stage: 'FORMAL', custodian: AFTER_SALES });
    return { contract, world };
  },
  ({ input }: { input: { customerId: string } }): ModelState => ({ contract: initialTransition(contractMachine, input)[0], world: START }),
);
type ModelSnapshot = SnapshotFrom<typeof modelLogic>;
type Path = StatePath<ModelSnapshot, ModelEvent>;

const stateOf = (s: ModelSnapshot) => statePath(s.context.contract.value);
const vertexKey = (s: ModelSnapshot) => `${stateOf(s)} ${JSON.stringify(s.context.world)}`;
const traversal: TraversalOptions<ModelSnapshot, ModelEvent, { customerId: string }> = {
  input: { customerId: 'model-customer' },
  events: (s) => candidates(s.context),
  filterEvents: (s, e) => accepts(s.context, e),
  serializeState: vertexKey,
};

const isInit = (e: { type: string }) => e.type === 'xstate.init';
const moves = (path: Path) => path.steps.filter((s) => !isInit(s.event));
const describeEvent = (e: ModelEvent) => `${nameOf(e.actor)} ${e.call}${e.type === 'PAYMENT' ? ` ${e.amount}` : ''}`;
const describeState = (s: ModelSnapshot) => (stateOf(s) === 'confirmed' ? `confirmed(paid ${s.context.world.paid})` : stateOf(s));
const pathName = (path: Path) => [describeState(path.steps[0]!.state), ...moves(path).map((s) => `[${describeEvent(s.event)}] ${describeState(s.state)}`)].join(' → ');
const transitionKey = (from: string, event: string, to: string) => `${from} ${event} → ${to}`;
/** The machine transitions a path walks: (state before, event, state after). */
const walked = (path: Path) => moves(path).map((s, i) => transitionKey(stateOf(path.steps[i]!.state), s.event.type, stateOf(s.state)));

/** The model graph's edges: every vertex with each call it accepts. */
function graphEdges(): { from: ModelSnapshot; event: ModelEvent; to: ModelSnapshot }[] {
  const map = getAdjacencyMap(modelLogic, traversal) as AdjacencyMap<ModelSnapshot, ModelEvent>;
  return Object.values(map).flatMap(({ state, transitions: out }) =>
    Object.values(out as Record<string, { event: ModelEvent; state: ModelSnapshot }>).map(({ event, state: to }) => ({ from: state, event, to })),
  );
}
const edgeKey = (from: ModelSnapshot, event: ModelEvent) => `${vertexKey(from)} ${JSON.stringify(event)}`;
/** The edges (vertex, accepted event) a path walks. */
const edgesOf = (path: Path) => moves(path).map((s, i) => edgeKey(path.steps[i]!.state, s.event));

/**
 * The shortest path to every vertex and the longest simple journeys; then, for every edge of the
 * model graph they leave out (a repeated UPDATE on a draft, the rest paid after one partial
 * payment), the shortest path to its source and that edge. Without duplicates.
 */
function generatePaths(): { shortest: Path[]; journeys: Path[]; edges: Path[]; all: Path[] } {
  const shortest = getShortestPaths(modelLogic, traversal);
  const simple = getSimplePaths(modelLogic, traversal);
  const longest = Math.max(...simple.map((p) => moves(p).length));
  const journeys = simple.filter((p) => moves(p).length === longest);
  const seen = new Set([...shortest, ...journeys].flatMap(edgesOf));
  const edges: Path[] = [];
  for (const { from, event, to } of graphEdges()) {
    if (seen.has(edgeKey(from, event))) continue;
    const prefix = shortest.find((p) => vertexKey(p.state) === vertexKey(from));
    if (!prefix) throw new Error(`no path to ${vertexKey(from)}`);
    edges.push({ state: to, steps: [...prefix.steps, { event, state: to }], weight: prefix.weight + 1 });
  }
  const byKey = new Map<string, Path>();
  for (const path of [...shortest, ...journeys, ...edges]) {
    const key = JSON.stringify(moves(path).map((s) => describeEvent(s.event)));
    if (!byKey.has(key)) byKey.set(key, path);
  }
  const all = [...byKey.values()].sort((a, b) => a.steps.length - b.steps.length || pathName(a).localeCompare(pathName(b)));
  return { shortest, journeys, edges, all };
}
const { shortest: SHORTEST, journeys: JOURNEYS, edges: EDGE_PATHS, all: PATHS } = generatePaths();

/** `source EVENT → target` for every transition the machine declares (targetless: source). */
function machineTransitions(): string[] {
  const result = new Set<string>();
  for (const node of Object.values(contractMachine.root.states)) {
    for (const [event, definitions] of node.transitions.entries()) {
      for (const t of definitions) result.add(transitionKey(node.key, event, t.target?.[0]?.key ?? node.key));
    }
  }
  return [...result].sort();
}

// ------------------------------------------------------------------------------------ the replay

describe('contract machine, model-based (through the services)', () => {
  let app: TestApp;
  const viewers = new Map<Username, Viewer>();
  const actors = new Map<Username, Actor>();
  /** Contracts the replays produced: their history is the coverage. */
  const replayed: string[] = [];
  /** Vertices whose refusals were already checked against the services. */
  const probed = new Set<string>();

  const viewerOf = (u: Username) => {
    const v = viewers.get(u);
    if (!v) throw new Error(`no viewer ${u}`);
    return v;
  };
  const actorOf = (u: Username) => {
    const a = actors.get(u);
    if (!a) throw new Error(`no actor ${u}`);
    return a;
  };
  const contractRow = async (id: string): Promise<ContractRow> => {
    const [row] = await app.database.db.select().from(contracts).where(eq(contracts.id, id));
    if (!row) throw new Error(`contract ${id} vanished`);
    return row;
  };
  const historyOf = (id: string) =>
    app.database.db.select().from(transitions).where(and(eq(transitions.entityType, 'contract'), eq(transitions.entityId, id))).orderBy(asc(transitions.id));
  const customerOf = async (id: string) => {
    const [row] = await app.services.customers.byIds([id]);
    if (!row) throw new Error(`customer ${id} vanished`);
    return row;
  };

  /** The call a model event stands for, by the model's user. */
  const perform = async (contractId: string, event: ModelEvent): Promise<unknown> => {
    const viewer = viewerOf(nameOf(event.actor));
    const services = app.services.contracts;
    switch (event.call) {
      case 'update':
        return services.update(viewer, contractId, COMPLETE as ContractInput);
      case 'addLines':
        return services.addLines(viewer, contractId, [LINE]);
      case 'confirm':
        return services.confirm(viewer, contractId);
      case 'void':
        return services.void(viewer, contractId, event.reason ?? '');
      case 'terminate':
        return services.terminate(viewer, contractId, event.reason ?? '');
      case 'recordPayment':
        if (event.type !== 'PAYMENT') throw new Error('recordPayment sends PAYMENT');
        return services.recordPayment(viewer, contractId, { amount: String(event.amount), paidAt: app.clock(), method: 'BANK_TRANSFER' });
    }
  };

  /** The facts the engine loads for this user now must be the ones the model assumed. */
  const expectFacts = async (row: ContractRow, username: Username, expected: ContractFacts, where: string) => {
    const real = await app.services.engine.facts(app.services.workflows.contract, row, actorOf(username));
    expect({ ...real, missing: Object.keys(real.missing).sort() }, `${where}: facts for ${username}`).toEqual({ ...expected, missing: Object.keys(expected.missing).sort() });
  };

  /** The contract row agrees with the model's vertex: state, total, paid. */
  const expectRowMatches = (row: ContractRow, expected: ModelSnapshot, where: string) => {
    expect(row.state, `${where}: state`).toBe(stateOf(expected));
    expect(row.total, `${where}: total`).toBe(totalOf(expected.context.world));
    expect(row.paid, `${where}: paid`).toBe(expected.context.world.paid);
  };

  /** P6: formal with after-sales once a contract was confirmed; otherwise still sales1's intent customer. */
  const expectCustomerMatches = async (customerId: string, world: World, where: string) => {
    const customer = await customerOf(customerId);
    // A formal customer has no term left to expire (P6); an intent customer's 15 days run.
    expect({ state: customer.state, stage: customer.stage, custodianId: customer.custodianId, term: customer.deadlineAt !== null }, `${where}: customer`).toEqual(
      world.stage === 'FORMAL'
        ? { state: 'formal', stage: 'FORMAL', custodianId: actorOf(AFTER_SALES).id, term: false }
        : { state: 'intent', stage: 'INTENT', custodianId: actorOf(CUSTODIAN).id, term: true },
    );
  };

  /**
   * Once per vertex: the facts of every candidate's user are the model's, and every call the
   * model refuses is refused by the services with a domain error, leaving the contract, its
   * history and the customer as they were.
   */
  const probeVertex = async (contractId: string, customerId: string, expected: ModelSnapshot) => {
    const key = vertexKey(expected);
    if (probed.has(key)) return;
    probed.add(key);
    const before = await contractRow(contractId);
    const historyBefore = await historyOf(contractId);
    const customerBefore = await customerOf(customerId);
    const events = candidates(expected.context);
    for (const username of new Set(events.map((e) => nameOf(e.actor)))) {
      await expectFacts(before, username, factsFor(expected.context.world, username), describeState(expected));
    }
    for (const event of events.filter((e) => !accepts(expected.context, e))) {
      const what = `${describeState(expected)}: ${describeEvent(event)}${event.reason !== undefined ? ` (reason ${JSON.stringify(event.reason)})` : ''} must be refused`;
      await expect(perform(contractId, event), what).rejects.toBeInstanceOf(DomainError);
    }
    expect(await contractRow(contractId), `${describeState(expected)}: refused calls change nothing`).toEqual(before);
    expect(await historyOf(contractId), `${describeState(expected)}: refused calls write no history`).toEqual(historyBefore);
    expect(await customerOf(customerId), `${describeState(expected)}: refused calls leave the customer`).toEqual(customerBefore);
  };

  beforeAll(async () => {
    app = await startTestApp({ policy: policyWith({ contract: { afterSalesAssignee: AFTER_SALES } }) });
    await runOnPublishedDefinition(app, 'contract'); // issue 7: the suite runs on a published definition
    for (const username of Object.keys(USERS) as Username[]) {
      viewers.set(username, await viewerFor(app, username));
      actors.set(username, await actorFor(app, username));
    }
  });
  afterAll(async () => app?.close());

  describe('the model', () => {
    it('should read every transition of the machine, including the targetless UPDATE and PAYMENT', () => {
      expect(machineTransitions()).toEqual(
        [
          'reserved UPDATE → draft',
          'reserved VOID → voided',
          'draft UPDATE → draft',
          'draft CONFIRM → confirmed',
          'draft VOID → voided',
          'confirmed PAYMENT → settled',
          'confirmed PAYMENT → confirmed',
          'confirmed TERMINATE → terminated',
        ].sort(),
      );
    });

    it('should generate paths from reserved to every final state, and walk every transition', () => {
      expect(PATHS.every((p) => stateOf(p.steps[0]!.state) === 'reserved')).toBe(true);
      expect(new Set(PATHS.map((p) => stateOf(p.state)))).toEqual(new Set(['reserved', 'draft', 'confirmed', 'settled', 'voided', 'terminated']));
      // Voided from reserved and from each kind of draft; terminated and settled after 0, 1 or 2 partial payments.
      expect(new Set(PATHS.filter((p) => stateOf(p.state) === 'voided').map((p) => JSON.stringify(p.state.context.world)))).toHaveProperty('size', 4);
      expect(new Set(PATHS.filter((p) => stateOf(p.state) === 'terminated').map((p) => p.state.context.world.paid))).toEqual(new Set(['0.00', '400.00', '800.00']));
      expect(new Set(PATHS.filter((p) => stateOf(p.state) === 'settled').map((p) => moves(p).filter((s) => s.event.type === 'PAYMENT').length))).toEqual(new Set([1, 2, 3]));
      // CONFIRM only once the C2 fields and a line are in.
      for (const path of PATHS) {
        for (const step of moves(path).filter((s) => s.event.type === 'CONFIRM')) expect(Object.keys(step.event.facts.missing), pathName(path)).toEqual([]);
      }
      const taken = new Set(PATHS.flatMap(walked));
      expect(machineTransitions().filter((t) => !taken.has(t))).toEqual([]);
      expect(SHORTEST.length).toBeGreaterThanOrEqual(15);
      expect(JOURNEYS.length).toBeGreaterThan(0);
      expect(EDGE_PATHS.length).toBeGreaterThan(0);
      expect(PATHS.length).toBeLessThanOrEqual(30);
      // Every edge of the model graph (every accepted call in every vertex) is walked by some path.
      const edges = graphEdges().map(({ from, event }) => edgeKey(from, event));
      const pathEdges = new Set(PATHS.flatMap(edgesOf));
      expect(edges.length).toBeGreaterThanOrEqual(19);
      expect(edges.filter((e) => !pathEdges.has(e))).toEqual([]);
    });
  });

  describe('replayed through the services', () => {
    for (const path of PATHS) {
      it(pathName(path), async () => {
        const customer = await intentCustomer(app, CUSTODIAN);
        const [first, ...rest] = path.steps;
        if (!first || !isInit(first.event)) throw new Error('a generated path starts with xstate.init');
        await expectCustomerMatches(customer.id, first.state.context.world, 'initial');
        const reserved = await app.services.contracts.reserve(viewerOf(CUSTODIAN), customer.id);
        replayed.push(reserved.id);
        expectRowMatches(reserved, first.state, 'reserve');
        expect(await historyOf(reserved.id), 'reserve: CREATE').toMatchObject([{ event: 'CREATE', fromState: null, toState: stateOf(first.state) }]);
        await probeVertex(reserved.id, customer.id, first.state);

        let previous = first.state;
        for (const [i, step] of rest.entries()) {
          const where = `step ${i + 1} (${describeEvent(step.event)})`;
          const username = nameOf(step.event.actor);
          const before = await contractRow(reserved.id);
          await expectFacts(before, username, step.event.facts, where);
          await perform(reserved.id, step.event);
          const after = await contractRow(reserved.id);
          expectRowMatches(after, step.state, where);
          expect(after.version, `${where}: version`).toBe(before.version + 1);
          // P10: CREATE, then one history row per event, with its actor.
          const history = await historyOf(reserved.id);
          expect(history, `${where}: history`).toHaveLength(i + 2);
          expect(history.at(-1), where).toMatchObject({ event: step.event.type, fromState: stateOf(previous), toState: stateOf(step.state), actorId: actorOf(username).id });
          await expectCustomerMatches(customer.id, step.state.context.world, where);
          await probeVertex(reserved.id, customer.id, step.state);
          previous = step.state;
        }

        // P6: a path through CONFIRM leaves a formal customer with after-sales, signed by this contract.
        const confirmed = moves(path).some((s) => s.event.type === 'CONFIRM');
        const customerHistory = await app.database.db.select().from(transitions).where(and(eq(transitions.entityType, 'customer'), eq(transitions.entityId, customer.id))).orderBy(asc(transitions.id));
        const signed = customerHistory.filter((h) => h.event === 'CONTRACT_SIGNED');
        if (confirmed) {
          expect((await customerOf(customer.id)).stage, 'P6').toBe('FORMAL');
          expect(signed, 'P6: signed once').toMatchObject([{ fromState: 'intent', toState: 'formal', payload: { contractId: reserved.id } }]);
        } else {
          expect((await customerOf(customer.id)).stage).toBe('INTENT');
          expect(signed).toEqual([]);
        }
        if (stateOf(path.state) === 'settled') expect((await contractRow(reserved.id)).paid).toBe(TOTAL);
      });
    }
  });

  // Runs last (vitest runs a file's tests in order): what the replays did on the database.
  describe('coverage', () => {
    it('should have taken every transition of the machine on the database', async () => {
      expect(replayed, 'every path was replayed').toHaveLength(PATHS.length);
      const history = await app.database.db
        .select()
        .from(transitions)
        .where(and(eq(transitions.entityType, 'contract'), inArray(transitions.entityId, replayed), ne(transitions.event, 'CREATE')));
      const taken = new Set(history.map((h) => transitionKey(h.fromState ?? '', h.event, h.toState)));
      const declared = machineTransitions();
      expect(declared.filter((t) => !taken.has(t)), 'transitions never taken').toEqual([]);
      expect([...taken].filter((t) => !declared.includes(t)), 'transitions the machine does not declare').toEqual([]);
      // The targetless PAYMENT left part of the total outstanding; the one that settled paid the rest.
      const payments = history.filter((h) => h.event === 'PAYMENT');
      expect(new Set(payments.filter((h) => h.toState === 'confirmed').map((h) => (h.payload as { amount?: string }).amount))).toEqual(new Set([PARTIAL]));
      expect(new Set(payments.filter((h) => h.toState === 'settled').map((h) => (h.payload as { amount?: string }).amount))).toEqual(new Set(['1000.00', '600.00', '200.00']));
    });
  });

  it('should have run every contract on the published version 2, and recorded it in history (issue 7)', async () => {
    expect(await machineVersionsUsed(app, 'contract')).toEqual({ instances: [2], history: [2] });
  });
});
