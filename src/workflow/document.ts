/**
 * A machine's structure as a JSON document (issue 7): the XState state tree, with guards and
 * actions referenced by name, plus the events it understands (labels and inputs). Code supplies
 * only what cannot be data: the guard and action implementations, the facts, the context.
 *
 * Version 1 of each machine is the document beside its feature (`src/<feature>/<name>.machine.json`); designers publish
 * further versions into the database (`workflow_versions`).
 */
import { and, type AnyStateMachine } from 'xstate';
import { ValidationError } from '../platform/errors.js';
import type { EventInfo, StateMeta } from './definition.js';

/** A guard: a name, or all of several (`{ "and": [...] }`). */
export type GuardDoc = string | { and: GuardDoc[] };

export interface TransitionDoc {
  target?: string;
  guard?: GuardDoc;
  actions?: string | string[];
  description?: string;
}

export interface StateDoc {
  type?: 'final';
  initial?: string;
  meta?: StateMeta;
  on?: Record<string, TransitionDoc | TransitionDoc[] | string>;
  states?: Record<string, StateDoc>;
}

export interface WorkflowDocument {
  id: string;
  initial: string;
  events: Record<string, EventInfo>;
  states: Record<string, StateDoc>;
}

/** What code provides to turn a document into a machine: its guards and actions, and the context factory. */
export interface MachineImplementation {
  /** `setup({ guards, actions }).createMachine` for a config built from a document. */
  createMachine(config: Record<string, unknown>): AnyStateMachine;
  context: (args: { input: never }) => unknown;
}

function toGuard(guard: GuardDoc): unknown {
  if (typeof guard === 'string') return guard;
  // Guard names resolve against the implementation's guards when the machine is created.
  return and(guard.and.map(toGuard) as Parameters<typeof and>[0]);
}

function toTransition(t: TransitionDoc | string): unknown {
  if (typeof t === 'string') return t;
  return { ...t, ...(t.guard !== undefined && { guard: toGuard(t.guard) }) };
}

function toState(state: StateDoc): Record<string, unknown> {
  const out: Record<string, unknown> = { ...state };
  if (state.on) {
    out.on = Object.fromEntries(Object.entries(state.on).map(([event, t]) => [event, Array.isArray(t) ? t.map(toTransition) : toTransition(t)]));
  }
  if (state.states) out.states = Object.fromEntries(Object.entries(state.states).map(([k, s]) => [k, toState(s)]));
  return out;
}

/** The XState machine a document describes (the document must have passed validation). */
export function buildMachine(impl: MachineImplementation, doc: WorkflowDocument): AnyStateMachine {
  const { events: _events, ...tree } = doc;
  return impl.createMachine({ ...toState(tree), id: doc.id, context: impl.context });
}

/** Leaf state paths of a (valid) document. */
export function leafPaths(doc: WorkflowDocument): string[] {
  const out: string[] = [];
  const walk = (states: Record<string, { states?: Record<string, unknown> }>, prefix: string) => {
    for (const [key, s] of Object.entries(states)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (s.states && Object.keys(s.states).length > 0) walk(s.states as never, path);
      else out.push(path);
    }
  };
  walk(doc.states as never, '');
  return out;
}

/**
 * A document that validation or the repository vouches for. Version 1 documents are checked by
 * test/unit/workflow-documents.test.ts; published ones passed validation before they were stored.
 */
export function asDocument(json: unknown): WorkflowDocument {
  // The one place a JSON value becomes a document (the validator checks its shape first).
  return json as WorkflowDocument;
}

/** Refuses a list filter naming a state no loaded version has: bad input, not an empty page. */
export function requireKnownState(known: readonly string[], state: string | null | undefined, field = 'filter.state'): void {
  if (state === null || state === undefined) return;
  if (!known.includes(state)) throw new ValidationError({ [field]: `must be one of ${known.join(', ')}` });
}
