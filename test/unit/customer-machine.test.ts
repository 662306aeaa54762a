/**
 * The pure customer machine (P1–P10): persisted snapshots, guard refusals and state meta.
 * Snapshots come from `xstate/graph`: every vertex the model reaches from a new customer.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateNode, type SnapshotFrom } from 'xstate';
import { createTestModel, getStateNodes } from 'xstate/graph';
import type { Role } from '../../src/platform/db/schema.js';
import { SYSTEM_SWEEPER, type Actor } from '../../src/workflow/actor.js';
import type { StateMeta } from '../../src/workflow/document.js';
import { isLegal, statePath } from '../../src/workflow/machine-paths.js';
import type { CustomerEvent } from '../../src/customers/customer.machine.js';
import { customerGuardRules, customerMachine, NO_FACTS } from '../../src/customers/customer.workflow.js';
import { lockOf } from '../../src/customers/rules/t4-locks.js';

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
const user = (username: Username): Actor => ({ kind: 'user', id: username, roles: USERS[username] satisfies readonly Role[] });

/** One event per type whose guards pass in `snapshot`. */
function passingEvents(snapshot: CustomerSnapshot): CustomerEvent[] {
  const custodian = snapshot.context.custodianId;
  const facts = NO_FACTS;
  const auditor = user('auditor1');
  const events: CustomerEvent[] = [
    { type: 'CLAIM', actor: user('sales2'), facts: { ...facts, inMemberPool: true } },
    { type: 'MOVE_POOL', actor: user('manager1'), facts: { ...facts, targetPoolActive: true }, toPoolId: 'second-pool', reason: '按区域调整公海' },
    { type: 'TRANSFER', actor: user('manager1'), facts: { ...facts, targetEligible: true }, toUserId: 'sales3', reason: '人员调整，客户移交' },
    { type: 'ASSIGN', actor: user('manager1'), facts: { ...facts, targetEligible: true, targetInPool: true }, toUserId: 'sales3', reason: '按区域分配客户' },
    { type: 'PROTECTION_APPROVED', via: 'application', actor: auditor, facts },
    { type: 'PROTECTION_REJECTED', via: 'application', actor: auditor, facts, reason: '联系人电话无法接通' },
    { type: 'INTENT_APPROVED', via: 'application', actor: auditor, facts },
    { type: 'EXTENSION_APPROVED', via: 'application', actor: auditor, facts },
    { type: 'CONTRACT_SIGNED', via: 'contract', actor: user('sales1'), facts, afterSalesUserId: 'aftersales1' },
    { type: 'TERM_EXPIRED', actor: SYSTEM_SWEEPER, facts },
    { type: 'INACTIVITY_EXPIRED', actor: SYSTEM_SWEEPER, facts },
    { type: 'HANDED_OVER', actor: SYSTEM_SWEEPER, facts, toPoolId: 'second-pool', reason: '销售离职，客户移交公海' },
    { type: 'REJECTION_LAPSED', actor: SYSTEM_SWEEPER, facts },
  ];
  if (isUsername(custodian)) {
    events.push({ type: 'ABANDON', actor: user(custodian), facts, reason: '客户短期内无采购计划' }, { type: 'RESUBMIT', actor: user(custodian), facts });
    // T5: the custodian brings a colleague into the team and takes them out again.
    const colleague = Object.keys(snapshot.context.collaborators ?? {})[0] ?? (custodian === 'sales2' ? 'sales3' : 'sales2');
    // One colleague at most (the model stays small): added READ, switched between READ and WRITE, removed.
    const access = snapshot.context.collaborators?.[colleague]?.access;
    const add = { actor: user(custodian), facts: { ...facts, collaboratorActive: true }, userId: colleague, access: access === 'READ' ? 'WRITE' : 'READ' };
    events.push({ type: 'ADD_COLLABORATOR', ...add });
    if (access) events.push({ type: 'REMOVE_COLLABORATOR', actor: user(custodian), facts, userId: colleague });
    // T4: the custodian locks an unlocked customer and unlocks a locked one.
    events.push(
      lockOf(snapshot.context)
        ? { type: 'UNLOCK', actor: user(custodian), facts }
        : { type: 'LOCK', actor: user(custodian), facts, reason: '重点客户，锁定跟进' },
    );
  }
  return events;
}

const INPUT = { custodianId: 'sales1' };
const initial = (): CustomerSnapshot => initialTransition(customerMachine, INPUT)[0];

/** Every vertex the model reaches (state + context + the transition that entered it). */
const reachable: CustomerSnapshot[] = createTestModel(customerMachine, { events: passingEvents, input: INPUT })
  .getShortestPaths({ allowDuplicatePaths: true })
  .map((p) => p.state);

/** A snapshot reached from a new customer by passing events of these types. */
function reach(...types: CustomerEvent['type'][]): CustomerSnapshot {
  return types.reduce((snapshot, type) => {
    const event = passingEvents(snapshot).find((e) => e.type === type);
    if (!event) throw new Error(`no ${type} event in ${statePath(snapshot.value)}`);
    const [next] = transition(customerMachine, snapshot, event);
    return next;
  }, initial());
}

/** The state node and its ancestors: where an event in that state is looked up. */
const chain = (node: AnyStateNode): AnyStateNode[] => (node.parent ? [node, ...chain(node.parent)] : [node]);
const nodeAt = (path: string): AnyStateNode => {
  const node = getStateNodes(customerMachine.root).find((n) => n.path.join('.') === path);
  if (!node) throw new Error(`no state ${path}`);
  return node;
};
const leafOf = (snapshot: CustomerSnapshot) => nodeAt(statePath(snapshot.value));

/** The transitions an event may take in the snapshot's leaf state. */
const candidates = (snapshot: CustomerSnapshot, type: string) => chain(leafOf(snapshot)).flatMap((n) => n.on[type] ?? []);

/** The named guards of a transition, through `and(...)` (the only combinator the machine may use here). */
function guardNames(guard: unknown): string[] {
  if (guard === undefined) return [];
  if (typeof guard === 'string') return [guard];
  if (typeof guard === 'function' && guard.name === 'and' && 'guards' in guard && Array.isArray(guard.guards)) return guard.guards.flatMap(guardNames);
  throw new Error(`unsupported guard ${String(guard)}: extend this test`);
}

const otherSales = (snapshot: CustomerSnapshot): Actor => user(snapshot.context.custodianId === 'sales2' ? 'sales3' : 'sales2');

/** Variants of a passing event that break exactly one guard and keep the others passing. */
const BREAKERS: Record<string, (event: CustomerEvent, snapshot: CustomerSnapshot) => CustomerEvent[]> = {
  isSales: (e) => [
    { ...e, actor: user('manager1') },
    { ...e, actor: user('auditor1') },
  ],
  isCustodian: (e, s) => [
    { ...e, actor: otherSales(s) },
    { ...e, actor: user('manager1') },
    { ...e, actor: SYSTEM_SWEEPER },
  ],
  handsOver: (e) => [
    { ...e, actor: user('manager1') },
    { ...e, actor: user('sales1') },
  ],
  isManager: (e) => [
    { ...e, actor: user('sales2') },
    { ...e, actor: SYSTEM_SWEEPER },
  ],
  hasReason: (e) => [
    { ...e, reason: undefined },
    { ...e, reason: null },
    { ...e, reason: '' },
    { ...e, reason: '  x  ' },
  ],
  notCoolingDown: (e) => [{ ...e, facts: { ...e.facts, coolingDownUntil: '2026-11-26T02:00:00.000Z' } }],
  underHoldingCap: (e) => [{ ...e, facts: { ...e.facts, holding: 5, maxHolding: 5 } }],
  underDailyClaimLimit: (e) => [{ ...e, facts: { ...e.facts, claimsToday: 3, dailyClaimLimit: 3 } }],
  targetEligible: (e) => [{ ...e, facts: { ...e.facts, targetEligible: false } }],
  actorReaches: (e) => [{ ...e, facts: { ...e.facts, actorReaches: false } }],
  targetInReach: (e) => [{ ...e, facts: { ...e.facts, targetInReach: false } }],
  // T2: a salesperson outside the customer's pool; neither manager nor pool admin; a pool admin
  // assigning outside the pool; a closed (or the same) pool.
  inMemberPool: (e) => [{ ...e, facts: { ...e.facts, inMemberPool: false } }],
  mayAssignFromPool: (e) => [
    { ...e, actor: user('sales2') },
    { ...e, actor: SYSTEM_SWEEPER },
  ],
  targetInPool: (e) => [{ ...e, actor: user('sales2'), facts: { ...e.facts, poolAdmin: true, targetInPool: false } }],
  targetPoolActive: (e) => [{ ...e, facts: { ...e.facts, targetPoolActive: false } }],
  // T5: who manages the team, whom it may take, with which access.
  managesTeam: (e, s) => [
    { ...e, actor: otherSales(s) },
    { ...e, actor: user('manager1'), facts: { ...e.facts, managesTeam: false } },
    { ...e, actor: SYSTEM_SWEEPER },
  ],
  collaboratorActive: (e) => [{ ...e, facts: { ...e.facts, collaboratorActive: false } }],
  collaboratorNotCustodian: (e, s) => [{ ...e, userId: s.context.custodianId ?? '' } as CustomerEvent],
  validAccess: (e) => [{ ...e, access: 'ADMIN' } as CustomerEvent, { ...e, access: undefined } as CustomerEvent],
  accessChanges: (e, s) => {
    const current = e.type === 'ADD_COLLABORATOR' ? s.context.collaborators?.[e.userId]?.access : undefined;
    return current ? [{ ...e, access: current } as CustomerEvent] : [];
  },
  // Decided by the context alone: a customer with a team passes it whatever the event says.
  hasCollaborators: () => [],
  isCollaborator: (e) => [{ ...e, userId: 'auditor1' } as CustomerEvent],
  targetNotCoolingDown: (e) => [{ ...e, facts: { ...e.facts, targetCoolingDownUntil: '2026-11-26T02:00:00.000Z' } }],
  viaApplication: (e) => {
    const { via: _via, ...rest } = e as CustomerEvent & { via?: string };
    return [rest as CustomerEvent, { ...rest, via: 'contract' } as CustomerEvent];
  },
  viaContract: (e) => {
    const { via: _via, ...rest } = e as CustomerEvent & { via?: string };
    return [rest as CustomerEvent, { ...rest, via: 'application' } as CustomerEvent];
  },
  // T4: who may lock is the custodian or a manager (the default policy); who locked may always unlock.
  mayLock: (e, s) => [
    { ...e, actor: otherSales(s) },
    { ...e, actor: SYSTEM_SWEEPER },
    { ...e, facts: { ...e.facts, lockBy: 'MANAGER' } },
  ],
  mayUnlock: (e, s) => [
    { ...e, actor: user((['sales1', 'sales2', 'sales3'] as const).find((u) => u !== s.context.custodianId && u !== lockOf(s.context)?.by) ?? 'sales1') },
    { ...e, actor: SYSTEM_SWEEPER },
  ],
  underLockCap: (e) => [{ ...e, facts: { ...e.facts, locksHeld: 5, maxLocks: 5 } }],
  // Decided by the context alone (locked or not): the integration tests (locks.test.ts) refuse them.
  notLocked: () => [],
  isLocked: () => [],
  isSystem: (e) => [
    { ...e, actor: user('manager1') },
    { ...e, actor: user('sales1') },
  ],
};

describe('customerMachine', () => {
  it('should reach every state from a new customer in the model', () => {
    expect(new Set(reachable.map((s) => statePath(s.value)))).toEqual(
      new Set(['pool', 'prospect.pendingAudit', 'prospect.rejected', 'prospect.protected', 'intent', 'formal']),
    );
  });

  describe('persisted snapshot', () => {
    // T5's team multiplies the contexts the model reaches: a few seconds, more on a busy machine.
    it('should survive the JSON round trip with the same value, context and next transitions', { timeout: 30_000 }, () => {
      expect(reachable.length).toBeGreaterThan(20);
      for (const snapshot of reachable) {
        const json = JSON.stringify(customerMachine.getPersistedSnapshot(snapshot));
        const restored = customerMachine.resolveState(JSON.parse(json));
        const label = `${statePath(snapshot.value)} ${JSON.stringify(snapshot.context)}`;
        expect(restored.value, label).toEqual(snapshot.value);
        expect(restored.context, label).toEqual(snapshot.context);
        expect(restored.status, label).toBe(snapshot.status);
        expect(JSON.stringify(customerMachine.getPersistedSnapshot(restored)), label).toBe(json);
        const refused = { ...passingEvents(snapshot)[0], actor: user('auditor1') } as CustomerEvent;
        for (const event of [...passingEvents(snapshot), refused]) {
          const [a, actionsA] = transition(customerMachine, snapshot, event);
          const [b, actionsB] = transition(customerMachine, restored, event);
          const at = `${label} ${event.type}`;
          expect(b.value, at).toEqual(a.value);
          expect(b.context, at).toEqual(a.context);
          expect(
            actionsB.map((x) => x.type),
            at,
          ).toEqual(actionsA.map((x) => x.type));
          expect(b === restored, at).toBe(a === snapshot);
          expect(isLegal(restored, event), at).toBe(isLegal(snapshot, event));
        }
      }
    });
  });

  describe('guards', () => {
    it('should name a rule for every guard, so a refusal can cite it', () => {
      expect(Object.keys(customerGuardRules).sort()).toEqual(Object.keys(customerMachine.implementations.guards).sort());
      expect(Object.keys(BREAKERS).sort()).toEqual(Object.keys(customerMachine.implementations.guards).sort());
    });

    // T5's team multiplies the contexts the model reaches: a few seconds, more on a busy machine.
    it('should return the identical snapshot and no actions for every guard refusal', { timeout: 30_000 }, () => {
      const broken = new Set<string>();
      let refusals = 0;
      for (const snapshot of reachable) {
        for (const event of passingEvents(snapshot)) {
          const transitions = candidates(snapshot, event.type);
          if (transitions.length === 0) continue;
          const label = `${statePath(snapshot.value)} ${JSON.stringify(snapshot.context)} ${event.type}`;
          // The control: with every guard passing the transition is enabled.
          expect(isLegal(snapshot, event), label).toBe(true);
          for (const guard of transitions.flatMap((t) => guardNames(t.guard))) {
            const breaker = BREAKERS[guard];
            if (!breaker) throw new Error(`no breaker for guard ${guard}`);
            for (const refused of breaker(event, snapshot)) {
              const [next, actions] = transition(customerMachine, snapshot, refused);
              const at = `${label} with ${guard} failing: ${JSON.stringify(refused)}`;
              expect(next, at).toBe(snapshot);
              expect(actions, at).toEqual([]);
              expect(snapshot.can(refused), at).toBe(false);
              expect(isLegal(snapshot, refused), at).toBe(false);
              refusals += 1;
            }
            broken.add(guard);
          }
        }
      }
      expect([...broken].sort()).toEqual(Object.keys(customerMachine.implementations.guards).sort());
      expect(refusals).toBeGreaterThan(100);
    });

    it('should return the identical snapshot for an event its state does not handle', () => {
      for (const snapshot of reachable) {
        for (const event of passingEvents(snapshot).filter((e) => candidates(snapshot, e.type).length === 0)) {
          const [next, actions] = transition(customerMachine, snapshot, event);
          expect(next, `${statePath(snapshot.value)} ${event.type}`).toBe(snapshot);
          expect(actions).toEqual([]);
        }
      }
    });

    it('should treat a legal targetless transition without actions as legal, though it returns the identical snapshot', () => {
      // A second contract of a formal customer (C1): identity alone (or `can`) would refuse it.
      const formal = reach('PROTECTION_APPROVED', 'INTENT_APPROVED', 'CONTRACT_SIGNED');
      const signed: CustomerEvent = { type: 'CONTRACT_SIGNED', via: 'contract', actor: user('sales1'), facts: NO_FACTS };
      expect(statePath(formal.value)).toBe('formal');
      expect(transition(customerMachine, formal, signed)[0]).toBe(formal);
      expect(isLegal(formal, signed)).toBe(true);
      expect(isLegal(formal, { ...signed, via: 'application' })).toBe(false);
    });
  });

  describe('state meta', () => {
    it('should declare a deadline on exactly prospect.protected, intent and prospect.rejected', () => {
      const deadlines = Object.fromEntries(
        getStateNodes(customerMachine.root)
          .map((n) => [n.path.join('.'), (n.meta as StateMeta | undefined)?.deadline] as const)
          .filter(([, deadline]) => deadline !== undefined),
      );
      expect(deadlines).toEqual({
        'prospect.protected': { event: 'TERM_EXPIRED', term: 'prospectTerm' },
        'prospect.rejected': { event: 'REJECTION_LAPSED', term: 'rejectionRelease' },
        intent: { event: 'TERM_EXPIRED', term: 'intentTerm' },
      });
    });

    it('should release a timed state to the pool when the sweeper, and only the sweeper, sends its deadline event', () => {
      for (const snapshot of [reach('PROTECTION_APPROVED'), reach('PROTECTION_REJECTED'), reach('PROTECTION_APPROVED', 'INTENT_APPROVED')]) {
        const deadline = (leafOf(snapshot).meta as StateMeta | undefined)?.deadline;
        if (!deadline) throw new Error(`${statePath(snapshot.value)} has no deadline`);
        const event = { type: deadline.event, actor: SYSTEM_SWEEPER, facts: NO_FACTS } as CustomerEvent;
        const [next] = transition(customerMachine, snapshot, event);
        expect(statePath(next.value)).toBe('pool');
        expect(next.context.custodianId).toBeNull();
        expect(transition(customerMachine, snapshot, { ...event, actor: user('sales1') })[0]).toBe(snapshot);
      }
    });
  });

  describe('P6 formal customers', () => {
    it('should have no transition from formal to the pool at all', () => {
      const formal = nodeAt('formal');
      const pool = nodeAt('pool');
      const all = getStateNodes(customerMachine.root).flatMap((node) => Object.values(node.on).flat());
      expect(all.length).toBeGreaterThan(10);
      // Transitions formal can take: its own and its ancestors'; a targetless one stays in formal.
      const fromFormal = all.filter((t) => chain(formal).includes(t.source));
      expect(fromFormal.map((t) => t.eventType).sort()).toEqual(['ADD_COLLABORATOR', 'CONTRACT_SIGNED', 'REMOVE_COLLABORATOR', 'TRANSFER']);
      expect(fromFormal.flatMap((t) => t.target ?? [formal])).not.toContain(pool);
      expect(fromFormal.flatMap((t) => t.target ?? []).flatMap((n) => n.path)).not.toContain('pool');
      // Nor through any chain of transitions: pool is unreachable from formal.
      const seen = new Set<AnyStateNode>([formal]);
      const queue = [formal];
      for (let node = queue.shift(); node; node = queue.shift()) {
        for (const t of all.filter((d) => chain(node).includes(d.source))) {
          for (const target of t.target ?? []) {
            if (!seen.has(target)) {
              seen.add(target);
              queue.push(target);
            }
          }
        }
      }
      expect([...seen].map((n) => n.path.join('.'))).toEqual(['formal']);
    });

    it('should ignore deadline and release events in formal, even from the sweeper', () => {
      const formals = reachable.filter((s) => statePath(s.value) === 'formal');
      expect(formals.length).toBeGreaterThan(0);
      for (const snapshot of formals) {
        for (const type of ['TERM_EXPIRED', 'REJECTION_LAPSED'] as const) {
          expect(transition(customerMachine, snapshot, { type, actor: SYSTEM_SWEEPER, facts: NO_FACTS })[0]).toBe(snapshot);
        }
        const custodian = snapshot.context.custodianId;
        if (isUsername(custodian)) {
          expect(transition(customerMachine, snapshot, { type: 'ABANDON', actor: user(custodian), facts: NO_FACTS, reason: '不再跟进此客户' })[0]).toBe(
            snapshot,
          );
        }
      }
    });
  });
});
