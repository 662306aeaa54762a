/**
 * `defineWorkflow` turns a feature's machine document and rule registry into what the engine
 * runs: the XState implementation (guards, context updates, effect names), the refusals by
 * guard name, the facts query, the effects and the policy terms. Everything a rule needs is
 * written once, in its rule file; nothing here knows any feature.
 */
import { assign, setup, type AnyMachineSnapshot } from 'xstate';
import { sql, type SQL } from 'drizzle-orm';
import type {
  ContextUpdate,
  Effect,
  FactsManyRequest,
  FactsRequest,
  FactsSelectRequest,
  FactsSpec,
  GuardRule,
  Rule,
  RuleEvent,
  TermFn,
  WorkflowInvariants,
} from './definition.js';
import type { WorkflowRow, WorkflowTable } from './table.js';
import type { Actor } from './actor.js';
import type { MachineImplementation, WorkflowDocument } from './document.js';
import { invariant } from '../platform/invariant.js';
import { arrayLiteral, selectValue } from '../platform/db/sql.js';
import type { Executor } from '../platform/db/client.js';
import type { Policy } from './policy/policy.js';
import { assigned, watched } from './trace.js';

/** The event type the engine uses while working out which actions to offer (all facts load). */
export const OFFER_EVENT = '(offer)';

export interface WorkflowSpec<TRow extends WorkflowRow, TContext, TInput, TFacts> {
  /** Machine name, as recorded in history and shown to designers. */
  name: string;
  entityType: string;
  table: WorkflowTable;
  /** Version 1: the repository's document. */
  document: WorkflowDocument;
  rules: readonly Rule<TRow, TContext, TFacts>[];
  /** The context of a new instance. */
  context: (input: TInput) => TContext;
  invariants: WorkflowInvariants;
  /** Events that have their own mutation (it does more than send the event), by mutation name. */
  dedicated: Record<string, string>;
  /** Columns derived from the machine's context and state (e.g. custodian, stage). */
  derive: (context: TContext, state: string) => Partial<TRow>;
}

/** A rule as docs list it: its code and title, and the guards, actions and terms it defines. */
export interface RuleSummary {
  code: string;
  title: string;
  policyKeys: readonly string[];
  guards: readonly string[];
  actions: readonly string[];
  terms: readonly string[];
  /** Whether it loads facts for its guards. */
  facts: boolean;
}

export interface WorkflowDefinition<TRow extends WorkflowRow = WorkflowRow, TFacts = unknown> {
  readonly name: string;
  readonly entityType: string;
  readonly table: WorkflowTable;
  readonly document: WorkflowDocument;
  readonly invariants: WorkflowInvariants;
  readonly dedicated: Record<string, string>;
  /** The rules, for docs and designers: what each says and which names it gives the machine. */
  readonly rules: readonly RuleSummary[];
  /** What code provides to build a machine from any version's document. */
  readonly implementation: MachineImplementation;
  /** Why each guard refuses. */
  readonly guardRules: Readonly<Record<string, GuardRule>>;
  /** Policy terms timed states may declare. */
  readonly terms: Readonly<Record<string, TermFn>>;
  readonly effects: Readonly<Record<string, Effect<TRow>>>;
  /** The facts with nothing loaded. */
  readonly noFacts: TFacts;
  /**
   * The facts guards read, loaded inside the transaction after the row lock. `selected`: what
   * `selectFacts` read in the locking statement (read here with a statement of its own when absent);
   * `offered`: `selected` came from `offeredFacts`, so it also holds every `loadMany` rule's facts.
   */
  facts(request: FactsRequest<TRow>, selected?: Record<string, unknown>, offered?: boolean): Promise<TFacts>;
  /** Whether a rule loads facts (after a lock) for this actor and event: then the event takes the locked path. */
  loadsFacts(request: { actor: { kind: string }; event: { type: string }; policy: Policy }): boolean;
  /** The facts read by `select` (one jsonb object), to read in the statement that locks the row; null when none apply. */
  selectFacts(request: FactsSelectRequest): SelectedFacts | null;
  /**
   * What the `select` and `loadMany` facts give each of a list's rows when offering `actor` its
   * actions: one statement per fact rule for them all (a list's availableActions), by row id.
   */
  offeredFacts(request: FactsManyRequest<TRow>): Promise<Map<string, Record<string, unknown>>>;
  derive(snapshot: AnyMachineSnapshot, state: string): Partial<TRow>;
  /** The derived columns of a context in a state (the sweeper traces which keys they read). */
  deriveFrom(context: Record<string, unknown>, state: string): Partial<TRow>;
}

type MachineContext = Record<string, unknown>;
type MachineEvent = RuleEvent<unknown>;
type GuardImpl = (args: { context: MachineContext; event: MachineEvent }) => boolean;

/**
 * The machine runs on plain JSON contexts and engine events; a workflow's rules see them as its
 * own context and facts types, which `defineWorkflow`'s type parameters promise.
 */
function narrow<TContext, TFacts>(context: MachineContext, event: MachineEvent): { context: TContext; event: RuleEvent<TFacts> } {
  return { context, event } as { context: TContext; event: RuleEvent<TFacts> };
}

function collect<TRow, TContext, TFacts>(rules: readonly Rule<TRow, TContext, TFacts>[]) {
  const guards: Record<string, GuardImpl> = {};
  const guardRules: Record<string, GuardRule> = {};
  const updates: Record<string, ContextUpdate<TContext, TFacts>> = {};
  const effects: Record<string, Effect<TRow>> = {};
  const terms: Record<string, TermFn> = {};
  const claim = (kind: string, name: string, code: string, taken: Record<string, unknown>) => {
    invariant(!(name in taken), `${kind} ${name} of rule ${code} is defined by two rules`);
  };
  for (const rule of rules) {
    for (const [name, spec] of Object.entries(rule.guards ?? {})) {
      claim('guard', name, rule.code, guards);
      // A guard decided by an input the user has not given yet passes while actions are offered.
      guards[name] = ({ context, event }) => (spec.onInput === true && event.offering === true) || spec.check(narrow(watched(context), event));
      const details = spec.details;
      guardRules[name] = {
        rule: rule.code,
        ...spec.refusal,
        ...(details && { details: (event: MachineEvent) => details(narrow<TContext, TFacts>({}, event).event) }),
      };
    }
    for (const [name, update] of Object.entries(rule.actions ?? {})) {
      claim('action', name, rule.code, { ...updates, ...effects });
      updates[name] = update;
    }
    for (const [name, effect] of Object.entries(rule.effects ?? {})) {
      claim('action', name, rule.code, { ...updates, ...effects });
      effects[name] = effect;
    }
    for (const [name, term] of Object.entries(rule.terms ?? {})) {
      claim('term', name, rule.code, terms);
      terms[name] = term;
    }
  }
  return { guards, guardRules, updates, effects, terms };
}

/** The facts selects that apply to an event, as one jsonb expression; `key` names the combination (one statement shape each). */
export interface SelectedFacts {
  key: string;
  sql: SQL;
}

/** Reads facts selects on their own (when the locking statement did not, e.g. availableActions). */
async function readSelected(executor: FactsRequest<unknown>['executor'], select: SQL): Promise<Record<string, unknown>> {
  return (await selectValue(executor, select, parseJson)) ?? {};
}

/** A jsonb value as the driver returns it (postgres.js parses it, some paths give text). */
export function parseJson(value: unknown): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

/** The `select` facts of many rows, correlated with `unnest` of their ids (one statement). */
async function selectedForMany(
  executor: Executor,
  ids: readonly string[],
  select: (id: SQL, actorId: SQL, now: SQL) => SelectedFacts | null,
  actor: Actor,
  now: Date,
): Promise<Map<string, Record<string, unknown>>> {
  const chosen = actor.kind === 'user' && ids.length > 0 ? select(sql`r.id`, sql`${actor.id}::uuid`, sql`${now.toISOString()}::timestamptz`) : null;
  if (!chosen) return new Map();
  const rows = await executor
    .select({ id: sql<string>`r.id::text`, facts: chosen.sql.mapWith(parseJson) })
    .from(sql`unnest(${arrayLiteral(ids)}::uuid[]) as r(id)`);
  return new Map(rows.map((r) => [r.id, r.facts]));
}

/** A definition's `offeredFacts`: its `select` facts and its rules' `loadMany` facts for a list's rows. */
function offeredFactsOf<TRow extends WorkflowRow, TFacts>(
  selectFacts: (request: FactsSelectRequest) => SelectedFacts | null,
  batched: (policy: Policy) => FactsSpec<TRow, TFacts>[],
): WorkflowDefinition<TRow, TFacts>['offeredFacts'] {
  return async (request) => {
    const { executor, rows, actor, now, policy } = request;
    const offer = { actor, event: { type: OFFER_EVENT }, policy };
    const ids = rows.map((r) => r.id);
    const parts = await Promise.all([
      selectedForMany(executor, ids, (id, actorId, at) => selectFacts({ ...offer, id, actorId, now: at }), actor, now),
      ...(actor.kind === 'user' && rows.length > 0 ? batched(policy).map((f) => f.loadMany?.(request) ?? new Map()) : []),
    ]);
    return new Map(ids.map((id) => [id, Object.assign({}, ...parts.map((p) => p.get(id))) as Record<string, unknown>]));
  };
}

/** Builds a workflow definition from its document and rules (immutable; versions live in the registry). */
export function defineWorkflow<TRow extends WorkflowRow, TContext, TInput, TFacts>(
  spec: WorkflowSpec<TRow, TContext, TInput, TFacts>,
): WorkflowDefinition<TRow, TFacts> {
  const { guards, guardRules, updates, effects, terms } = collect(spec.rules);
  const actions = Object.fromEntries([
    ...Object.entries(updates).map(([name, update]) => [
      name,
      assign<MachineContext, MachineEvent, undefined, MachineEvent, never>(({ context, event }) => assigned(update(narrow(watched(context), event)))),
    ]),
    // Effects are performed by the engine; the machine only names them (XState returns them).
    ...Object.keys(effects).map((name) => [name, () => undefined]),
  ]);
  const machineSetup = setup({ types: { context: {} as MachineContext, events: {} as MachineEvent }, guards, actions });
  const implementation: MachineImplementation = {
    // The config comes from a validated document: its guard and action names are these.
    createMachine: (config) => machineSetup.createMachine(config as Parameters<typeof machineSetup.createMachine>[0]),
    // XState builds an initial snapshot (without input) for the throw-away actor of every
    // `transition`; a context factory that threw on it cost a caught exception per event.
    context: ({ input }) => (input === undefined ? {} : spec.context(input)),
  };
  // Every rule's defaults together are the complete facts (each rule supplies its own keys).
  const factRules = spec.rules.flatMap((r): FactsSpec<TRow, TFacts>[] =>
    r.facts === undefined ? [] : Array.isArray(r.facts) ? [...r.facts] : [r.facts as FactsSpec<TRow, TFacts>],
  );
  const noFacts = Object.assign({}, ...factRules.map((f) => f.defaults)) as TFacts;
  const applies = (f: FactsSpec<TRow, TFacts>, request: { actor: { kind: string }; event: { type: string }; policy: Policy }) =>
    request.actor.kind === 'user' &&
    (request.event.type === OFFER_EVENT || !f.events || f.events.includes(request.event.type)) &&
    (f.when?.(request.policy) ?? true);
  const selectFacts = (request: FactsSelectRequest): SelectedFacts | null => {
    const chosen = factRules.flatMap((f, i) => (f.select && applies(f, request) ? [{ i, sql: f.select(request) }] : []));
    if (chosen.length === 0) return null;
    return {
      key: chosen.map((c) => c.i).join('+'),
      sql: sql`(${sql.join(
        chosen.map((c) => c.sql),
        sql` || `,
      )})`,
    };
  };
  return {
    name: spec.name,
    entityType: spec.entityType,
    table: spec.table,
    document: spec.document,
    invariants: spec.invariants,
    dedicated: spec.dedicated,
    rules: spec.rules.map((r) => ({
      code: r.code,
      title: r.title,
      policyKeys: r.policyKeys ?? [],
      guards: Object.keys(r.guards ?? {}),
      actions: [...Object.keys(r.actions ?? {}), ...Object.keys(r.effects ?? {})],
      terms: Object.keys(r.terms ?? {}),
      facts: r.facts !== undefined,
    })),
    implementation,
    guardRules,
    terms,
    effects,
    noFacts,
    async facts(request, selected, offered = false) {
      if (request.actor.kind !== 'user') return noFacts;
      const facts = { ...noFacts };
      for (const f of factRules) if (f.load && !(offered && f.loadMany) && applies(f, request)) Object.assign(facts as object, await f.load(request));
      // Offered facts hold the `select` and `loadMany` rules' facts of this row, read with the list's.
      if (offered) return Object.assign(facts as object, selected) as TFacts;
      const { row, actor, now } = request;
      const select = selectFacts({ ...request, id: sql`${row.id}::uuid`, actorId: sql`${actor.id}::uuid`, now: sql`${now.toISOString()}::timestamptz` });
      if (select) Object.assign(facts as object, selected ?? (await readSelected(request.executor, select.sql)));
      return facts;
    },
    selectFacts,
    loadsFacts: (request) => factRules.some((f) => f.load !== undefined && applies(f, request)),
    offeredFacts: offeredFactsOf(selectFacts, (policy) =>
      factRules.filter((f) => f.loadMany && applies(f, { actor: { kind: 'user' }, event: { type: OFFER_EVENT }, policy })),
    ),
    derive: (snapshot, state) => spec.derive(snapshot.context as TContext, state),
    deriveFrom: (context, state) => spec.derive(context as TContext, state),
  };
}
