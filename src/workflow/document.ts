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

/** What a state says about itself beyond the tree: its label for people, and the deadline it starts. */
export interface StateMeta {
  label: string;
  description?: string;
  /** P11: entering this state starts a deadline; when it passes the sweeper sends `event`. */
  deadline?: { event: string; term: string };
}

/** One input an event takes from the user (the generic `sendWorkflowEvent` checks it). */
export interface EventInput {
  name: string;
  type: 'String' | 'ID' | 'Int' | 'DateTime';
  required: boolean;
  /** A value that passes the guards, used to decide whether to offer the action. */
  example?: string;
}

/** An event the machine understands: its label, its inputs, and whether only the system sends it. */
export interface EventInfo {
  label: string;
  inputs: EventInput[];
  /** Sent by another workflow or the sweeper, never offered to a user as an action. */
  internal?: boolean;
}

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
  const walk = (states: Record<string, StateDoc>, prefix: string) => {
    for (const [key, s] of Object.entries(states)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (s.states && Object.keys(s.states).length > 0) walk(s.states, path);
      else out.push(path);
    }
  };
  walk(doc.states, '');
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
