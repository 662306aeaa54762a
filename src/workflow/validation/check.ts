/**
 * What a workflow check is (graphql-js's `ValidationRule`): a name, a sentence for designers, and
 * a `run` that reports problems. Checks of the `shape` phase visit the raw document (see walk.ts);
 * the later phases read the state graph built from a well-formed document (see graph.ts).
 */
import type { AnyStateMachine } from 'xstate';
import type { GuardRule, WorkflowInvariants } from '../definition.js';
import type { MachineImplementation } from '../document.js';
import type { WorkflowGraph } from './graph.js';
import type { DocumentVisitor } from './walk.js';

/** One thing wrong with a document, at a path an editor can mark. */
export interface WorkflowProblem {
  /** Where in the document, e.g. `states.prospect.states.onHold.on.RESUME.target`. */
  path: string;
  message: string;
}

/** What validation needs to know about a workflow's code half. */
export interface ValidationContext {
  name: string;
  implementation: MachineImplementation;
  /** A machine built from the code's implementation, for the names of its guards and actions. */
  reference: AnyStateMachine;
  guardRules: Readonly<Record<string, GuardRule>>;
  invariants: WorkflowInvariants;
  /** The policy term names a state's `meta.deadline.term` may use. */
  terms: readonly string[];
}

/**
 * The order checks run in. A phase runs only when every earlier phase found nothing: the graph of
 * a malformed document means nothing, a graph with dangling targets has no reliable routes, and
 * nothing is reachable without an initial state.
 */
export const PHASES = ['shape', 'targets', 'initial', 'graph', 'machine'] as const;

/** One of {@link PHASES}. */
export type Phase = (typeof PHASES)[number];

/** What a check reads and where it reports. */
export interface CheckScope {
  ctx: ValidationContext;
  report(path: string, message: string): void;
}

interface CheckInfo {
  /** The check's file name in `checks/`, kebab-case. */
  readonly name: string;
  /** What a document must satisfy, in one sentence. */
  readonly description: string;
}

/** A check on the raw JSON: returns the visitor the document walk calls. */
export interface DocumentCheck extends CheckInfo {
  readonly phase: 'shape';
  run(scope: CheckScope): DocumentVisitor;
}

/** A check on the state graph of a well-formed document. */
export interface GraphCheck extends CheckInfo {
  readonly phase: Exclude<Phase, 'shape'>;
  run(scope: CheckScope, graph: WorkflowGraph): void;
}

/** A named check `validateDocument` runs (the list is in workflow-checks.ts). */
export type WorkflowCheck = DocumentCheck | GraphCheck;
