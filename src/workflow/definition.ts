/**
 * The shapes every workflow shares: guard refusals, engine events, and the rule — the unit a
 * feature writes its numbered business rules in (one file per rule, listed in a registry per
 * feature). The document's own shapes (state meta, event info) are in document.ts.
 *
 * A rule bundles what the engine needs to enforce it: named guards with their refusal, the
 * facts those guards read (one query), context updates and effects the machine's actions name,
 * the policy terms timed states declare, and the policy keys it reads (for the docs).
 */
import type { SQL } from 'drizzle-orm';
import type { Executor, Tx } from '../platform/db/client.js';
import type { ErrorCode } from '../platform/errors.js';
import type { Actor } from './actor.js';
import type { Policy } from './policy/policy.js';
import type { ReadModel } from './read-model.js';

/** Why a guard refuses, as the client sees it. */
export interface GuardRule {
  rule: string;
  code: Extract<ErrorCode, 'FORBIDDEN' | 'BAD_USER_INPUT' | 'ILLEGAL_TRANSITION'>;
  message: string;
  /** For BAD_USER_INPUT: the input the message belongs to. */
  field?: string;
  /** Who passes this guard, for designers (a role, `custodian`, `applicant`, `system`, …). */
  who?: string[];
  /** More for the client, from the refused event and its facts (e.g. until when a cool-down runs). */
  details?(event: RuleEvent<unknown>): Record<string, unknown>;
}

/** An event as the engine hands it to a machine: its inputs plus actor, facts and time. */
export interface EngineEvent {
  type: string;
  reason?: string | null;
  [key: string]: unknown;
}

/** The event a guard sees. `offering` is set while computing availableActions (inputs not given yet). */
export type RuleEvent<TFacts> = EngineEvent & { actor: Actor; facts: TFacts; at?: string; offering?: boolean };

export interface GuardSpec<TContext, TFacts> {
  /** Pure: no I/O, only the machine context and the event (with its facts). */
  check(args: { context: TContext; event: RuleEvent<TFacts> }): boolean;
  refusal: Omit<GuardRule, 'rule' | 'details'>;
  /** More for the client when this guard refuses, from the event and its facts (e.g. `until`). */
  details?(event: RuleEvent<TFacts>): Record<string, unknown>;
  /** Decided by an input the user gives with the event (e.g. the new custodian): passes while offering actions. */
  onInput?: boolean;
}

/** What a facts query gets: the locked row, who acts, the event, the time and the policy in force. */
export interface FactsRequest<TRow> {
  executor: Executor;
  row: TRow;
  actor: Actor;
  event: EngineEvent;
  now: Date;
  policy: Policy;
  /** The workflow's read side (effective state at `now`) for facts about other rows. */
  read: ReadModel;
}

/**
 * What `loadMany` gets: the rows of a list (as they are now) whose actions are offered to `actor`
 * — never locked, never inside a transition.
 */
export interface FactsManyRequest<TRow> {
  executor: Executor;
  rows: readonly TRow[];
  actor: Actor;
  now: Date;
  policy: Policy;
  read: ReadModel;
}

/**
 * What a facts select gets: the row's id, the acting user's id and the time as SQL (so that the
 * statement is built once and run with values), the event and the policy.
 */
export interface FactsSelectRequest {
  /** The id of the row the event is for (correlated with the statement that reads it). */
  id: SQL;
  /** The acting user's id (a uuid). */
  actorId: SQL;
  /** The time of the event (a timestamptz). */
  now: SQL;
  actor: Pick<Actor, 'kind'>;
  event: Pick<EngineEvent, 'type'>;
  policy: Policy;
}

/**
 * How a rule's facts are read, in one of two forms. `load`: one query after the row is locked
 * (it may take locks of its own first, e.g. P7's per-person lock). `select`: one scalar jsonb
 * expression (an object of facts) that does not need the row's columns; the engine reads it in
 * the very statement that locks the row, so it costs no round trip (and re-reads it in a
 * statement of its own if the row changed while the lock was awaited).
 */
export type FactsSpec<TRow, TFacts> = {
  /** The facts with nothing loaded (the system actor, projections of due deadlines). */
  defaults: Partial<TFacts>;
  /** Only for these events (all user events when omitted). */
  events?: readonly string[];
  /** Only while the policy turns the rule on (e.g. a cap that is set). */
  when?(policy: Policy): boolean;
} & (
  | {
      load(request: FactsRequest<TRow>): Promise<Partial<TFacts>>;
      /**
       * The same facts for every row of a list at once, when actions are offered (a list's
       * availableActions): one statement for the list, not one per row (issue 14). Without it,
       * offering calls `load` per row. By row id; a row it leaves out gets `defaults`.
       */
      loadMany?(request: FactsManyRequest<TRow>): Promise<Map<string, Partial<TFacts>>>;
      select?: never;
    }
  | { select(request: FactsSelectRequest): SQL; load?: never; loadMany?: never }
);

export interface EffectContext<TRow> {
  tx: Tx;
  row: TRow;
  event: EngineEvent;
  actor: Actor;
  now: Date;
  policy: Policy;
  params: unknown;
  /** The deadline the row will have after this transition (before this effect). */
  deadlineAt: Date | null;
}

/**
 * Done by the engine in the transition's transaction; may move the deadline (e.g. an extension,
 * P3). Declared as a method so that a definition for a feature's row type is usable where any
 * workflow definition is expected (method parameters are bivariant).
 */
export type Effect<TRow> = { run(ctx: EffectContext<TRow>): Promise<void | { deadlineAt: Date | null }> }['run'];

/** A context update the machine applies (XState `assign`). */
export type ContextUpdate<TContext, TFacts> = (args: { context: TContext; event: RuleEvent<TFacts> }) => Partial<TContext>;

/** When a term ends, from when it starts and the policy in force then (P11). */
export type TermFn = (start: Date, policy: Policy) => Date;

export interface Rule<TRow, TContext, TFacts> {
  /** The rule's number in docs/rules.md, e.g. `P5`. */
  code: string;
  /** One line: what the rule says. */
  title: string;
  /** Policy keys the rule reads, e.g. `customer.abandonCoolDown`. */
  policyKeys?: readonly string[];
  guards?: Record<string, GuardSpec<TContext, TFacts>>;
  /** What its guards read: one spec, or one per kind of read (a select for one event, a load for another). */
  facts?: FactsSpec<TRow, TFacts> | readonly FactsSpec<TRow, TFacts>[];
  actions?: Record<string, ContextUpdate<TContext, TFacts>>;
  effects?: Record<string, Effect<TRow>>;
  terms?: Record<string, TermFn>;
}

/** What the product's code relies on, checked on every publish (see validation/). */
export interface WorkflowInvariants {
  /** States services and derived columns read by name. */
  requiredStates: string[];
  /** The state a new instance must start in (services open applications, reserve numbers, …). */
  initialState: string;
  /** Events code sends (audit decisions, contract confirmation, dedicated mutations) → the states that must accept them ([] = some state). */
  requiredEvents: Record<string, string[]>;
  /** Pairs of states no sequence of events may lead from one to the other (e.g. formal → pool, P6). */
  unreachable: { from: string; to: string; rule: string }[];
  /**
   * States that hold an instance for someone (custody) and so must have a deadline, except
   * `exempt` ones whose exit is another record's decision.
   */
  custody?: { rule: string; holds: (state: string) => boolean; exempt: readonly string[] };
}
