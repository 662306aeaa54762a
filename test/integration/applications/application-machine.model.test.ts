/**
 * Model-based tests of the application (audit) machine (A2–A4).
 *
 * `xstate/graph` walks the pure `applicationMachine` with a two-step policy (AUDITOR, then
 * MANAGER) from its initial state, trying every candidate event (each event type sent by each
 * demo user and by the sweeper, with and without a usable reason), and keeps only the events the
 * machine accepts. Every generated path is then replayed on a real database through the real
 * engine, with the real demo users, checking after each step that the row's state, status and
 * context (step, approvals, deciders) are what the model says. At every state reached, the
 * events the model refuses must be refused by the engine too, and the actions the engine offers
 * each user must be the ones the model accepts. Some paths are replayed again through the
 * GraphQL mutations, checking the decision's effect on the customer (A4).
 *
 * The last tests fail if any transition of the machine (source state, event, target, including
 * the targetless APPROVE that advances a step) was never taken, in the model or on the database.
 */
import { machineVersionsUsed, runOnPublishedDefinition } from '../../support/policy.js';
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { getAdjacencyMap, getShortestPaths, getSimplePaths, serializeSnapshot, type StatePath, type TraversalOptions } from 'xstate/graph';
import { applications, transitions, type Role } from '../../../src/platform/db/schema.js';
import { DEMO_USERS } from '../../../src/demo/seed.js';
import { DomainError } from '../../../src/platform/errors.js';
import { SYSTEM_SWEEPER, type Actor } from '../../../src/workflow/actor.js';
import { statePath } from '../../../src/workflow/machine-paths.js';
import { applicationEvents, applicationMachine } from '../../../src/applications/application.workflow.js';
import {
  type ApplicationContext,
  type ApplicationEvent,
  type ApplicationFacts,
  type ApprovalStepSpec,
} from '../../../src/applications/application.machine.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { actorFor, createCustomer, pendingApplication } from '../../support/customers.js';
import { policyWith } from '../../support/policy.js';

type Snapshot = SnapshotFrom<typeof applicationMachine>;
type Path = StatePath<Snapshot, ApplicationEvent>;

// ------------------------------------------------------------------------------------ the model

const STEPS: ApprovalStepSpec[] = [
  { role: 'AUDITOR', mode: 'ANY' },
  { role: 'MANAGER', mode: 'ANY' },
];
/** The applicant: createCustomer opens the PROTECTION application in this user's name. */
const APPLICANT = 'sales1';
const SYSTEM = 'system';

/** In the model a user's id is their username; the replay maps it to the real id. */
const MODEL_USERS: Actor[] = DEMO_USERS.map((u) => ({ kind: 'user', id: u.username, roles: u.roles, displayName: u.displayName }));
const CANDIDATE_ACTORS: Actor[] = [...MODEL_USERS, SYSTEM_SWEEPER];
const nameOf = (actor: Actor): string => (actor.kind === 'user' ? actor.id : SYSTEM);

const NOTE = '资料齐全，同意保护';
const REASON = '地址缺少门牌号，请补充后重新提交';
const LAPSE_REASON = 'The customer is no longer in a state this application applies to';

/** What the engine loads for guards: active holders of the current step's role, applicant excluded. */
function factsFor(context: ApplicationContext): ApplicationFacts {
  const step = context.steps[context.step];
  if (!step) return { holders: 0 };
  return { holders: DEMO_USERS.filter((u) => u.username !== APPLICANT && u.roles.includes(step.role as Role)).length };
}

/** Every event type from every candidate actor; REJECT also without a usable reason. */
function candidateEvents(snapshot: Snapshot): ApplicationEvent[] {
  const facts = factsFor(snapshot.context);
  return CANDIDATE_ACTORS.flatMap((actor): ApplicationEvent[] => [
    { type: 'APPROVE', note: NOTE, actor, facts },
    { type: 'REJECT', reason: REASON, actor, facts },
    { type: 'REJECT', reason: ' ', actor, facts },
    { type: 'WITHDRAW', actor, facts },
    { type: 'LAPSE', reason: LAPSE_REASON, actor, facts },
  ]);
}

const traversal: TraversalOptions<Snapshot, ApplicationEvent, { applicantId: string; steps: ApprovalStepSpec[] }> = {
  input: { applicantId: APPLICANT, steps: STEPS },
  events: candidateEvents,
  // Keep the events the machine accepts (the engine asks `can` too: a refused event is no edge).
  filterEvents: (snapshot, event) => snapshot.can(event),
};

const stateOf = (s: Snapshot) => statePath(s.value);
const describeEvent = (e: ApplicationEvent) => (isInit(e) ? e.type : `${nameOf(e.actor)} ${e.type}`);
const describeState = (s: Snapshot) => (s.status === 'active' ? `${stateOf(s)}@${s.context.step}` : stateOf(s));
const isInit = (e: ApplicationEvent | { type: string }) => e.type === 'xstate.init';
/** The steps after the initial one (xstate/graph prefixes each path with an `xstate.init` step). */
const moves = (path: Path) => path.steps.filter((s) => !isInit(s.event));
const pathName = (path: Path) => [describeState(path.steps[0]!.state), ...moves(path).map((s) => `[${describeEvent(s.event)}] ${describeState(s.state)}`)].join(' → ');

/** Shortest and simple paths from the initial state to every state, without duplicates. */
function generatePaths(): Path[] {
  const byKey = new Map<string, Path>();
  for (const path of [...getShortestPaths(applicationMachine, traversal), ...getSimplePaths(applicationMachine, traversal)]) {
    const key = JSON.stringify(moves(path).map((s) => [s.event.type, nameOf(s.event.actor)]));
    if (!byKey.has(key)) byKey.set(key, path);
  }
  return [...byKey.values()].sort((a, b) => a.steps.length - b.steps.length || pathName(a).localeCompare(pathName(b)));
}

const PATHS = generatePaths();

/** `source EVENT → target` for every transition definition of the machine (targetless: source). */
function machineTransitions(): string[] {
  return Object.values(applicationMachine.root.states).flatMap((node) =>
    [...node.transitions.entries()].flatMap(([event, defs]) => defs.map((t) => `${node.key} ${event} → ${t.target?.[0]?.key ?? node.key}`)),
  );
}
const transitionKey = (from: string, event: string, to: string) => `${from} ${event} → ${to}`;

// ------------------------------------------------------------------------------------ the replay

describe('application machine, model-based (two steps: AUDITOR then MANAGER)', () => {
  let app: TestApp;
  const actors = new Map<string, Actor>();
  /** Applications replayed through the engine / through GraphQL (their history is the coverage). */
  const replayed: string[] = [];
  /** States whose refusals and offered actions were already checked against the engine. */
  const probed = new Set<string>();

  const realActor = (modelActor: Actor): Actor => {
    if (modelActor.kind === 'system') return SYSTEM_SWEEPER;
    const actor = actors.get(modelActor.id);
    if (!actor) throw new Error(`no real actor for ${modelActor.id}`);
    return actor;
  };
  const realId = (username: string) => {
    const actor = actors.get(username);
    if (!actor || actor.kind !== 'user') throw new Error(`no real user ${username}`);
    return actor.id;
  };
  const historyOf = (id: string) =>
    app.database.db.select().from(transitions).where(and(eq(transitions.entityType, 'application'), eq(transitions.entityId, id))).orderBy(asc(transitions.id));
  const applicationRow = async (id: string) => {
    const [row] = await app.database.db.select().from(applications).where(eq(applications.id, id));
    if (!row) throw new Error(`application ${id} vanished`);
    return row;
  };

  /** The row must be in the model's state, with the model's context (ids mapped to real users). */
  const expectRowMatches = async (id: string, expected: Snapshot, where: string) => {
    const row = await applicationRow(id);
    const snapshot = row.snapshot as { status?: string; context?: ApplicationContext };
    expect(row.state, `${where}: state`).toBe(stateOf(expected));
    expect(snapshot.status, `${where}: status`).toBe(expected.status);
    expect(snapshot.context?.step, `${where}: step`).toBe(expected.context.step);
    expect(snapshot.context, `${where}: context`).toEqual({
      applicantId: realId(expected.context.applicantId),
      steps: STEPS,
      step: expected.context.step,
      approvals: expected.context.approvals.map(realId),
      deciders: expected.context.deciders.map(realId),
    });
    return row;
  };

  /**
   * Once per model state: every candidate event the model refuses, the engine refuses too
   * (with a domain error, the row untouched), and the actions the engine offers each user are
   * the non-internal event types the model accepts from that user.
   */
  const probeState = async (id: string, expected: Snapshot) => {
    const key = serializeSnapshot(expected);
    if (probed.has(key)) return;
    probed.add(key);
    const before = await applicationRow(id);
    for (const event of candidateEvents(expected)) {
      if (expected.can(event)) continue;
      const { type, actor, facts: _facts, ...inputs } = event;
      const attempt = app.services.engine.apply(app.services.workflows.application, id, { type, ...inputs }, realActor(actor));
      await expect(attempt, `${describeState(expected)}: ${describeEvent(event)} ${JSON.stringify(inputs)} must be refused`).rejects.toBeInstanceOf(DomainError);
    }
    expect(await applicationRow(id), `${describeState(expected)}: refused events change nothing`).toEqual(before);
    for (const modelActor of MODEL_USERS) {
      const offered = await app.services.engine.available(app.services.workflows.application, before, realActor(modelActor));
      const accepted = new Set(
        candidateEvents(expected)
          .filter((e) => e.actor === modelActor && !applicationEvents[e.type]?.internal && expected.can(e))
          .map((e) => e.type),
      );
      expect(new Set(offered), `${describeState(expected)}: actions offered to ${nameOf(modelActor)}`).toEqual(accepted);
    }
  };

  beforeAll(async () => {
    app = await startTestApp({ policy: policyWith({ application: { steps: { PROTECTION: STEPS } } }) });
    await runOnPublishedDefinition(app, 'application'); // issue 7: the suite runs on a published definition
    for (const u of DEMO_USERS) actors.set(u.username, await actorFor(app, u.username));
  });
  afterAll(async () => app?.close());

  it('should generate paths that reach every final state, through both steps', () => {
    const ends = new Set(PATHS.map((p) => describeState(p.state)));
    expect(ends).toEqual(new Set(['pending@0', 'pending@1', 'approved', 'rejected', 'withdrawn', 'lapsed']));
    // Every end state but `approved` is reached both from step 0 and from step 1.
    for (const end of ['rejected', 'withdrawn', 'lapsed']) {
      expect(new Set(PATHS.filter((p) => describeState(p.state) === end).map((p) => p.state.context.step)), end).toEqual(new Set([0, 1]));
    }
    expect(PATHS.find((p) => stateOf(p.state) === 'approved')?.steps.map((s) => describeEvent(s.event))).toEqual(['xstate.init', 'auditor1 APPROVE', 'manager1 APPROVE']);
  });

  describe('replayed through the engine', () => {
    for (const path of PATHS) {
      it(pathName(path), async () => {
        const customer = await createCustomer(app, APPLICANT);
        const application = await pendingApplication(app, customer.id);
        replayed.push(application.id);
        const [first, ...rest] = path.steps;
        if (!first) throw new Error('empty path');
        let before = await expectRowMatches(application.id, first.state, 'initial');
        await probeState(application.id, first.state);
        for (const [i, step] of rest.entries()) {
          const { type, actor, facts: _facts, ...inputs } = step.event;
          const where = `step ${i + 1} (${describeEvent(step.event)})`;
          const result = await app.services.engine.apply(app.services.workflows.application, application.id, { type, ...inputs }, realActor(actor));
          expect(result.to, where).toBe(stateOf(step.state));
          const after = await expectRowMatches(application.id, step.state, where);
          expect(after.version, where).toBe(before.version + 1);
          // P10: CREATE, then one history row per transition, with its actor.
          const history = await historyOf(application.id);
          expect(history, where).toHaveLength(i + 2);
          expect(history.at(-1), where).toMatchObject({ event: type, fromState: before.state, toState: after.state, actorId: realActor(actor).id });
          await probeState(application.id, step.state);
          before = after;
        }
        // The engine moves only the application: the customer is the service's business (A4).
        const [after] = await app.services.customers.byIds([customer.id]);
        expect(after?.state).toBe('prospect.pendingAudit');
      });
    }
  });

  describe('replayed through GraphQL (A2–A4)', () => {
    const FIELDS = `id status customer { id state } steps { index role status decisions { decision decider { username } } }`;
    const MUTATIONS: Record<string, string> = {
      APPROVE: `mutation($id: ID!, $note: String) { r: approveApplication(id: $id, note: $note) { ${FIELDS} } }`,
      REJECT: `mutation($id: ID!, $reason: String!) { r: rejectApplication(id: $id, reason: $reason) { ${FIELDS} } }`,
      WITHDRAW: `mutation($id: ID!) { r: withdrawApplication(id: $id) { ${FIELDS} } }`,
    };
    /** Paths a user can walk by mutations (LAPSE is the system's) that end in a decision or withdrawal. */
    const userPaths = PATHS.filter((p) => p.state.status === 'done' && moves(p).every((s) => s.event.actor.kind === 'user'));

    it('should pick every path a user can walk to a decision or withdrawal, at both steps', () => {
      expect(userPaths.map((p) => describeState(p.state)).sort()).toEqual(['approved', 'rejected', 'rejected', 'withdrawn', 'withdrawn']);
    });

    for (const path of userPaths) {
      it(pathName(path), async () => {
        const customer = await createCustomer(app, APPLICANT);
        const application = await pendingApplication(app, customer.id);
        replayed.push(application.id);
        const decisions: { step: number; username: string; decision: string }[] = [];
        let previous = path.steps[0]!.state;
        for (const step of moves(path)) {
          const event = step.event;
          const username = nameOf(event.actor);
          const vars = { id: application.id, ...(event.type === 'APPROVE' && { note: event.note }), ...(event.type === 'REJECT' && { reason: event.reason }) };
          const { r } = await app.ok<{ r: { status: string; customer: { state: string }; steps: { index: number; role: string; status: string; decisions: { decision: string; decider: { username: string } }[] }[] } }>(
            MUTATIONS[event.type]!,
            vars,
            await app.login(username),
          );
          if (event.type === 'APPROVE' || event.type === 'REJECT') decisions.push({ step: previous.context.step, username, decision: event.type === 'APPROVE' ? 'APPROVED' : 'REJECTED' });
          expect(r.status).toBe(stateOf(step.state).toUpperCase());
          await expectRowMatches(application.id, step.state, describeEvent(event));
          expect(r.steps.map((s) => s.role)).toEqual(STEPS.map((s) => s.role));
          expect(r.steps.flatMap((s) => s.decisions.map((d) => ({ step: s.index, username: d.decider.username, decision: d.decision })))).toEqual(decisions);
          // A4: the customer moves with the decision that closes the application, in the same transaction.
          // A withdrawn PROTECTION application counts as a rejection for the customer (P1).
          const closedWithoutApproval = stateOf(step.state) === 'rejected' || stateOf(step.state) === 'withdrawn';
          const customerState = stateOf(step.state) === 'approved' ? 'prospect.protected' : closedWithoutApproval ? 'prospect.rejected' : 'prospect.pendingAudit';
          expect(r.customer.state, `${describeEvent(event)}: customer`).toBe(customerState);
          previous = step.state;
        }
        if (stateOf(path.state) === 'approved') {
          const [protectedRow] = await app.services.customers.byIds([customer.id]);
          expect(protectedRow).toMatchObject({ state: 'prospect.protected', custodianId: realId(APPLICANT) });
          const history = await app.database.db.select().from(transitions).where(eq(transitions.entityId, customer.id)).orderBy(asc(transitions.id));
          expect(history.map((h) => [h.event, h.toState])).toEqual([
            ['CREATE', 'prospect.pendingAudit'],
            ['PROTECTION_APPROVED', 'prospect.protected'],
          ]);
          // Recorded with the final decider (A4, P10).
          expect(history[1]?.actorId).toBe(realId('manager1'));
        }
      });
    }
  });

  describe('coverage', () => {
    const expected = machineTransitions();

    it('should know every transition of the machine, including the targetless APPROVE', () => {
      expect(new Set(expected)).toEqual(
        new Set(['pending APPROVE → approved', 'pending APPROVE → pending', 'pending REJECT → rejected', 'pending WITHDRAW → withdrawn', 'pending LAPSE → lapsed']),
      );
    });

    it('should walk every edge of the model graph and every transition of the machine in the generated paths', () => {
      const edges = new Set(PATHS.flatMap((p) => moves(p).map((s, i) => `${serializeSnapshot(p.steps[i]!.state)} ${JSON.stringify(s.event)}`)));
      const adjacency = getAdjacencyMap(applicationMachine, traversal);
      const graphEdges = Object.values(adjacency).flatMap((v) => Object.values(v.transitions as Record<string, { event: ApplicationEvent }>).map((t) => `${serializeSnapshot(v.state)} ${JSON.stringify(t.event)}`));
      expect(graphEdges.length).toBeGreaterThanOrEqual(8);
      expect(graphEdges.filter((e) => !edges.has(e))).toEqual([]);
      const walked = new Set(PATHS.flatMap((p) => moves(p).map((s, i) => transitionKey(stateOf(p.steps[i]!.state), s.event.type, stateOf(s.state)))));
      expect(expected.filter((t) => !walked.has(t))).toEqual([]);
    });

    it('should have taken every transition of the machine on the database', async () => {
      expect(replayed.length, 'the replays ran').toBe(PATHS.length + PATHS.filter((p) => p.state.status === 'done' && moves(p).every((s) => s.event.actor.kind === 'user')).length);
      const history = await app.database.db
        .select()
        .from(transitions)
        .where(and(eq(transitions.entityType, 'application'), inArray(transitions.entityId, replayed), ne(transitions.event, 'CREATE')));
      const taken = new Set(history.map((h) => transitionKey(h.fromState ?? '', h.event, h.toState)));
      expect(expected.filter((t) => !taken.has(t))).toEqual([]);
      // The targetless APPROVE advanced the step (not only recorded an approval).
      const advanced = history.filter((h) => h.event === 'APPROVE' && h.fromState === 'pending' && h.toState === 'pending');
      expect(advanced.length).toBeGreaterThan(0);
      for (const h of advanced) {
        const row = await applicationRow(h.entityId);
        expect((row.snapshot as { context: ApplicationContext }).context.step, `application ${h.entityId}`).toBeGreaterThanOrEqual(1);
      }
    });
  });

  it('should have run every application on the published version 2, and recorded it in history (issue 7)', async () => {
    expect(await machineVersionsUsed(app, 'application')).toEqual({ instances: [2], history: [2] });
  });
});
