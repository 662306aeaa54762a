/**
 * Issue 7, machines as designers change them: validate, publish, run instances on the version
 * they remember, migrate them on purpose, and send the events a published version adds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { customers, transitions } from '../../../src/platform/db/schema.js';
import { customerDocument } from '../../../src/customers/customer.machine.js';
import type { WorkflowDocument } from '../../../src/workflow/document.js';
import { DAY } from '../../support/clock.js';
import { onPostgres, startTestApp, type TestApp } from '../../support/app.js';
import { protectedCustomer } from '../../support/customers.js';

const copy = (): WorkflowDocument => JSON.parse(JSON.stringify(customerDocument)) as WorkflowDocument;

/** The edit from the issue: a custodian puts a protected prospect on hold (HOLD) and resumes it (RESUME). */
function withHold(): WorkflowDocument {
  const doc = copy();
  doc.events.HOLD = { label: '暂停 Hold', inputs: [{ name: 'reason', type: 'String', required: true }] };
  doc.events.RESUME = { label: '恢复 Resume', inputs: [] };
  doc.states.prospect!.states!.protected!.on!.HOLD = { target: 'onHold', guard: { and: ['isCustodian', 'hasReason'] } };
  doc.states.prospect!.states!.onHold = {
    meta: {
      label: '暂停 On hold',
      description: 'The customer asked for a pause of at most the intent term (15 days); then it goes to the pool (P2: nobody keeps a customer forever).',
      deadline: { event: 'TERM_EXPIRED', term: 'intentTerm' },
    },
    on: { RESUME: { target: 'protected', guard: 'isCustodian' }, TERM_EXPIRED: { target: '#customer.pool', guard: 'isSystem', actions: 'releaseCustody' } },
  };
  return doc;
}

const VALIDATE = `query($n: String!, $d: JSON!, $m: JSON) { validateWorkflow(name: $n, definition: $d, stateMapping: $m) { valid problems { path message } } }`;
const PUBLISH = `mutation($n: String!, $d: JSON!, $note: String!, $m: JSON, $v: Int) {
  publishWorkflow(name: $n, definition: $d, note: $note, stateMapping: $m, expectedVersion: $v) { name version states { path } events { name } mermaid }
}`;
const SEND = `mutation($id: ID!, $e: String!, $i: JSON) {
  sendWorkflowEvent(workflow: "customer", id: $id, event: $e, input: $i) { workflow id state machineVersion customer { state stage deadlineAt availableActions { event label inputs { name required } } } }
}`;
const ACTIONS = `query($id: ID!) { customer(id: $id) { machineVersion state availableActions { event } } }`;
const MIGRATE = `mutation($n: String!, $v: Int!, $m: JSON) { migrateWorkflowInstances(name: $n, toVersion: $v, stateMapping: $m) { workflow toVersion migrated moves { fromVersion from to count } } }`;

describe('workflow designers change machines (issue 7, P11)', () => {
  let app: TestApp;
  let designer: string;
  let sales1: string;
  beforeAll(async () => {
    app = await startTestApp();
    designer = await app.login('designer1');
    sales1 = await app.login('sales1');
  });
  afterAll(async () => app?.close());

  const actions = async (id: string, token = sales1) => (await app.ok(ACTIONS, { id }, token)).customer;

  it('should serve each machine’s document and its versions, version 1 being the repository’s', async () => {
    const data = await app.ok(`{ workflow(name: "customer") { version definition versions { version note author { username } } } }`, {}, designer);
    expect(data.workflow.version).toBe(1);
    expect(data.workflow.definition).toEqual(customerDocument);
    expect(data.workflow.versions).toEqual([{ version: 1, note: null, author: null }]);
  });

  let onV1: string;
  let fresh: string;
  it('should publish a valid edit (prospect.onHold via HOLD/RESUME) that changes availableActions for a fresh instance only', async () => {
    onV1 = (await protectedCustomer(app, 'sales1')).id;
    expect(await app.ok(VALIDATE, { n: 'customer', d: withHold() }, designer)).toEqual({ validateWorkflow: { valid: true, problems: [] } });
    const published = (await app.ok(PUBLISH, { n: 'customer', d: withHold(), note: '客户可申请暂停跟进', v: 1 }, designer)).publishWorkflow;
    expect(published.version).toBe(2);
    expect(published.states.map((s: { path: string }) => s.path)).toContain('prospect.onHold');
    expect(published.mermaid).toContain('prospect_protected --> prospect_onHold: HOLD');

    fresh = (await protectedCustomer(app, 'sales1')).id;
    expect(await actions(fresh)).toEqual({
      machineVersion: 2,
      state: 'prospect.protected',
      availableActions: [{ event: 'ABANDON' }, { event: 'ADD_COLLABORATOR' }, { event: 'LOCK' }, { event: 'HOLD' }],
    });
    // An instance keeps the version it started on until it is migrated.
    expect(await actions(onV1)).toEqual({
      machineVersion: 1,
      state: 'prospect.protected',
      availableActions: [{ event: 'ABANDON' }, { event: 'ADD_COLLABORATOR' }, { event: 'LOCK' }],
    });

    // Stored as the designer wrote it: key order is the order of states, events and buttons.
    const stored = await app.ok(`{ workflow(name: "customer") { definition versions { definition } } }`, {}, designer);
    expect(JSON.stringify(stored.workflow.definition)).toBe(JSON.stringify(withHold()));
    expect(JSON.stringify(stored.workflow.versions[0].definition)).toBe(JSON.stringify(withHold()));
    const versions = await app.ok(`{ workflow(name: "customer") { versions { version note author { username } } } }`, {}, designer);
    expect(versions.workflow.versions).toEqual([
      { version: 2, note: '客户可申请暂停跟进', author: { username: 'designer1' } },
      { version: 1, note: null, author: null },
    ]);
  });

  it('should send the new events through sendWorkflowEvent, guarded and recorded like any other', async () => {
    const missing = await app.fails(SEND, { id: fresh, e: 'HOLD', i: {} }, sales1);
    expect(missing.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'input.reason': 'is required' } });
    const stranger = await app.fails(SEND, { id: fresh, e: 'HOLD', i: { reason: '客户出差两周' } }, await app.login('sales2'));
    expect(stranger.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'P8' });
    const held = (await app.ok(SEND, { id: fresh, e: 'HOLD', i: { reason: '客户出差两周' } }, sales1)).sendWorkflowEvent;
    expect(held).toMatchObject({
      workflow: 'customer',
      id: fresh,
      state: 'prospect.onHold',
      machineVersion: 2,
      customer: { state: 'prospect.onHold', stage: 'PROSPECT', deadlineAt: new Date(app.clock().getTime() + 15 * DAY).toISOString() },
    });
    expect(held.customer.availableActions.map((a: { event: string }) => a.event)).toEqual(['ABANDON', 'ADD_COLLABORATOR', 'RESUME']);

    app.clock.advance(10 * DAY); // within the hold term
    [designer, sales1] = [await app.login('designer1'), await app.login('sales1')]; // tokens outlive no 10 days
    const resumed = (await app.ok(SEND, { id: fresh, e: 'RESUME' }, sales1)).sendWorkflowEvent;
    expect(resumed.customer.state).toBe('prospect.protected');
    expect(new Date(resumed.customer.deadlineAt).getTime()).toBe(app.clock().getTime() + 30 * DAY);
    const history = await app.database.db.select().from(transitions).where(eq(transitions.entityId, fresh));
    expect(history.filter((h) => h.event === 'HOLD' || h.event === 'RESUME').map((h) => [h.event, h.fromState, h.toState, h.machineVersion, h.reason])).toEqual(
      [
        ['HOLD', 'prospect.protected', 'prospect.onHold', 2, '客户出差两周'],
        ['RESUME', 'prospect.onHold', 'prospect.protected', 2, null],
      ],
    );
  });

  it('should refuse events with their own mutation, system events, unknown inputs and events of another version', async () => {
    const claim = await app.fails(SEND, { id: fresh, e: 'CLAIM' }, sales1);
    expect(claim.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { event: 'CLAIM has its own mutation: use claimCustomer' } });
    expect((await app.fails(SEND, { id: fresh, e: 'TERM_EXPIRED' }, sales1)).extensions?.code).toBe('FORBIDDEN');
    const extra = await app.fails(SEND, { id: fresh, e: 'HOLD', i: { reason: '出差', until: 'later' } }, sales1);
    expect(extra.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { 'input.until': 'is not an input of HOLD (reason)' } });
    const old = await app.fails(SEND, { id: onV1, e: 'HOLD', i: { reason: '客户出差两周' } }, sales1);
    expect(old.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { event: 'HOLD is not an event of the customer workflow (version 1)' } });
    expect((await app.fails(SEND, { id: fresh, e: 'RESUME' }, sales1)).extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', state: 'prospect.protected' });
  });

  describe('refusals: each kind of invalid edit names its problem and changes nothing', () => {
    const cases: [string, (d: WorkflowDocument) => void, { path: string; message: RegExp }][] = [
      ['not a machine at all', (d) => Object.assign(d, { states: [] }), { path: 'states', message: /at least one state/ }],
      [
        'an unknown guard',
        (d) => (d.states.pool!.on!.CLAIM = { target: 'prospect.protected', guard: 'isFriday' }),
        { path: 'states.pool.on.CLAIM.guard', message: /`isFriday` is not a known guard/ },
      ],
      [
        'an unknown action',
        (d) => ((d.states.pool!.on!.CLAIM as { actions: string }).actions = 'sendFlowers'),
        { path: 'states.pool.on.CLAIM.actions', message: /"sendFlowers" is not a known action/ },
      ],
      [
        'an unknown policy term',
        (d) => (d.states.intent!.meta!.deadline = { event: 'TERM_EXPIRED', term: 'fortnight' as never }),
        { path: 'states.intent.meta.deadline.term', message: /must be a policy term/ },
      ],
      [
        'an undeclared event',
        (d) => (d.states.formal!.on!.PING = { guard: 'isManager' }),
        { path: 'states.formal.on.PING', message: /`PING` is not declared in events/ },
      ],
      [
        'a target that names no state',
        (d) => ((d.states.pool!.on!.CLAIM as { target: string }).target = 'prospect.vip'),
        { path: 'states.pool.on.CLAIM.target', message: /`prospect.vip` does not name a state/ },
      ],
      [
        'a hold state that keeps a customer forever (P2: custody needs a deadline)',
        (d) => {
          Object.assign(d, withHold());
          delete d.states.prospect!.states!.onHold!.meta!.deadline;
        },
        { path: 'states.prospect.states.onHold.meta', message: /`prospect.onHold` holds custody \(P2\) but has no deadline/ },
      ],
      [
        'an unreachable state',
        (d) => (d.states.archive = { meta: { label: '归档' } }),
        { path: 'states.archive', message: /`archive` is not reachable from the initial state `prospect.pendingAudit`/ },
      ],
      [
        'a transition nobody is named to send',
        (d) => (d.states.intent!.on!.ABANDON = { target: 'pool', guard: 'hasReason' }),
        { path: 'states.intent.on.ABANDON.guard', message: /must include a guard that says who may send it/ },
      ],
      [
        'formal leading to pool (P6)',
        (d) => {
          d.events.DEMOTE = { label: '降级', inputs: [] };
          d.states.formal!.on!.DEMOTE = { target: 'pool', guard: 'isManager' };
        },
        { path: 'states.formal', message: /`formal` must never lead to `pool` \(P6\), but it does: formal —DEMOTE→ pool/ },
      ],
      [
        'a timed state with no exit on its deadline event',
        (d) => delete d.states.intent!.on!.TERM_EXPIRED,
        { path: 'states.intent.meta.deadline', message: /TERM_EXPIRED must leave `intent`/ },
      ],
      [
        'an audit event removed',
        (d) => {
          delete d.events.INTENT_APPROVED;
          delete d.states.prospect!.states!.protected!.on!.INTENT_APPROVED;
        },
        { path: 'events', message: /the product sends `INTENT_APPROVED`; it must stay declared/ },
      ],
      [
        'an audit event no longer accepted where the product sends it',
        (d) => delete d.states.prospect!.states!.pendingAudit!.on!.PROTECTION_REJECTED,
        { path: 'states.prospect.states.pendingAudit.on', message: /the product sends `PROTECTION_REJECTED` in `prospect.pendingAudit`/ },
      ],
      [
        'a state the product relies on renamed',
        (d) => {
          d.states.lead = d.states.intent!;
          delete d.states.intent;
          (d.states.prospect!.states!.protected!.on!.INTENT_APPROVED as { target: string }).target = '#customer.lead';
        },
        { path: 'states', message: /the product relies on the state `intent`/ },
      ],
      ['a different initial state', (d) => (d.initial = 'pool'), { path: 'initial', message: /new instances must start in `prospect.pendingAudit`/ }],
    ];
    for (const [what, edit, problem] of cases) {
      it(`should refuse ${what}`, async () => {
        const doc = withHold();
        edit(doc);
        const { validateWorkflow } = await app.ok(VALIDATE, { n: 'customer', d: doc }, designer);
        expect(validateWorkflow.valid).toBe(false);
        expect(validateWorkflow.problems).toContainEqual({ path: problem.path, message: expect.stringMatching(problem.message) });
        const e = await app.fails(PUBLISH, { n: 'customer', d: doc, note: '试一试' }, designer);
        expect(e.extensions?.code).toBe('BAD_USER_INPUT');
        expect(e.extensions?.problems).toEqual(validateWorkflow.problems);
        expect((e.extensions?.fields as Record<string, string>)[problem.path]).toMatch(problem.message);
        expect(app.services.designs.registry.current({ name: 'customer' }).version).toBe(2);
      });
    }

    it('should list every problem of a document at once', async () => {
      const doc = withHold();
      doc.states.archive = { meta: { label: '归档' } };
      delete doc.states.intent!.on!.TERM_EXPIRED;
      const { validateWorkflow } = await app.ok(VALIDATE, { n: 'customer', d: doc }, designer);
      expect(validateWorkflow.problems.map((p: { path: string }) => p.path).sort()).toEqual(['states.archive', 'states.intent.meta.deadline']);
    });

    it('should refuse non-designers, a stale expected version and a publish without a note', async () => {
      expect((await app.fails(PUBLISH, { n: 'customer', d: withHold(), note: '试一试' }, sales1)).extensions?.code).toBe('FORBIDDEN');
      expect((await app.fails(VALIDATE, { n: 'customer', d: withHold() }, await app.login('manager1'))).extensions?.code).toBe('FORBIDDEN');
      expect((await app.fails(PUBLISH, { n: 'customer', d: withHold(), note: '试一试', v: 1 }, designer)).extensions).toMatchObject({
        code: 'CONFLICT',
        currentVersion: 2,
      });
      expect((await app.fails(PUBLISH, { n: 'customer', d: withHold(), note: ' ' }, designer)).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { note: expect.any(String) },
      });
      expect((await app.fails(PUBLISH, { n: 'nope', d: withHold(), note: '试一试' }, designer)).extensions?.code).toBe('NOT_FOUND');
    });
  });

  describe('live instances', () => {
    let held: string;
    it('should refuse a version that removes a state live instances occupy, unless it is mapped', async () => {
      held = (await protectedCustomer(app, 'sales1')).id;
      await app.ok(SEND, { id: held, e: 'HOLD', i: { reason: '客户出差两周' } }, sales1);
      const withoutHold = copy(); // version 3 drops prospect.onHold again
      const refused = await app.ok(VALIDATE, { n: 'customer', d: withoutHold }, designer);
      expect(refused.validateWorkflow.problems).toEqual([
        {
          path: 'stateMapping.prospect.onHold',
          message: '1 live instance(s) are in `prospect.onHold`, which this version removes; map it to a state of the new version',
        },
      ]);
      expect((await app.fails(PUBLISH, { n: 'customer', d: withoutHold, note: '取消暂停' }, designer)).extensions?.code).toBe('BAD_USER_INPUT');
      const badMap = await app.ok(VALIDATE, { n: 'customer', d: withoutHold, m: { 'prospect.onHold': 'prospect.paused' } }, designer);
      expect(badMap.validateWorkflow.problems[0]).toMatchObject({
        path: 'stateMapping.prospect.onHold',
        message: expect.stringMatching(/"prospect.paused" is not a state of the new version/),
      });
      const ok = await app.ok(PUBLISH, { n: 'customer', d: withoutHold, note: '取消暂停', m: { 'prospect.onHold': 'prospect.protected' }, v: 2 }, designer);
      expect(ok.publishWorkflow.version).toBe(3);
      // Still on version 2 until migrated: it can resume.
      expect(await actions(held)).toEqual({
        machineVersion: 2,
        state: 'prospect.onHold',
        availableActions: [{ event: 'ABANDON' }, { event: 'ADD_COLLABORATOR' }, { event: 'RESUME' }],
      });
    });

    it('should migrate live instances on purpose, each move a history row, keeping running terms', async () => {
      const before = await app.database.db.select().from(customers);
      const onV1Before = before.find((c) => c.id === onV1)!;
      const counts = await app.ok(`{ workflow(name: "customer") { instances { version state count terminal } } }`, {}, designer);
      expect(counts.workflow.instances).toContainEqual({ version: 2, state: 'prospect.onHold', count: 1, terminal: false });

      const result = (await app.ok(MIGRATE, { n: 'customer', v: 3 }, designer)).migrateWorkflowInstances;
      expect(result).toMatchObject({ workflow: 'customer', toVersion: 3, migrated: before.length });
      expect(result.moves).toContainEqual({ fromVersion: 2, from: 'prospect.onHold', to: 'prospect.protected', count: 1 });
      expect(result.moves).toContainEqual({ fromVersion: 1, from: 'prospect.protected', to: 'prospect.protected', count: 1 });

      const after = await app.database.db.select().from(customers);
      expect(after.every((c) => c.machineVersion === 3)).toBe(true);
      const movedHeld = after.find((c) => c.id === held)!;
      expect(movedHeld.state).toBe('prospect.protected');
      expect(movedHeld.deadlineAt?.getTime()).toBe(app.clock().getTime() + 30 * DAY); // a fresh term: it enters protected now
      const movedV1 = after.find((c) => c.id === onV1)!;
      expect(movedV1.deadlineAt?.getTime()).toBe(onV1Before.deadlineAt?.getTime()); // same state, same term: kept
      expect(movedV1.version).toBe(onV1Before.version + 1);
      const rows = await app.database.db.select().from(transitions).where(eq(transitions.event, 'MIGRATE'));
      expect(rows).toHaveLength(before.length);
      expect(rows.find((r) => r.entityId === held)).toMatchObject({
        fromState: 'prospect.onHold',
        toState: 'prospect.protected',
        machineVersion: 3,
        payload: { fromVersion: 2, toVersion: 3 },
      });
      expect(await actions(held)).toEqual({
        machineVersion: 3,
        state: 'prospect.protected',
        availableActions: [{ event: 'ABANDON' }, { event: 'ADD_COLLABORATOR' }, { event: 'LOCK' }],
      });
      // Nothing left to move.
      expect((await app.ok(MIGRATE, { n: 'customer', v: 3 }, designer)).migrateWorkflowInstances.migrated).toBe(0);
    });

    it('should refuse a migration that would strand instances, and move none', async () => {
      const held2 = (await protectedCustomer(app, 'sales1')).id; // on version 3
      await app.ok(MIGRATE, { n: 'customer', v: 2 }, designer); // back to version 2 (has onHold)
      await app.ok(SEND, { id: held2, e: 'HOLD', i: { reason: '客户装修停工' } }, sales1);
      const e = await app.fails(MIGRATE, { n: 'customer', v: 1, m: {} }, designer);
      expect(e.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { 'stateMapping.prospect.onHold': expect.stringMatching(/1 instance\(s\) are in `prospect.onHold`, which version 1 does not have/) },
      });
      const rows = await app.database.db.select().from(customers);
      expect(rows.every((c) => c.machineVersion === 2)).toBe(true);
      expect((await app.fails(MIGRATE, { n: 'customer', v: 9 }, designer)).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { toVersion: 'customer has versions 1 to 3' },
      });
      expect((await app.fails(MIGRATE, { n: 'customer', v: 3 }, sales1)).extensions?.code).toBe('FORBIDDEN');
    });
  });

  it.runIf(onPostgres)('should load published versions on another app instance (PostgreSQL)', async () => {
    const { createApp } = await import('../../../src/app.js');
    const other = await createApp({ databaseUrl: app.databaseUrl, jwtSecret: 'x'.repeat(40), sweepIntervalMs: 0, clock: app.clock });
    try {
      const registry = other.services.designs.registry;
      expect(registry.current({ name: 'customer' }).version).toBe(3);
      expect(registry.all({ name: 'customer' }).map((v) => v.version)).toEqual([1, 2, 3]);
    } finally {
      await other.close();
    }
  });
});

describe('the contact and follow-up plan machines are designed like the others (issue 16, F5, F6)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ seedDemoCustomers: false });
  });
  afterAll(async () => app?.close());

  for (const [name, event] of [
    ['contact', 'LEAVE'],
    ['followUpPlan', 'PLAN_DUE'],
  ] as const) {
    it(`should validate and publish a relabelled ${name} machine as version 2, and refuse a broken one`, async () => {
      const designer = await app.login('designer1');
      const current = (await app.ok(`query($n: String!) { workflow(name: $n) { version definition } }`, { n: name }, designer)).workflow;
      expect(current.version).toBe(1);
      const edited = structuredClone(current.definition) as { events: Record<string, { label: string }>; initial: string };
      edited.events[event]!.label += ' (v2)';
      const published = (await app.ok(PUBLISH, { n: name, d: edited, note: '改名 relabel', v: 1 }, designer)).publishWorkflow;
      expect(published).toMatchObject({ name, version: 2 });
      expect(published.mermaid.length).toBeGreaterThan(0);
      const broken = { ...edited, initial: 'nowhere' };
      const refused = (await app.ok(VALIDATE, { n: name, d: broken }, designer)).validateWorkflow;
      expect(refused.valid).toBe(false);
      expect(refused.problems.length).toBeGreaterThan(0);
    });
  }
});
