/**
 * The sweeper computes a deadline's transition once per (version, state, event) group and
 * applies it to every row of the group in SQL (due.ts). That is right only when the transition
 * cannot differ between rows: these tests pin when the plan is set-based and when it must fall
 * back to row by row (P2, P4 expiry; P1 rejection release).
 */
import { describe, expect, it } from 'vitest';
import { buildMachine, customerDocument, customerWorkflow, defineWorkflow, planDue, type WorkflowDocument, type WorkflowRow } from '../support/machines.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const noTerm = (state: string) => ({ deadlineAt: null, deadlineEvent: state === 'pool' ? null : 'X' });

/** A machine whose deadline transition copies one context key into another: different per row. */
const tinyDocument = {
  id: 'tiny',
  initial: 'open',
  events: { LAPSE: { label: 'Lapse', inputs: [], internal: true } },
  states: {
    open: { meta: { label: 'Open', deadline: { event: 'LAPSE', term: 'soon' } }, on: { LAPSE: { target: 'closed', actions: 'rememberName' } } },
    closed: { meta: { label: 'Closed' } },
  },
} as unknown as WorkflowDocument;
const tiny = defineWorkflow<WorkflowRow, { custodianId: string | null; name: string; formerName?: string }, unknown, Record<string, never>>({
  name: 'tiny',
  entityType: 'tiny',
  table: customerWorkflow.table,
  document: tinyDocument,
  rules: [{ code: 'T', title: 'tiny', actions: { rememberName: ({ context }) => ({ formerName: context.name }) }, terms: { soon: (start) => start } }],
  context: () => ({ custodianId: null, name: '' }),
  invariants: { requiredStates: [], initialState: 'open', requiredEvents: {}, unreachable: [] },
  dedicated: {},
  derive: () => ({}),
});

/** A customer row in `state` of a machine built from `doc`, with a custodian and a name in its context. */
function sample(doc: WorkflowDocument, value: string | Record<string, string>) {
  const machine = buildMachine((doc === tinyDocument ? tiny : customerWorkflow).implementation, doc);
  const snapshot = machine.getPersistedSnapshot(machine.resolveState({ value, context: { custodianId: 'u-1', name: 'Acme' } })) as Record<string, unknown>;
  const row = { id: 'c-1', state: 'x', snapshot, version: 3, machineVersion: 1, deadlineAt: NOW, deadlineEvent: 'TERM_EXPIRED' };
  return { mv: { version: 1, document: doc, machine, events: doc.events }, row };
}

/** The repository document with the TERM_EXPIRED transition of prospect.protected replaced. */
function withExpiry(transition: Record<string, unknown>): WorkflowDocument {
  const doc = structuredClone(customerDocument) as unknown as { states: Record<string, { states?: Record<string, { on?: Record<string, unknown> }> }> };
  const protectedState = doc.states.prospect?.states?.protected;
  if (!protectedState?.on) throw new Error('the customer document has prospect.protected');
  protectedState.on.TERM_EXPIRED = transition;
  return doc as unknown as WorkflowDocument;
}

describe('planDue: one transition per group of due rows', () => {
  it('should plan the P2 expiry once for the group: to the pool, custodian cleared, other context kept', () => {
    const { mv, row } = sample(customerDocument, { prospect: 'protected' });
    const plan = planDue(customerWorkflow, mv, row, 'TERM_EXPIRED', NOW, noTerm);
    expect(plan).toMatchObject({ kind: 'set', to: 'pool', patch: { custodianId: null }, deadlineAt: null, deadlineEvent: null });
    if (plan.kind !== 'set') return;
    expect(plan.rest).toMatchObject({ value: 'pool', status: 'active' });
    expect(plan.rest).not.toHaveProperty('context');
    expect(plan.derived.map((d) => [d.key, d.value])).toEqual([
      ['custodianId', null],
      ['stage', 'POOL'],
    ]);
  });

  it('should plan the P1 rejection release and the P4 intent expiry the same way', () => {
    for (const value of [{ prospect: 'rejected' }, 'intent']) {
      const { mv, row } = sample(customerDocument, value);
      const event = value === 'intent' ? 'TERM_EXPIRED' : 'REJECTION_LAPSED';
      expect(planDue(customerWorkflow, mv, row, event, NOW, noTerm)).toMatchObject({ kind: 'set', to: 'pool', patch: { custodianId: null } });
    }
  });

  it('should fire row by row when a context update of the deadline transition reads the context', () => {
    const { mv, row } = sample(tinyDocument, 'open');
    expect(planDue(tiny, mv, row, 'LAPSE', NOW, noTerm)).toMatchObject({ kind: 'row' });
  });

  it('should fire row by row when the deadline transition performs an effect (I/O per row)', () => {
    const doc = withExpiry({ target: '#customer.pool', guard: 'isSystem', actions: ['releaseCustody', 'startCoolDown'] });
    const { mv, row } = sample(doc, { prospect: 'protected' });
    expect(planDue(customerWorkflow, mv, row, 'TERM_EXPIRED', NOW, noTerm)).toEqual({ kind: 'row', why: 'the transition performs effects' });
  });

  it('should call a deadline event the state does not accept from the system illegal (left due, never guessed)', () => {
    const doc = withExpiry({ target: '#customer.pool', guard: 'isSales', actions: 'releaseCustody' });
    const { mv, row } = sample(doc, { prospect: 'protected' });
    expect(planDue(customerWorkflow, mv, row, 'TERM_EXPIRED', NOW, noTerm)).toEqual({ kind: 'illegal' });
  });

  it('should take the next state’s term from the policy, starting when the deadline fires', () => {
    const { mv, row } = sample(customerDocument, { prospect: 'protected' });
    const later = new Date('2026-12-31T10:00:00.000Z');
    const plan = planDue(customerWorkflow, mv, row, 'TERM_EXPIRED', NOW, (state, start) => ({
      deadlineAt: start === NOW ? later : null,
      deadlineEvent: `${state}!`,
    }));
    expect(plan).toMatchObject({ kind: 'set', deadlineAt: later, deadlineEvent: 'pool!' });
  });
});
