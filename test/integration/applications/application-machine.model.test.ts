/**
 * Model-based tests of the application (audit) machine (A2–A4), on the shared harness
 * (test/support/model*.ts), with a two-step policy: AUDITOR, then MANAGER.
 *
 * Candidate events at each vertex: every event type sent by every demo user, by a fixture user
 * who holds both deciding roles, and by the sweeper; REJECT also without a usable reason. The
 * machine decides which are accepted (the paths: every edge of the model graph, all simple
 * paths) and which refused: among them the applicant approving their own application (A2), the
 * fixture user deciding the second step after deciding the first (A2: one decision per person),
 * a decision by the wrong role, a withdrawal by someone else, REJECT without a reason (A3), a
 * lapse declared by a user (A4). At every distinct vertex the actions the engine offers each
 * user are the event types the model accepts from them.
 *
 * The world remembers the decisions taken (step, decider, decision): what the application's
 * GraphQL `steps { decisions }` must show. Paths a user can walk by mutations to a decision or a
 * withdrawal are replayed again through GraphQL, checking the decision's effect on the customer
 * in the same transaction (A4).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { transitions } from '../../../src/platform/db/schema.js';
import { DEMO_USERS } from '../../../src/demo/seed.js';
import { SYSTEM_SWEEPER, type Actor } from '../../../src/workflow/actor.js';
import { startTestApp } from '../../support/app.js';
import { createUser, crewCustomer, crewPendingApplication, modelUser } from '../../support/crew.js';
import {
  applicationDocument,
  applicationEvents,
  applicationGuardRules,
  applicationMachine,
  type ApplicationContext,
  type ApplicationEvent,
  type ApplicationFacts,
  type ApprovalStepSpec,
} from '../../support/machines.js';
import { buildModel, type ModelPath, type ModelSpec, type ModelState } from '../../support/model.js';
import { describeModel, domainRefusal, graphqlRefusal, type ModelDriver, type RunContext } from '../../support/model-run.js';
import { policyWith } from '../../support/policy.js';

const STEPS: ApprovalStepSpec[] = [
  { role: 'AUDITOR', mode: 'ANY' },
  { role: 'MANAGER', mode: 'ANY' },
];
/** The applicant: createCustomer opens the PROTECTION application in this user's name. */
const APPLICANT = 'sales1';
/** A fixture user (see `setup`) who holds both deciding roles. */
const LEAD = 'lead.model';
/** One user per role set of the demo (manager2, a second MANAGER for T1's departments, would only double the paths). */
const ROLE_USERS = DEMO_USERS.filter((u) => u.username !== 'manager2');
const MODEL_USERS: Actor[] = [...ROLE_USERS.map((u) => modelUser(u.username, u.roles)), modelUser(LEAD, ['AUDITOR', 'MANAGER'])];
const nameOf = (actor: Actor): string => (actor.kind === 'user' ? actor.id : 'system');

const NOTE = '资料齐全，同意保护';
const REASON = '地址缺少门牌号，请补充后重新提交';
const LAPSE_REASON = 'The customer is no longer in a state this application applies to';

interface Decision {
  step: number;
  username: string;
  decision: 'APPROVED' | 'REJECTED';
}
interface World {
  decisions: Decision[];
}
type State = ModelState<ApplicationContext, World>;
type Path = ModelPath<ApplicationContext, ApplicationEvent, World>;

/**
 * What the engine loads for guards: active holders of the current step's role, applicant and deciders excluded.
 * The model's users are all unscoped (T1's reach is tested in department-reach.test.ts).
 */
function factsFor(context: ApplicationContext): ApplicationFacts {
  const step = context.steps[context.step];
  if (!step) return { holders: 0, actorReaches: true };
  const earlier = context.deciders.filter((id) => !context.approvals.includes(id));
  const holds = (a: Actor) => a.kind === 'user' && a.roles.includes(step.role) && a.id !== APPLICANT && !earlier.includes(a.id);
  return { holders: MODEL_USERS.filter(holds).length, actorReaches: true };
}

/** Every event type from every candidate actor; REJECT also without a usable reason. */
function candidates({ context }: State): ApplicationEvent[] {
  const facts = factsFor(context);
  return [...MODEL_USERS, SYSTEM_SWEEPER].flatMap((actor): ApplicationEvent[] => [
    { type: 'APPROVE', note: NOTE, actor, facts },
    { type: 'REJECT', reason: REASON, actor, facts },
    { type: 'REJECT', reason: ' ', actor, facts },
    { type: 'WITHDRAW', actor, facts },
    { type: 'LAPSE', reason: LAPSE_REASON, actor, facts },
  ]);
}

const describeEvent = (e: ApplicationEvent) => `${nameOf(e.actor)} ${e.type}${e.type === 'REJECT' && e.reason === ' ' ? ' (no reason)' : ''}`;
/** `pending@1`, or the final state: where the application is, as the GraphQL status tells it. */
const stepOf = (s: State) => (s.done ? s.state : `${s.state}@${s.context.step}`);

const spec: ModelSpec<ApplicationContext, ApplicationEvent, World> = {
  name: 'application',
  machine: applicationMachine,
  document: applicationDocument,
  guardRules: applicationGuardRules,
  input: { applicantId: APPLICANT, steps: STEPS },
  world: { decisions: [] },
  // T7: a departing applicant's applications are handed over in users/hand-over.test.ts.
  elsewhere: ['HAND_OVER'],
  nextWorld: ({ context, world }, e) =>
    e.type === 'APPROVE' || e.type === 'REJECT'
      ? { decisions: [...world.decisions, { step: context.step, username: nameOf(e.actor), decision: e.type === 'APPROVE' ? 'APPROVED' : 'REJECTED' }] }
      : world,
  candidates,
  describeEvent,
  describeState: (s) => `${stepOf(s)}${s.context.deciders.length ? `(${s.context.deciders.join('+')})` : ''}`,
  rulesOf: (e) => (e.type === 'REJECT' ? ['A2', 'A3'] : e.type === 'LAPSE' ? ['A4'] : ['A2']),
  journeys: 'all',
  cover: 'edges',
};
const model = buildModel(spec);

const FIELDS = `id status customer { id state } steps { index role status decisions { decision decider { username } } }`;
const MUTATIONS: Partial<Record<ApplicationEvent['type'], string>> = {
  APPROVE: `mutation($id: ID!, $note: String) { r: approveApplication(id: $id, note: $note) { ${FIELDS} } }`,
  REJECT: `mutation($id: ID!, $reason: String!) { r: rejectApplication(id: $id, reason: $reason) { ${FIELDS} } }`,
  WITHDRAW: `mutation($id: ID!) { r: withdrawApplication(id: $id) { ${FIELDS} } }`,
};
interface Result {
  r: {
    status: string;
    customer: { state: string };
    steps: { index: number; role: string; decisions: { decision: string; decider: { username: string } }[] }[];
  };
}
const sends = (e: ApplicationEvent) => e.actor.kind === 'user' && MUTATIONS[e.type] !== undefined;
const mutation = (e: ApplicationEvent) => {
  const query = MUTATIONS[e.type];
  if (!query) throw new Error(`no mutation sends ${e.type}`);
  return { query, variables: { ...(e.type === 'APPROVE' && { note: e.note }), ...(e.type === 'REJECT' && { reason: e.reason }) } };
};
/** Paths a user can walk by mutations (LAPSE is the system's) that end in a decision or withdrawal. */
const userPaths = (paths: Path[]) => paths.filter((p) => p.end.done && p.steps.every((s) => sends(s.event)));

interface Instance {
  id: string;
  customerId: string;
}

const engineEvent = ({ type, actor: _actor, facts: _facts, ...inputs }: ApplicationEvent) => ({ type, ...inputs });

/** A4: the customer moves with the decision that closes the application; a withdrawn PROTECTION application counts as rejected (P1). */
const customerStateAfter = (s: State) =>
  s.state === 'approved' ? 'prospect.protected' : s.state === 'rejected' || s.state === 'withdrawn' ? 'prospect.rejected' : 'prospect.pendingAudit';

async function viaGraphql({ app, crew }: RunContext, { id }: Instance, e: ApplicationEvent, to: State): Promise<void> {
  const { query, variables } = mutation(e);
  const { r } = await app.ok<Result>(query, { id, ...variables }, crew.token(nameOf(e.actor)));
  const where = describeEvent(e);
  expect(r.status, where).toBe(to.state.toUpperCase());
  expect(r.steps.map((s) => s.role)).toEqual(STEPS.map((s) => s.role));
  expect(
    r.steps.flatMap((s) => s.decisions.map((d) => ({ step: s.index, username: d.decider.username, decision: d.decision }))),
    `${where}: decisions`,
  ).toEqual(to.world.decisions);
  expect(r.customer.state, `${where}: customer (A4)`).toBe(customerStateAfter(to));
}

const driver: ModelDriver<ApplicationContext, ApplicationEvent, World, Instance> = {
  start: () => startTestApp({ policy: policyWith({ application: { steps: { PROTECTION: STEPS } } }) }),
  users: ROLE_USERS.map((u) => u.username),
  setup: ({ app, crew }) => createUser(app, crew, LEAD, ['AUDITOR', 'MANAGER']),
  async create({ app, crew }) {
    const customerId = await crewCustomer(app, crew, APPLICANT);
    return { id: await crewPendingApplication(app, crew, customerId), customerId };
  },
  async perform(ctx, instance, { event, to }, transport) {
    if (transport === 'graphql') return viaGraphql(ctx, instance, event, to);
    await ctx.app.services.engine.apply(ctx.app.services.workflows.application, instance.id, engineEvent(event), ctx.crew.actor(event.actor));
  },
  attempt({ app, crew }, { id }, _state, e) {
    if (sends(e)) {
      const { query, variables } = mutation(e);
      return graphqlRefusal(app, query, { id, ...variables }, crew.token(nameOf(e.actor)));
    }
    return domainRefusal(app.services.engine.apply(app.services.workflows.application, id, engineEvent(e), crew.actor(e.actor)));
  },
  /** The row's snapshot holds the model's status and context (ids mapped to real users). */
  async expectState({ app, crew }, { id }, s, where) {
    const snapshot = (await app.services.applications.get(id)).snapshot as { status?: string; context?: ApplicationContext };
    expect(snapshot.status, `${where}: status`).toBe(s.done ? 'done' : 'active');
    expect(snapshot.context, `${where}: context`).toEqual({
      applicantId: crew.id(s.context.applicantId),
      steps: STEPS,
      step: s.context.step,
      approvals: s.context.approvals.map(crew.id),
      deciders: s.context.deciders.map(crew.id),
    });
  },
  /** The actions the engine offers each user are the non-internal event types the model accepts from them. */
  async atVertex({ app, crew }, { id }, probe) {
    const row = await app.services.applications.get(id);
    for (const actor of MODEL_USERS) {
      const offered = await app.services.engine.available(app.services.workflows.application, row, crew.actor(actor));
      const accepted = probe.accepted.filter((e) => e.actor === actor && !applicationEvents[e.type]?.internal).map((e) => e.type);
      expect(new Set(offered), `${probe.name}: actions offered to ${nameOf(actor)}`).toEqual(new Set(accepted));
    }
  },
  async afterPath({ app, crew }, { customerId }, path, transport) {
    const [customer] = await app.services.customers.byIds([customerId]);
    if (transport === 'engine') {
      // The engine moves only the application: the customer is the service's business (A4).
      expect(customer?.state).toBe('prospect.pendingAudit');
      return;
    }
    if (path.end.state !== 'approved') return;
    expect(customer).toMatchObject({ state: 'prospect.protected', custodianId: crew.id(APPLICANT) });
    const history = await app.database.db.select().from(transitions).where(eq(transitions.entityId, customerId)).orderBy(asc(transitions.id));
    expect(history.map((h) => [h.event, h.toState])).toEqual([
      ['CREATE', 'prospect.pendingAudit'],
      ['PROTECTION_APPROVED', 'prospect.protected'],
    ]);
    // Recorded with the final decider (A4, P10).
    expect(history[1]?.actorId).toBe(crew.id(path.end.context.deciders.at(-1) ?? ''));
  },
  graphql: { sends, paths: userPaths },
  /** The targetless APPROVE advanced the step (not only recorded an approval). */
  async coverage({ app }, instances) {
    const advanced = await app.database.db
      .select()
      .from(transitions)
      .where(
        and(
          eq(transitions.entityType, 'application'),
          inArray(transitions.entityId, instances),
          eq(transitions.event, 'APPROVE'),
          eq(transitions.toState, 'pending'),
        ),
      );
    expect(advanced.length).toBeGreaterThan(0);
    for (const h of advanced) {
      const row = await app.services.applications.get(h.entityId);
      expect((row.snapshot as { context: ApplicationContext }).context.step, `application ${h.entityId}`).toBeGreaterThanOrEqual(1);
    }
  },
};

describe('application machine (model-based, two steps: AUDITOR then MANAGER)', () => {
  describeModel(model, driver, () => {
    it('should generate paths that reach every final state, through both steps', () => {
      expect(new Set(model.paths.map((p) => stepOf(p.end)))).toEqual(new Set(['pending@0', 'pending@1', 'approved', 'rejected', 'withdrawn', 'lapsed']));
      // Every end state but `approved` is reached both from step 0 and from step 1.
      for (const end of ['rejected', 'withdrawn', 'lapsed']) {
        expect(new Set(model.paths.filter((p) => p.end.state === end).map((p) => p.end.context.step)), end).toEqual(new Set([0, 1]));
      }
      // Approved by one decider per step; never twice by the one who holds both roles (A2).
      expect(model.paths.filter((p) => p.end.state === 'approved').map((p) => p.steps.map((s) => describeEvent(s.event)))).toEqual([
        ['auditor1 APPROVE', 'lead.model APPROVE'],
        ['auditor1 APPROVE', 'manager1 APPROVE'],
        ['lead.model APPROVE', 'manager1 APPROVE'],
      ]);
    });

    it('should pick every path a user can walk to a decision or withdrawal, at both steps, for GraphQL', () => {
      expect(
        userPaths(model.paths)
          .map((p) => stepOf(p.end))
          .sort(),
      ).toEqual(['approved', 'approved', 'approved', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'withdrawn', 'withdrawn', 'withdrawn']);
    });

    it('should know every transition of the machine, including the targetless APPROVE', () => {
      expect(new Set(model.declared)).toEqual(
        new Set([
          'pending APPROVE → approved',
          'pending APPROVE → pending',
          'pending REJECT → rejected',
          'pending WITHDRAW → withdrawn',
          'pending LAPSE → lapsed',
        ]),
      );
    });

    it('should explore a refusal by every guard that can refuse: own application, wrong role, second decision (A2), no reason (A3), lapse by a user (A4)', () => {
      const refusals = new Set(model.probes.flatMap((p) => p.refused.map((r) => r.expected.message)));
      // completesLastStep only chooses between the two APPROVE transitions: the other one takes the event.
      // handsOver (T7) refuses in users/hand-over.test.ts, which sends HAND_OVER; actorReaches (T1) in
      // users/departments.test.ts, which has a department manager (the model's users are all unscoped).
      const { completesLastStep: _choice, handsOver: _elsewhere, actorReaches: _departments, ...refusing } = applicationGuardRules;
      for (const [guard, info] of Object.entries(refusing)) expect(refusals.has(info.message), guard).toBe(true);
    });
  });
});
