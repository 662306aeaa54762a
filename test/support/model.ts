/**
 * Model-based testing, the pure half (no database, no vitest): a machine plus a small "world"
 * (what the database holds along a path, as far as the guards care) becomes an `xstate/graph`
 * model whose events carry the facts the engine would load. From it come
 * - the paths to replay: shortest paths (to every vertex; or, with `cover: 'transitions'`, into
 *   every transition once per context it leads to), simple journeys (the longest, or all), and
 *   for every edge of the graph those leave out, the shortest path to its source and that edge
 *   (a targetless transition without actions is such an edge);
 * - every transition the machine declares (leaf state, event, leaf target), to prove the paths
 *   walk all of them before anything runs;
 * - at every vertex (or one per refusal situation), the candidate events the model refuses and
 *   the error the real app must answer (see model-refusals.ts).
 *
 * Legality is `isLegal` (enabled transitions), as the engine decides it: `snapshot.can` is false
 * for a targetless transition without actions, which is still a legal event.
 */
import {
  fromTransition,
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type TransitionSnapshot,
} from 'xstate';
import { getAdjacencyMap, getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';
import type { Actor } from '../../src/workflow/actor.js';
import { settle } from '../../src/workflow/hold.js';
import { isLegal, statePath, type GuardRule, type WorkflowDocument } from './machines.js';
import { predictRefusal } from './model-refusals.js';

export type WorkflowName = 'customer' | 'application' | 'contract';

/** An event as the model sends it: the machine's event, with its actor and the facts the engine would load. */
export interface ModelEvent {
  readonly type: string;
  readonly actor: Actor;
  readonly facts: object;
  readonly reason?: string | null;
}

/** A vertex of the model: the machine's snapshot and the world beside it. */
export interface ModelState<TContext, TWorld> {
  /** The state as the engine writes it (`prospect.protected`). */
  readonly state: string;
  readonly done: boolean;
  readonly context: TContext;
  readonly world: TWorld;
  readonly snapshot: AnyMachineSnapshot;
}

/** What a refusal looks like to a client: `extensions.code`, `extensions.rule` (if any) and the message. */
export interface Refusal {
  code: string;
  rule: string | undefined;
  message: string;
}

/** A machine described for model-based testing (pure: what it is, not how to drive the app). */
export interface ModelSpec<TContext, TEvent extends ModelEvent, TWorld> {
  /** The workflow's name, which is also its entity type and its history's `machine`. */
  name: WorkflowName;
  machine: AnyStateMachine;
  document: WorkflowDocument;
  guardRules: Record<string, GuardRule>;
  input: unknown;
  /** The world before the first event. */
  world: TWorld;
  /** The world after an accepted event (default: unchanged). */
  nextWorld?: (from: ModelState<TContext, TWorld>, event: TEvent) => TWorld;
  /**
   * Events this model does not send, each covered by a test of its own (named in the spec): their
   * transitions are left out of what the model must walk and of the events each vertex must try.
   * An entry may also name one transition (`draft CONFIRM → creditReview`) that another test walks.
   */
  elsewhere?: readonly string[];
  /** Every event worth trying here, accepted or not, with the facts this world implies. */
  candidates: (state: ModelState<TContext, TWorld>) => TEvent[];
  describeEvent: (event: TEvent) => string;
  /** A vertex's name in test names: must tell apart vertices whose refusals differ. */
  describeState: (state: ModelState<TContext, TWorld>) => string;
  /** The rules an accepted event exercises, cited in test names. */
  rulesOf: (event: TEvent) => readonly string[];
  /** Simple paths to replay besides the shortest ones: the longest only, or all of them. */
  journeys: 'longest' | 'all';
  /**
   * What the paths must walk: every edge of the model graph (the shortest path to every vertex,
   * then one path per edge left out), or every transition the machine declares (the shortest
   * path into each, once per context it leads to; for a model whose world multiplies vertices).
   */
  cover: 'edges' | 'transitions';
  /**
   * Probe one vertex per situation: vertices with the same state, whose candidates this describes
   * alike with the same outcomes, are probed once (e.g. "by the custodian" for any custodian).
   * Default: every vertex is probed.
   */
  situation?: (state: ModelState<TContext, TWorld>, event: TEvent) => string;
  /** Where the app refuses before the machine is asked (a service's own check), and how. */
  refusalOverride?: (state: ModelState<TContext, TWorld>, event: TEvent, predicted: Refusal) => Refusal;
}

export interface ModelStep<TContext, TEvent, TWorld> {
  from: ModelState<TContext, TWorld>;
  event: TEvent;
  to: ModelState<TContext, TWorld>;
}

export interface ModelPath<TContext, TEvent, TWorld> {
  name: string;
  origin: 'shortest' | 'journey' | 'edge';
  start: ModelState<TContext, TWorld>;
  steps: ModelStep<TContext, TEvent, TWorld>[];
  end: ModelState<TContext, TWorld>;
}

/** A vertex whose refusals are checked on the database, reached by its shortest path. */
export interface Probe<TContext, TEvent, TWorld> {
  name: string;
  vertex: ModelState<TContext, TWorld>;
  prefix: ModelPath<TContext, TEvent, TWorld>;
  accepted: TEvent[];
  refused: { event: TEvent; expected: Refusal }[];
  /** The rules its refusals cite. */
  rules: string[];
}

export interface MachineModel<TContext, TEvent extends ModelEvent, TWorld> {
  spec: ModelSpec<TContext, TEvent, TWorld>;
  paths: ModelPath<TContext, TEvent, TWorld>[];
  counts: { shortest: number; journeys: number; edges: number };
  /** One probe per distinct refusal situation (state, candidates accepted, refusals expected). */
  probes: Probe<TContext, TEvent, TWorld>[];
  vertices: number;
  /** `source EVENT → target` for every transition the machine declares (targetless: source). */
  declared: string[];
  /** The transitions the generated paths walk. */
  walked: string[];
  /** Every edge (vertex, accepted event) of the model graph, and those the paths walk. */
  graphEdges: string[];
  pathEdges: Set<string>;
}

type State<C, W> = ModelState<C, W>;

export const transitionKey = (from: string, type: string, to: string) => `${from} ${type} → ${to}`;
const vertexKey = <C, W>(s: State<C, W>) => JSON.stringify([s.state, s.context, s.world]);
const byRuleCode = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
export const sortRules = (rules: Iterable<string>) => [...new Set(rules)].sort(byRuleCode);

function modelState<C, W>(snapshot: AnyMachineSnapshot, world: W): State<C, W> {
  return { state: statePath(snapshot.value), done: snapshot.status === 'done', context: snapshot.context, world, snapshot };
}

/** The state a transition target enters: compound targets resolve to their initial leaf. */
function leafPath(node: AnyStateNode): string {
  let leaf = node;
  while (Object.keys(leaf.states).length > 0) {
    const next = leaf.initial.target[0];
    if (!next) throw new Error(`${leaf.id} has no initial state`);
    leaf = next;
  }
  return leaf.path.join('.');
}

/** Every (leaf, event, leaf) the machine declares: a leaf's own transitions and its ancestors'. */
export function declaredTransitions(machine: AnyStateMachine): string[] {
  const result = new Set<string>();
  const visit = (node: AnyStateNode): void => {
    const children = Object.values(node.states);
    if (children.length > 0) return children.forEach(visit);
    const source = node.path.join('.');
    for (let n: AnyStateNode | undefined = node; n; n = n.parent) {
      for (const [type, definitions] of Object.entries(n.on)) {
        for (const definition of definitions) {
          for (const target of definition.target?.length ? definition.target.map(leafPath) : [source]) result.add(transitionKey(source, type, target));
        }
      }
    }
  };
  visit(machine.root);
  return [...result].sort();
}

/** The model's step: the machine decides (holds settled as the engine settles them), the world follows the event. */
function advance<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>, from: State<C, W>, event: E): State<C, W> {
  const [moved] = transition(spec.machine, from.snapshot, event);
  const { next } = settle(spec.machine, from.snapshot, moved, statePath(moved.value) !== from.state, null, null);
  return modelState(next, spec.nextWorld ? spec.nextWorld(from, event) : from.world);
}

function modelLogic<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>) {
  return fromTransition(
    (from: State<C, W>, event: E): State<C, W> => advance(spec, from, event),
    (): State<C, W> => modelState(initialTransition(spec.machine, spec.input)[0], spec.world),
  );
}

function traversalOf<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>) {
  return {
    events: (s: { context: State<C, W> }) => spec.candidates(s.context),
    filterEvents: (s: { context: State<C, W> }, event: E) => isLegal(s.context.snapshot, event),
    serializeState: (s: { context: State<C, W> }) => vertexKey(s.context),
  };
}

function nameOf<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>, start: State<C, W>, steps: ModelStep<C, E, W>[]): string {
  const rules = sortRules(steps.flatMap((s) => spec.rulesOf(s.event)));
  const walk = [spec.describeState(start), ...steps.map((s) => `[${spec.describeEvent(s.event)}] ${spec.describeState(s.to)}`)].join(' → ');
  return rules.length > 0 ? `${walk} (${rules.join(', ')})` : walk;
}

function toPath<C, E extends ModelEvent, W>(
  spec: ModelSpec<C, E, W>,
  origin: ModelPath<C, E, W>['origin'],
  path: StatePath<TransitionSnapshot<State<C, W>>, E>,
): ModelPath<C, E, W> {
  const [init, ...moves] = path.steps;
  if (!init || init.event.type !== 'xstate.init') throw new Error('a generated path starts with xstate.init');
  let from = init.state.context;
  const steps = moves.map(({ event, state }) => {
    const step = { from, event, to: state.context };
    from = state.context;
    return step;
  });
  return { name: nameOf(spec, init.state.context, steps), origin, start: init.state.context, steps, end: from };
}

const edgeKey = <C, W>(from: State<C, W>, event: unknown) => `${vertexKey(from)} ${JSON.stringify(event)}`;
const edgesOf = <C, E, W>(path: ModelPath<C, E, W>) => path.steps.map((s) => edgeKey(s.from, s.event));

/** The model graph: its vertices and every edge (vertex, accepted event). */
function graphOf<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>) {
  const vertices = Object.values(getAdjacencyMap(modelLogic(spec), traversalOf(spec))).map((v) => v.state.context);
  const edges = vertices.flatMap((from) =>
    spec
      .candidates(from)
      .filter((event) => isLegal(from.snapshot, event))
      .map((event) => ({ from, event, to: advance(spec, from, event) })),
  );
  return { vertices, edges };
}

const stepKey = <C, E extends ModelEvent, W>(s: ModelStep<C, E, W>) => transitionKey(s.from.state, s.event.type, s.to.state);

/** The shortest path to the source of `edge`, then `edge`. */
function through<C, E extends ModelEvent, W>(
  spec: ModelSpec<C, E, W>,
  shortest: ModelPath<C, E, W>[],
  edge: ModelStep<C, E, W>,
  origin: ModelPath<C, E, W>['origin'] = 'edge',
): ModelPath<C, E, W> {
  const prefix = shortest.find((p) => vertexKey(p.end) === vertexKey(edge.from));
  if (!prefix) throw new Error(`no path to ${vertexKey(edge.from)}`);
  const steps = [...prefix.steps, edge];
  return { name: nameOf(spec, prefix.start, steps), origin, start: prefix.start, steps, end: edge.to };
}

/** The shortest path into each transition the machine declares, once per context it leads to. */
function perTransition<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>, shortest: ModelPath<C, E, W>[], edges: ModelStep<C, E, W>[]) {
  const best = new Map<string, ModelPath<C, E, W>>();
  for (const path of edges.map((edge) => through(spec, shortest, edge, 'shortest'))) {
    const last = path.steps.at(-1);
    const key = `${last ? stepKey(last) : ''} ${JSON.stringify(path.end.context)}`;
    const known = best.get(key);
    if (!known || path.steps.length < known.steps.length) best.set(key, path);
  }
  return [...best.values()];
}

/** Shortest paths, journeys, then what they leave out (graph edges or transitions); without duplicates. */
function generatePaths<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>, edges: ModelStep<C, E, W>[]) {
  const logic = modelLogic(spec);
  const shortest = getShortestPaths(logic, traversalOf(spec)).map((p) => toPath(spec, 'shortest', p));
  const simple = getSimplePaths(logic, traversalOf(spec)).map((p) => toPath(spec, 'journey', p));
  const longest = Math.max(...simple.map((p) => p.steps.length));
  const journeys = spec.journeys === 'all' ? simple : simple.filter((p) => p.steps.length === longest);
  let base = shortest;
  let edgePaths: ModelPath<C, E, W>[] = [];
  if (spec.cover === 'edges') {
    const seen = new Set([...shortest, ...journeys].flatMap(edgesOf));
    edgePaths = edges.filter((edge) => !seen.has(edgeKey(edge.from, edge.event))).map((edge) => through(spec, shortest, edge));
  } else {
    // Creation alone, then the shortest path into each transition (per context it leads to).
    base = [...shortest.filter((p) => p.steps.length === 0), ...perTransition(spec, shortest, edges)];
  }
  const byEvents = new Map<string, ModelPath<C, E, W>>();
  for (const path of [...base, ...journeys, ...edgePaths]) {
    const key = JSON.stringify(path.steps.map((s) => spec.describeEvent(s.event)));
    if (!byEvents.has(key)) byEvents.set(key, path);
  }
  const paths = [...byEvents.values()].sort((a, b) => a.steps.length - b.steps.length || a.name.localeCompare(b.name));
  return { paths, shortest, counts: { shortest: base.length, journeys: journeys.length, edges: edgePaths.length } };
}

/** One probe per vertex, or per situation (see `ModelSpec.situation`), reached by its shortest path. */
function probesOf<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>, vertices: State<C, W>[], shortest: ModelPath<C, E, W>[]) {
  const bySituation = new Map<string, Probe<C, E, W>>();
  for (const vertex of vertices) {
    const candidates = spec.candidates(vertex);
    const accepted = candidates.filter((e) => isLegal(vertex.snapshot, e));
    const refused = candidates.flatMap((event) => {
      const expected = predictRefusal(spec, vertex, event);
      return expected ? [{ event, expected }] : [];
    });
    const prefix = shortest.find((p) => vertexKey(p.end) === vertexKey(vertex));
    if (!prefix) throw new Error(`no path to ${vertexKey(vertex)}`);
    const described = (e: E) => spec.situation?.(vertex, e) ?? '';
    const entries = (list: string[]) => [...new Set(list)].sort();
    const situation = spec.situation
      ? JSON.stringify([vertex.state, entries(accepted.map(described)), entries(refused.map((r) => JSON.stringify([described(r.event), r.expected])))])
      : vertexKey(vertex);
    const known = bySituation.get(situation);
    if (known && known.prefix.steps.length <= prefix.steps.length) continue;
    const rules = sortRules(refused.flatMap((r) => (r.expected.rule ? [r.expected.rule] : [])));
    bySituation.set(situation, { name: spec.describeState(vertex), vertex, prefix, accepted, refused, rules });
  }
  return [...bySituation.values()].sort((a, b) => a.prefix.steps.length - b.prefix.steps.length || a.name.localeCompare(b.name));
}

/** Builds the model of a machine: everything the replay needs, computed before any test runs. */
export function buildModel<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>): MachineModel<C, E, W> {
  const graph = graphOf(spec);
  const { paths, shortest, counts } = generatePaths(spec, graph.edges);
  const walked = new Set(paths.flatMap((p) => p.steps.map((s) => transitionKey(s.from.state, s.event.type, s.to.state))));
  return {
    spec,
    paths,
    counts,
    probes: probesOf(spec, graph.vertices, shortest),
    vertices: graph.vertices.length,
    declared: declaredTransitions(spec.machine).filter((t) => !(spec.elsewhere ?? []).some((type) => t === type || t.includes(` ${type} `))),
    walked: [...walked].sort(),
    graphEdges: graph.edges.map((e) => edgeKey(e.from, e.event)),
    pathEdges: new Set(paths.flatMap(edgesOf)),
  };
}
