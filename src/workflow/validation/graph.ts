/**
 * The state graph of a document, built from the document itself rather than by XState, so that a
 * broken document yields problems instead of an exception. Nodes are states by path; edges join
 * leaf states (a transition on a compound state leaves each of its leaves; a target that is a
 * compound state enters its initial leaf).
 */
import { isObject } from './json.js';

/** A state of the document. */
export interface StateNode {
  /** `prospect.protected` */
  path: string;
  /** `states.prospect.states.protected` */
  docPath: string;
  doc: Record<string, unknown>;
  parent: StateNode | null;
  children: StateNode[];
  /** `meta.deadline`, when the state declares one. */
  deadline: { event: string; term: string } | undefined;
}

/** A transition as written: on `event` in `node`, at `docPath`. */
export interface TransitionRef {
  node: StateNode;
  event: string;
  docPath: string;
  /** The target as written; none for a transition that stays. */
  target: string | undefined;
}

/** A step from one leaf state to another (or the same) on an event. */
export interface Edge {
  from: string;
  event: string;
  to: string;
}

/** What the graph checks read. */
export interface WorkflowGraph {
  /** The workflow's name: a target `#name.path` refers to this document. */
  name: string;
  document: Record<string, unknown>;
  /** The document's `events` (empty when it is not an object). */
  events: Record<string, unknown>;
  /** Every state by path, parents before children. */
  nodes: ReadonlyMap<string, StateNode>;
  leaves: readonly StateNode[];
  /** Transitions whose target names no state (they add no edge). */
  unresolved: readonly (TransitionRef & { target: string })[];
  edges: readonly Edge[];
  /** Leaf path → the events some transition of it or of a state around it handles. */
  handles: ReadonlyMap<string, ReadonlySet<string>>;
  /** The top-level state `initial` names, if it names one. */
  initial: StateNode | undefined;
  /** The leaf a new instance starts in, if `initial` names a top-level state. */
  start: StateNode | undefined;
  /** The leaves of a state: itself when it is a leaf. */
  under(node: StateNode): StateNode[];
  /** Every leaf reachable from `from`, with the edge it was first reached by (null for `from` itself). */
  reach(from: readonly string[]): Map<string, Edge | null>;
  /** The edges `reach` followed to arrive at `to`, first step first. */
  route(reached: ReadonlyMap<string, Edge | null>, to: string): Edge[];
}

function deadlineOf(meta: unknown): StateNode['deadline'] {
  if (!isObject(meta) || !isObject(meta.deadline)) return undefined;
  const { event, term } = meta.deadline;
  return typeof event === 'string' && typeof term === 'string' ? { event, term } : undefined;
}

function transitionsOf(node: StateNode, on: Record<string, unknown>): TransitionRef[] {
  const out: TransitionRef[] = [];
  for (const [event, spec] of Object.entries(on)) {
    const at = `${node.docPath}.on.${event}`;
    const items: unknown[] = Array.isArray(spec) ? spec : [spec];
    items.forEach((item, i) => {
      const t = typeof item === 'string' ? { target: item } : item;
      if (!isObject(t)) return;
      out.push({ node, event, docPath: Array.isArray(spec) ? `${at}[${i}]` : at, target: typeof t.target === 'string' ? t.target : undefined });
    });
  }
  return out;
}

/** Indexes states by path (pre-order) and lists transitions children-first, as the checks report them. */
function collect(states: unknown, parent: StateNode | null, docPath: string, nodes: Map<string, StateNode>, transitions: TransitionRef[]): void {
  if (!isObject(states)) return;
  for (const [key, doc] of Object.entries(states)) {
    if (!isObject(doc)) continue;
    const node: StateNode = {
      path: parent ? `${parent.path}.${key}` : key,
      docPath: `${docPath}.${key}`,
      doc,
      parent,
      children: [],
      deadline: deadlineOf(doc.meta),
    };
    nodes.set(node.path, node);
    parent?.children.push(node);
    if (doc.states !== undefined) collect(doc.states, node, `${node.docPath}.states`, nodes, transitions);
    if (isObject(doc.on)) transitions.push(...transitionsOf(node, doc.on));
  }
}

/** The state a target names, seen from `source`: a sibling, `.child`, or `#name.path`. */
function resolve(nodes: ReadonlyMap<string, StateNode>, name: string, source: StateNode, target: string): StateNode | undefined {
  if (target.startsWith('#')) {
    const [id, ...rest] = target.slice(1).split('.');
    return id === name ? nodes.get(rest.join('.')) : undefined;
  }
  if (target.startsWith('.')) return nodes.get(`${source.path}${target}`);
  return nodes.get(source.parent ? `${source.parent.path}.${target}` : target);
}

/** The leaf entering a state ends in: down through each initial child. */
function enter(nodes: ReadonlyMap<string, StateNode>, node: StateNode): StateNode {
  let at = node;
  for (;;) {
    const next = (typeof at.doc.initial === 'string' ? nodes.get(`${at.path}.${at.doc.initial}`) : undefined) ?? at.children[0];
    if (!next) return at;
    at = next;
  }
}

/** The graph of a document (an object; its well-formedness is the `shape` checks' business). */
export function buildGraph(name: string, document: Record<string, unknown>): WorkflowGraph {
  const nodes = new Map<string, StateNode>();
  const transitions: TransitionRef[] = [];
  collect(document.states, null, 'states', nodes, transitions);
  const leaves = [...nodes.values()].filter((n) => n.children.length === 0);
  const under = (node: StateNode) => leaves.filter((l) => l.path === node.path || l.path.startsWith(`${node.path}.`));

  const unresolved: (TransitionRef & { target: string })[] = [];
  const edges: Edge[] = [];
  const handles = new Map<string, Set<string>>();
  for (const transition of transitions) {
    let targetLeaf: StateNode | undefined;
    const { target } = transition;
    if (target !== undefined) {
      const resolved = resolve(nodes, name, transition.node, target);
      if (!resolved) {
        unresolved.push({ ...transition, target });
        continue;
      }
      targetLeaf = enter(nodes, resolved);
    }
    for (const leaf of under(transition.node)) {
      edges.push({ from: leaf.path, event: transition.event, to: (targetLeaf ?? leaf).path });
      const handled = handles.get(leaf.path) ?? new Set<string>();
      handles.set(leaf.path, handled.add(transition.event));
    }
  }

  const named = typeof document.initial === 'string' ? nodes.get(document.initial) : undefined;
  const initial = named && !named.parent ? named : undefined;
  const reach = (from: readonly string[]): Map<string, Edge | null> => {
    const seen = new Map<string, Edge | null>(from.map((f) => [f, null]));
    const queue = [...from];
    for (let i = 0; i < queue.length; i++) {
      for (const e of edges) {
        if (e.from === queue[i] && !seen.has(e.to)) {
          seen.set(e.to, e);
          queue.push(e.to);
        }
      }
    }
    return seen;
  };
  const route = (reached: ReadonlyMap<string, Edge | null>, to: string): Edge[] => {
    const out: Edge[] = [];
    for (let e = reached.get(to); e; e = reached.get(e.from)) out.unshift(e);
    return out;
  };
  return {
    name,
    document,
    events: isObject(document.events) ? document.events : {},
    nodes,
    leaves,
    unresolved,
    edges,
    handles,
    initial,
    start: initial ? enter(nodes, initial) : undefined,
    under,
    reach,
    route,
  };
}
