/**
 * The harness every workflow check is tested through (test/unit/workflow-checks/): take a
 * repository document (`src/<feature>/<name>.machine.json`, version 1 of each workflow), apply an
 * edit to a deep copy, run one named check alone and the full validator, and compare problems by
 * path and message fragment.
 */
import { expect } from 'vitest';
import { repositoryWorkflows } from '../../src/catalogue.js';
import type { EventInfo } from '../../src/workflow/document.js';
import type { StateDoc, TransitionDoc, WorkflowDocument } from '../../src/workflow/document.js';
import { MachineRegistry } from '../../src/workflow/registry.js';
import { validateDocument, type ValidationContext, type WorkflowCheck, type WorkflowProblem } from '../../src/workflow/validation/index.js';
import { runChecks, type CheckedProblem } from '../../src/workflow/validation/run.js';

const [customer, application, contract, followUpPlan, contact] = repositoryWorkflows();
const workflows = { customer, application, contract, followUpPlan, contact };
const registry = new MachineRegistry([customer, application, contract, followUpPlan, contact], null);

/** The policy terms the customer workflow's rules define (P1, P2, P4). */
export const TERM_NAMES: readonly string[] = Object.keys(customer.terms);

/** A workflow whose repository document a case starts from. */
export type WorkflowName = keyof typeof workflows;

/** Every workflow with a repository document. */
export const WORKFLOW_NAMES: readonly WorkflowName[] = ['customer', 'application', 'contract', 'followUpPlan', 'contact'];

/** Input that is no edit of a document at all (e.g. a JSON array), see {@link replace}. */
export interface Replacement {
  replace: unknown;
}

/** A change to a deep copy of a repository document: a mutation, or a {@link Replacement}. */
export type Edit = ((doc: WorkflowDocument) => void) | Replacement;

/** What to validate: a workflow's repository document, edited; `terms` stands in for the policy's term names. */
export interface Case {
  workflow: WorkflowName;
  edit?: Edit;
  terms?: readonly string[];
}

/** A problem a check must report: its exact path and a fragment of its message. */
export interface ExpectedProblem {
  path: string;
  message: string;
}

/** Validates `value` itself instead of an edited document. */
export function replace(value: unknown): Replacement {
  return { replace: value };
}

/** The context the designer service validates a workflow's documents with (its code half and the policy's terms). */
export function contextOf(name: WorkflowName, terms?: readonly string[]): ValidationContext {
  const def = workflows[name];
  const reference = registry.current(def).machine;
  return {
    name: def.name,
    implementation: def.implementation,
    reference,
    guardRules: def.guardRules,
    invariants: def.invariants,
    terms: terms ?? Object.keys(def.terms),
  };
}

/** A deep copy of a workflow's repository document. */
export function documentOf(name: WorkflowName): WorkflowDocument {
  return structuredClone(workflows[name].document);
}

/** The state at a dotted path (`prospect.protected`); throws when the document has none. */
export function stateOf(doc: WorkflowDocument, path: string): StateDoc {
  let states: Record<string, StateDoc> | undefined = doc.states;
  let state: StateDoc | undefined;
  for (const key of path.split('.')) {
    state = states?.[key];
    states = state?.states;
  }
  if (!state) throw new Error(`the document has no state ${path}`);
  return state;
}

/** A state's transitions by event; throws when it has none. */
export function onOf(doc: WorkflowDocument, path: string): Record<string, TransitionDoc | TransitionDoc[] | string> {
  const on = stateOf(doc, path).on;
  if (!on) throw new Error(`the state ${path} has no transitions`);
  return on;
}

/** Renames a state, keeping its place among its siblings; throws when the document has no such state. */
export function renameState(doc: WorkflowDocument, path: string, key: string): void {
  const dot = path.lastIndexOf('.');
  const parent = dot < 0 ? undefined : stateOf(doc, path.slice(0, dot));
  const siblings = parent ? parent.states : doc.states;
  const name = path.slice(dot + 1);
  if (!siblings?.[name]) throw new Error(`the document has no state ${path}`);
  const renamed = Object.fromEntries(Object.entries(siblings).map(([k, state]) => [k === name ? key : k, state]));
  if (parent) parent.states = renamed;
  else doc.states = renamed;
}

/** A declared event; throws when the document has none of that name. */
export function eventOf(doc: WorkflowDocument, name: string): EventInfo {
  const info = doc.events[name];
  if (!info) throw new Error(`the document declares no event ${name}`);
  return info;
}

/** A single transition (not a list, not a bare target) of a state; throws otherwise. */
export function transitionOf(doc: WorkflowDocument, path: string, event: string): TransitionDoc {
  const t = onOf(doc, path)[event];
  if (t === undefined || typeof t === 'string' || Array.isArray(t)) throw new Error(`${path} has no single ${event} transition`);
  return t;
}

/** The valid edit from issue 7: a custodian puts a protected prospect on hold (HOLD) and resumes it (RESUME). */
export function withHold(doc: WorkflowDocument): void {
  doc.events.HOLD = { label: '暂停 Hold', inputs: [{ name: 'reason', type: 'String', required: true }] };
  doc.events.RESUME = { label: '恢复 Resume', inputs: [] };
  onOf(doc, 'prospect.protected').HOLD = { target: 'onHold', guard: { and: ['isCustodian', 'hasReason'] } };
  const prospect = stateOf(doc, 'prospect');
  // On hold, the customer is still held: its protection runs out like the others (P2, custody-timed).
  prospect.states = {
    ...prospect.states,
    onHold: {
      meta: { label: '暂停 On hold', deadline: { event: 'TERM_EXPIRED', term: 'prospectTerm' } },
      on: { RESUME: { target: 'protected', guard: 'isCustodian' }, TERM_EXPIRED: { target: '#customer.pool', guard: 'isSystem', actions: 'releaseCustody' } },
    },
  };
}

function inputOf({ workflow, edit }: Case): unknown {
  if (edit !== undefined && typeof edit !== 'function') return edit.replace;
  const doc = documentOf(workflow);
  edit?.(doc);
  return doc;
}

const strip = (problems: readonly CheckedProblem[]): WorkflowProblem[] => problems.map(({ path, message }) => ({ path, message }));

/** What one check reports on its own. */
export function runOne(check: WorkflowCheck, c: Case): WorkflowProblem[] {
  return strip(runChecks(contextOf(c.workflow, c.terms), inputOf(c), [check]));
}

/** What the full validator reports, each problem with the check that found it. */
export function runAll(c: Case): CheckedProblem[] {
  return runChecks(contextOf(c.workflow, c.terms), inputOf(c));
}

/**
 * The check alone reports exactly `expected` (in order), and the full validator reports the same
 * problems for this check, so no earlier phase hides them.
 */
export function expectRefused(check: WorkflowCheck, c: Case, expected: readonly ExpectedProblem[]): void {
  expect(expected.length, 'a refusal names at least one problem').toBeGreaterThan(0);
  const alone = runOne(check, c);
  expect(alone).toEqual(expected.map(({ path, message }) => ({ path, message: expect.stringContaining(message) })));
  const all = runAll(c);
  expect(strip(all.filter((p) => p.check === check.name))).toEqual(alone);
  expect(validateDocument(contextOf(c.workflow, c.terms), inputOf(c))).toEqual(strip(all));
}

/** The check alone reports nothing, and the full validator accepts the document. */
export function expectAccepted(check: WorkflowCheck, c: Case): void {
  expect(runOne(check, c)).toEqual([]);
  expect(validateDocument(contextOf(c.workflow, c.terms), inputOf(c))).toEqual([]);
}
