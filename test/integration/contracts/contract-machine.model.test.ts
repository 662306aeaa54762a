/**
 * Model-based tests of the contract machine (C1–C4, P6), on the shared harness (test/support/model*.ts).
 *
 * The guards of `contractMachine` read facts (who may edit, who may receive payments, what is
 * missing before confirmation, total and paid) that the engine computes from the database. So
 * the model is `contractMachine` plus a world that says what the database holds along a path:
 * whether the C2 fields were filled in, whether a product line was added (total 1000.00), what
 * has been paid, and the customer's stage and custodian (P6 hands a formal customer to
 * after-sales). Each candidate event is a service call by a demo user, with the facts that world
 * implies; the machine decides whether it is legal and where it goes.
 *
 * Paths (the shortest to every vertex, the longest simple journeys, and one per graph edge those
 * leave out) are replayed through the services, one fresh intent customer of sales1 per path.
 * Before every step the facts the engine loads must be the model's; after it the totals and the
 * customer (formal, with after-sales, after CONFIRM: P6) must be the model's. Refusals are tried
 * through the GraphQL mutations: among them edits and voiding after confirmation, confirmation
 * with fields missing (C2), another salesperson's edits (C1), payments by the wrong person, of
 * nothing or of too much (C3), voiding and terminating without a reason (C4).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contracts, transitions, type ContractRow, type Role } from '../../../src/platform/db/schema.js';
import type { ContractInput } from '../../../src/contracts/contract.service.js';
import { money } from '../../../src/platform/money.js';
import { startTestApp } from '../../support/app.js';
import { COMPLETE } from '../../support/contracts.js';
import { crewIntentCustomer, modelUser } from '../../support/crew.js';
import { contractDocument, contractGuardRules, contractMachine, type ContractEvent, type ContractFacts } from '../../support/machines.js';
import { buildModel, type ModelSpec, type ModelState } from '../../support/model.js';
import { describeModel, domainRefusal, graphqlRefusal, type ModelDriver, type RunContext } from '../../support/model-run.js';
import { policyWith } from '../../support/policy.js';

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
const user = (username: Username) => modelUser(username, USERS[username]);
const isUsername = (id: string | null): id is Username => id !== null && Object.hasOwn(USERS, id);
const nameOf = (e: { actor: { id: string | null } }): Username => {
  const id = e.actor.id;
  if (!isUsername(id)) throw new Error(`not a model user: ${id}`);
  return id;
};

/** One product line of 1000.00: the contract's total once it is added. */
const TOTAL = '1000.00';
const LINE = { description: '中央空调机组', quantity: '1', unitPrice: TOTAL };
/** Every C2 field, as the service takes it. */
const INPUT: ContractInput = { ...COMPLETE, paymentMethod: 'BANK_TRANSFER' };
/** A payment that leaves part of the total outstanding. */
const PARTIAL = '400.00';
const BLANK = ' ';
/** C2: what the model says is missing before confirmation (input paths, as the API names them). */
const C2_FIELDS = [
  'type',
  'signDate',
  'paymentMethod',
  'buyer.name',
  'buyer.address',
  'buyer.taxId',
  'buyer.contactName',
  'buyer.phone',
  'startDate',
  'endDate',
  'terms',
  'commitments',
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
type Call = 'update' | 'addLines' | 'confirm' | 'void' | 'terminate' | 'recordPayment';
/** A service call and the contract event it sends, with the facts the world implies. */
type Event = ContractEvent & { call: Call };
type Context = { customerId: string };
type State = ModelState<Context, World>;

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
    withinCredit: true, // no model customer has a credit limit (V5: credit.test.ts)
    actorReaches: true, // every model user is unscoped (T1's reach: department-reach.test.ts)
    missing: {
      ...(world.filled ? {} : Object.fromEntries(C2_FIELDS.map((f) => [`input.${f}`, 'is required before confirmation (C2)']))),
      ...(world.lines ? {} : { lines: 'add at least one product line' }),
    },
    total: totalOf(world),
    paid: world.paid,
  };
}

/** Every call the test knows, by the users who would plausibly make it; the machine decides. */
function candidates({ world }: State): Event[] {
  const by = (u: Username, call: Call, type: Exclude<Event['type'], 'PAYMENT'>, reason?: string): Event => ({
    type,
    call,
    actor: user(u),
    facts: factsFor(world, u),
    ...(reason !== undefined && { reason }),
  });
  const pay = (u: Username, amount: string): Event => ({ type: 'PAYMENT', call: 'recordPayment', actor: user(u), facts: factsFor(world, u), amount });
  const rest = cents(totalOf(world)) - cents(world.paid);
  return [
    by(CUSTODIAN, 'update', 'UPDATE'),
    by('sales2', 'update', 'UPDATE'),
    by(AFTER_SALES, 'update', 'UPDATE'),
    // One line only: a second would raise the total and make the graph infinite.
    ...(world.lines ? [] : [by(CUSTODIAN, 'addLines', 'UPDATE')]),
    by(CUSTODIAN, 'confirm', 'CONFIRM'),
    by('sales2', 'confirm', 'CONFIRM'),
    by(CUSTODIAN, 'void', 'VOID', '客户取消了本次采购'),
    by(CUSTODIAN, 'void', 'VOID', BLANK),
    by('sales2', 'void', 'VOID', '客户取消了本次采购'),
    by('manager1', 'terminate', 'TERMINATE', '客户违约，双方协商终止合同'),
    by('manager1', 'terminate', 'TERMINATE', BLANK),
    by(CUSTODIAN, 'terminate', 'TERMINATE', '客户违约，双方协商终止合同'),
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

const describeEvent = (e: Event) => `${nameOf(e)} ${e.call}${e.type === 'PAYMENT' ? ` ${e.amount}` : ''}${e.reason === BLANK ? ' (no reason)' : ''}`;
const RULES: Record<Call, string[]> = {
  update: ['C1', 'C2'],
  addLines: ['C1', 'C2'],
  confirm: ['C2', 'P6'],
  void: ['C4'],
  terminate: ['C4'],
  recordPayment: ['C3'],
};

const spec: ModelSpec<Context, Event, World> = {
  name: 'contract',
  machine: contractMachine,
  document: contractDocument,
  guardRules: contractGuardRules,
  input: { customerId: 'model-customer' },
  world: { filled: false, lines: false, paid: '0.00', stage: 'INTENT', custodian: CUSTODIAN },
  // T7: a departing owner's unconfirmed contracts are handed over in users/hand-over.test.ts.
  // V5: the model's customer has no credit limit; credit review is walked in contracts/credit.test.ts.
  elsewhere: ['HAND_OVER', 'CREDIT_APPROVED', 'CREDIT_REJECTED', 'draft CONFIRM → creditReview'],
  nextWorld: ({ world }, e) => ({
    ...world,
    ...(e.call === 'update' && { filled: true }),
    ...(e.call === 'addLines' && { lines: true }),
    ...(e.type === 'PAYMENT' && { paid: money.format(cents(world.paid) + cents(e.amount)) }),
    // P6: the customer becomes formal and passes to the policy's after-sales assignee.
    ...(e.call === 'confirm' && { stage: 'FORMAL', custodian: AFTER_SALES }),
  }),
  candidates,
  describeEvent,
  describeState: ({ state, world }) => `${state}(${[world.filled && 'filled', world.lines && 'line', `paid ${world.paid}`].filter(Boolean).join(', ')})`,
  rulesOf: (e) => RULES[e.call],
  journeys: 'longest',
  cover: 'edges',
  refusalOverride(state, e, predicted) {
    // The service checks C2 on a draft before the machine is asked, whoever confirms.
    if (e.call === 'confirm' && state.state === 'draft' && Object.keys(e.facts.missing).length > 0)
      return { code: 'BAD_USER_INPUT', rule: 'C2', message: 'The contract is not complete (C2)' };
    // The service refuses an amount of nothing as bad input, before the machine's C3 guard.
    if (e.type === 'PAYMENT' && cents(e.amount) <= 0n) return { code: 'BAD_USER_INPUT', rule: undefined, message: 'Invalid input' };
    return predicted;
  },
};
const model = buildModel(spec);

const MUTATIONS: Record<Call, string> = {
  update: `mutation($id: ID!, $i: ContractInput!) { updateContract(id: $id, input: $i) { id } }`,
  addLines: `mutation($id: ID!, $l: ContractLineInput!) { addContractLine(contractId: $id, input: $l) { id } }`,
  confirm: `mutation($id: ID!) { confirmContract(id: $id) { id } }`,
  void: `mutation($id: ID!, $r: String!) { voidContract(id: $id, reason: $r) { id } }`,
  terminate: `mutation($id: ID!, $r: String!) { terminateContract(id: $id, reason: $r) { id } }`,
  recordPayment: `mutation($id: ID!, $p: PaymentInput!) { recordPayment(contractId: $id, input: $p) { id } }`,
};

type Instance = { id: string; customerId: string };

/** The call a model event stands for, by the model's user, through the services. */
function perform({ app, crew }: RunContext, id: string, e: Event): Promise<unknown> {
  const viewer = crew.viewer(nameOf(e));
  const { contracts, contractLines, payments } = app.services;
  switch (e.call) {
    case 'update':
      return contracts.update(viewer, id, INPUT);
    case 'addLines':
      return contractLines.addLines(viewer, id, [LINE]);
    case 'confirm':
      return contracts.confirm(viewer, id);
    case 'void':
      return contracts.void(viewer, id, e.reason ?? '');
    case 'terminate':
      return contracts.terminate(viewer, id, e.reason ?? '');
    case 'recordPayment':
      if (e.type !== 'PAYMENT') throw new Error('recordPayment sends PAYMENT');
      return payments.recordPayment(viewer, id, { amount: e.amount, paidAt: app.clock(), method: 'BANK_TRANSFER' });
  }
}

const contractRow = async ({ app }: RunContext, id: string): Promise<ContractRow> => {
  const [row] = await app.database.db.select().from(contracts).where(eq(contracts.id, id));
  if (!row) throw new Error(`contract ${id} is gone`);
  return row;
};
const customerOf = async ({ app }: RunContext, id: string) => {
  const [row] = await app.services.customers.byIds([id]);
  if (!row) throw new Error(`customer ${id} is gone`);
  return row;
};

/** The facts the engine loads for this user now are the ones the model assumed. */
async function expectFacts(ctx: RunContext, id: string, username: Username, expected: ContractFacts, where: string) {
  const real = await ctx.app.services.engine.facts(ctx.app.services.workflows.contract, await contractRow(ctx, id), ctx.crew.actor(user(username)));
  const sorted = (f: ContractFacts) => ({ ...f, missing: Object.keys(f.missing).sort() });
  expect(sorted(real), `${where}: facts for ${username}`).toEqual(sorted(expected));
}

/** P6: formal with after-sales once a contract was confirmed; otherwise still sales1's intent customer, whose term runs. */
async function expectCustomer(ctx: RunContext, customerId: string, world: World, where: string) {
  const { crew } = ctx;
  const customer = await customerOf(ctx, customerId);
  expect({ state: customer.state, stage: customer.stage, custodianId: customer.custodianId, term: customer.deadlineAt !== null }, `${where}: customer`).toEqual(
    world.stage === 'FORMAL'
      ? { state: 'formal', stage: 'FORMAL', custodianId: crew.id(AFTER_SALES), term: false }
      : { state: 'intent', stage: 'INTENT', custodianId: crew.id(CUSTODIAN), term: true },
  );
}

const driver: ModelDriver<Context, Event, World, Instance> = {
  start: () => startTestApp({ policy: policyWith({ contract: { afterSales: { mode: 'USER', username: AFTER_SALES } } }) }),
  // auditor1 approves the customer's applications on the way to an intent customer.
  users: [...Object.keys(USERS), 'auditor1'],
  async create(ctx, start) {
    const customerId = await crewIntentCustomer(ctx.app, ctx.crew, CUSTODIAN);
    await expectCustomer(ctx, customerId, start.world, 'intent customer');
    return { id: (await ctx.app.services.contracts.reserve(ctx.crew.viewer(CUSTODIAN), customerId)).id, customerId };
  },
  async perform(ctx, { id }, { event }) {
    await expectFacts(ctx, id, nameOf(event), event.facts, describeEvent(event));
    await perform(ctx, id, event);
  },
  /** Through the mutation a client would use; a salesperson's terminate goes to the service, past the edge's role check (MANAGER), so that the machine's rule answers. */
  attempt(ctx, { id }, _state, e) {
    const { app, crew } = ctx;
    const roles: readonly Role[] = USERS[nameOf(e)];
    if (e.call === 'terminate' && !roles.includes('MANAGER')) return domainRefusal(perform(ctx, id, e));
    const variables = {
      id,
      ...(e.call === 'update' && { i: COMPLETE }),
      ...(e.call === 'addLines' && { l: LINE }),
      ...((e.call === 'void' || e.call === 'terminate') && { r: e.reason }),
      ...(e.type === 'PAYMENT' && { p: { amount: e.amount, paidAt: app.clock().toISOString(), method: 'BANK_TRANSFER' } }),
    };
    return graphqlRefusal(app, MUTATIONS[e.call], variables, crew.token(nameOf(e)));
  },
  async expectState(ctx, { id, customerId }, { world }, where) {
    expect(await contractRow(ctx, id), `${where}: totals`).toMatchObject({ total: totalOf(world), paid: world.paid });
    await expectCustomer(ctx, customerId, world, where);
  },
  observe: (ctx, { customerId }) => customerOf(ctx, customerId),
  async atVertex(ctx, { id }, probe) {
    const users = new Set([...probe.accepted, ...probe.refused.map((r) => r.event)].map(nameOf));
    for (const u of users) await expectFacts(ctx, id, u, factsFor(probe.vertex.world, u), probe.name);
  },
  /** P6: a path through CONFIRM leaves a formal customer with after-sales, signed by this contract, once. */
  async afterPath(ctx, { id, customerId }, path) {
    const history = await ctx.app.database.db
      .select()
      .from(transitions)
      .where(and(eq(transitions.entityType, 'customer'), eq(transitions.entityId, customerId)))
      .orderBy(asc(transitions.id));
    const signed = history.filter((h) => h.event === 'CONTRACT_SIGNED');
    const confirmed = path.steps.some((s) => s.event.type === 'CONFIRM');
    expect(signed, 'P6: signed once by a confirmed contract, never otherwise').toMatchObject(
      confirmed ? [{ fromState: 'intent', toState: 'formal', payload: { contractId: id } }] : [],
    );
    if (path.end.state === 'settled') expect((await contractRow(ctx, id)).paid).toBe(TOTAL);
  },
  /** The targetless PAYMENT left part of the total outstanding; the one that settled paid the rest. */
  async coverage({ app }, instances) {
    const payments = await app.database.db
      .select()
      .from(transitions)
      .where(and(eq(transitions.entityType, 'contract'), inArray(transitions.entityId, instances), eq(transitions.event, 'PAYMENT')));
    const amounts = (to: string) => new Set(payments.filter((h) => h.toState === to).map((h) => h.payload.amount));
    expect(amounts('confirmed')).toEqual(new Set([PARTIAL]));
    expect(amounts('settled')).toEqual(new Set(['1000.00', '600.00', '200.00']));
  },
};

describe('contract machine (model-based, through the services)', () => {
  describeModel(model, driver, () => {
    it('should read every transition of the machine, including the targetless UPDATE and PAYMENT', () => {
      const declared = ['reserved UPDATE → draft', 'reserved VOID → voided', 'draft UPDATE → draft', 'draft CONFIRM → confirmed', 'draft VOID → voided'];
      expect(model.declared).toEqual([...declared, 'confirmed PAYMENT → settled', 'confirmed PAYMENT → confirmed', 'confirmed TERMINATE → terminated'].sort());
    });

    it('should generate paths from reserved to every final state, voided and terminated from each kind of draft and payment (C2, C3, C4)', () => {
      const ends = (state: string) => model.paths.filter((p) => p.end.state === state);
      expect(model.paths.every((p) => p.start.state === 'reserved')).toBe(true);
      expect(new Set(model.paths.map((p) => p.end.state))).toEqual(new Set(['reserved', 'draft', 'confirmed', 'settled', 'voided', 'terminated']));
      // Voided from reserved and from each kind of draft; terminated and settled after 0, 1 or 2 partial payments.
      expect(new Set(ends('voided').map((p) => JSON.stringify(p.end.world))).size).toBe(4);
      expect(new Set(ends('terminated').map((p) => p.end.world.paid))).toEqual(new Set(['0.00', '400.00', '800.00']));
      expect(new Set(ends('settled').map((p) => p.steps.filter((s) => s.event.type === 'PAYMENT').length))).toEqual(new Set([1, 2, 3]));
      // CONFIRM only once the C2 fields and a line are in.
      for (const path of model.paths) {
        for (const step of path.steps.filter((s) => s.event.type === 'CONFIRM')) expect(Object.keys(step.event.facts.missing), path.name).toEqual([]);
      }
      expect(model.counts.shortest).toBeGreaterThanOrEqual(15);
      expect(model.counts.journeys).toBeGreaterThan(0);
      expect(model.counts.edges).toBeGreaterThan(0);
      expect(model.paths.length).toBeLessThanOrEqual(30);
      expect(model.graphEdges.length).toBeGreaterThanOrEqual(19);
    });

    it('should explore refusals: edits, confirming and voiding after confirmation, C2 missing fields, C1 editor, C3 payer and amounts, C4 reasons', () => {
      const refusalsAt = (state: string) =>
        new Set(
          model.probes
            .filter((p) => p.vertex.state === state)
            .flatMap((p) => p.refused.map((r) => `${r.event.call} ${r.expected.code} ${r.expected.rule ?? '-'}`)),
        );
      // A confirmed contract takes no edit and no void (C2, C4): the machine has no such transition, so no rule is named.
      expect(refusalsAt('confirmed')).toEqual(
        new Set([
          'update ILLEGAL_TRANSITION -',
          'confirm ILLEGAL_TRANSITION -',
          'void ILLEGAL_TRANSITION -',
          'terminate BAD_USER_INPUT C4',
          'terminate FORBIDDEN C4',
          'recordPayment BAD_USER_INPUT C3',
          'recordPayment BAD_USER_INPUT -',
          'recordPayment FORBIDDEN C3',
        ]),
      );
      expect(refusalsAt('draft')).toEqual(
        new Set([
          'update FORBIDDEN C1',
          'confirm BAD_USER_INPUT C2',
          'confirm FORBIDDEN C1',
          'void BAD_USER_INPUT C4',
          'void FORBIDDEN C1',
          'terminate ILLEGAL_TRANSITION -',
          'recordPayment ILLEGAL_TRANSITION -',
          'recordPayment BAD_USER_INPUT -',
        ]),
      );
    });
  });
});
