/**
 * Validation of a machine document before it is published (issue 7). Every problem is reported,
 * each with a path into the document, so an editor can mark them all as the designer types:
 *
 * - the JSON shape (states, transitions, events, meta);
 * - only known guard, action, event and policy-term names;
 * - every target names a state, every state is reachable from the initial state;
 * - every transition is guarded by a rule that says who may send it;
 * - every timed state leaves on its deadline event;
 * - the invariants the product's code depends on (required states and events, the initial state,
 *   pairs of states that must never lead to one another such as formal → pool, P6).
 *
 * The graph is explored from the document itself, not from XState, so a broken document yields
 * problems rather than an exception.
 */
import type { AnyStateMachine } from 'xstate';
import type { GuardRule } from './definition.js';
import { buildMachine, leafPaths, type MachineImplementation, type WorkflowDocument } from './document.js';
import type { WorkflowInvariants } from './definition.js';

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
  /** The policy term names a timed state may declare. */
  terms: readonly string[];
}

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const EVENT_NAME = /^[A-Z][A-Z0-9_]*$/;
const INPUT_TYPES = ['String', 'ID', 'Int', 'DateTime'];
/** Keys the engine puts on every event; an input may not take their names. */
const RESERVED_INPUTS = ['type', 'actor', 'facts', 'at', 'via'];

interface Node {
  path: string;
  docPath: string;
  doc: Record<string, unknown>;
  parent: Node | null;
  children: Node[];
}

interface Edge {
  from: string;
  event: string;
  to: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const quote = (s: string) => `\`${s}\``;

export function validateDocument(ctx: ValidationContext, input: unknown): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (!isObject(input)) {
    add('', 'must be a JSON object with id, initial, events and states');
    return problems;
  }
  const knownGuards = Object.keys(ctx.reference.implementations.guards ?? {});
  const knownActions = Object.keys(ctx.reference.implementations.actions ?? {});
  const authorityGuards = Object.entries(ctx.guardRules)
    .filter(([, r]) => r.code === 'FORBIDDEN')
    .map(([g]) => g);

  for (const key of Object.keys(input)) if (!['id', 'initial', 'events', 'states'].includes(key)) add(key, 'is not a known key (id, initial, events, states)');
  if (input.id !== ctx.name) add('id', `must be ${JSON.stringify(ctx.name)} (targets such as #${ctx.name}.x refer to it)`);

  // Events.
  const events = isObject(input.events) ? input.events : {};
  if (!isObject(input.events)) add('events', 'must be an object: event name → { label, inputs }');
  for (const [name, info] of Object.entries(events)) {
    const at = `events.${name}`;
    if (!EVENT_NAME.test(name)) add(at, 'an event name is upper case letters, digits and _ (e.g. HOLD)');
    if (!isObject(info)) {
      add(at, 'must be an object { label, inputs, internal? }');
      continue;
    }
    for (const key of Object.keys(info)) if (!['label', 'inputs', 'internal'].includes(key)) add(`${at}.${key}`, 'is not a known key (label, inputs, internal)');
    if (typeof info.label !== 'string' || info.label.trim() === '') add(`${at}.label`, 'is required');
    if (info.internal !== undefined && typeof info.internal !== 'boolean') add(`${at}.internal`, 'must be true or false');
    if (!Array.isArray(info.inputs)) {
      add(`${at}.inputs`, 'must be a list of { name, type, required }');
      continue;
    }
    info.inputs.forEach((inp: unknown, i: number) => {
      const ip = `${at}.inputs[${i}]`;
      if (!isObject(inp)) return add(ip, 'must be an object { name, type, required }');
      for (const key of Object.keys(inp)) if (!['name', 'type', 'required', 'example'].includes(key)) add(`${ip}.${key}`, 'is not a known key (name, type, required, example)');
      if (typeof inp.name !== 'string' || !NAME.test(inp.name)) add(`${ip}.name`, 'must be a name of letters and digits');
      else if (RESERVED_INPUTS.includes(inp.name)) add(`${ip}.name`, `${quote(inp.name)} is reserved by the engine`);
      if (typeof inp.type !== 'string' || !INPUT_TYPES.includes(inp.type)) add(`${ip}.type`, `must be one of ${INPUT_TYPES.join(', ')}`);
      if (typeof inp.required !== 'boolean') add(`${ip}.required`, 'must be true or false');
      if (inp.example !== undefined && typeof inp.example !== 'string') add(`${ip}.example`, 'must be a string');
    });
  }

  // States: shape, then an index by path.
  const nodes = new Map<string, Node>();
  const transitionsOf = new Map<Node, { event: string; docPath: string; t: Record<string, unknown> }[]>();
  const walkStates = (states: unknown, parent: Node | null, docPath: string) => {
    if (!isObject(states) || Object.keys(states).length === 0) {
      add(docPath, 'must be an object with at least one state');
      return;
    }
    for (const [key, doc] of Object.entries(states)) {
      const at = `${docPath}.${key}`;
      if (!NAME.test(key)) add(at, 'a state name is letters and digits (no dots or spaces)');
      if (!isObject(doc)) {
        add(at, 'must be an object { meta, on, states, initial, type }');
        continue;
      }
      const node: Node = { path: parent ? `${parent.path}.${key}` : key, docPath: at, doc, parent, children: [] };
      nodes.set(node.path, node);
      parent?.children.push(node);
      for (const k of Object.keys(doc)) if (!['type', 'initial', 'meta', 'on', 'states'].includes(k)) add(`${at}.${k}`, 'is not a known key (type, initial, meta, on, states)');
      if (doc.type !== undefined && doc.type !== 'final') add(`${at}.type`, 'may only be "final"');
      if (doc.type === 'final' && (doc.on !== undefined || doc.states !== undefined)) add(at, 'a final state has no transitions and no child states');
      checkMeta(doc.meta, `${at}.meta`);
      if (doc.states !== undefined) {
        walkStates(doc.states, node, `${at}.states`);
        if (typeof doc.initial !== 'string' || !isObject(doc.states) || !(doc.initial in doc.states)) add(`${at}.initial`, 'must name one of its child states');
      } else if (doc.initial !== undefined) add(`${at}.initial`, 'only a state with child states has an initial state');
      const list: { event: string; docPath: string; t: Record<string, unknown> }[] = [];
      transitionsOf.set(node, list);
      if (doc.on === undefined) continue;
      if (!isObject(doc.on)) {
        add(`${at}.on`, 'must be an object: event name → transition');
        continue;
      }
      for (const [event, spec] of Object.entries(doc.on)) {
        const ep = `${at}.on.${event}`;
        if (!(event in events)) add(ep, `${quote(event)} is not declared in events`);
        const items: unknown[] = Array.isArray(spec) ? spec : [spec];
        if (items.length === 0) add(ep, 'must list at least one transition');
        items.forEach((item, i) => {
          const tp = Array.isArray(spec) ? `${ep}[${i}]` : ep;
          const t = typeof item === 'string' ? { target: item } : item;
          if (!isObject(t)) return add(tp, 'must be a target or an object { target, guard, actions }');
          for (const k of Object.keys(t)) if (!['target', 'guard', 'actions', 'description'].includes(k)) add(`${tp}.${k}`, 'is not a known key (target, guard, actions, description)');
          if (t.target !== undefined && typeof t.target !== 'string') add(`${tp}.target`, 'must be a state name');
          if (t.guard === undefined) add(tp, `has no guard; every transition says who may send it (one of ${authorityGuards.join(', ')})`);
          else {
            const names = checkGuard(t.guard, `${tp}.guard`);
            if (names.length > 0 && !names.some((g) => authorityGuards.includes(g))) add(`${tp}.guard`, `must include a guard that says who may send it (one of ${authorityGuards.join(', ')})`);
          }
          if (t.actions !== undefined) {
            const actions = Array.isArray(t.actions) ? t.actions : [t.actions];
            actions.forEach((a: unknown, j: number) => {
              const ap = Array.isArray(t.actions) ? `${tp}.actions[${j}]` : `${tp}.actions`;
              if (typeof a !== 'string' || !knownActions.includes(a)) add(ap, `${JSON.stringify(a)} is not a known action (${knownActions.join(', ')})`);
            });
          }
          list.push({ event, docPath: tp, t });
        });
      }
    }
  };

  function checkMeta(meta: unknown, at: string) {
    if (!isObject(meta)) return add(at, 'is required: { label, description?, deadline? }');
    for (const k of Object.keys(meta)) if (!['label', 'description', 'deadline'].includes(k)) add(`${at}.${k}`, 'is not a known key (label, description, deadline)');
    if (typeof meta.label !== 'string' || meta.label.trim() === '') add(`${at}.label`, 'is required');
    if (meta.description !== undefined && typeof meta.description !== 'string') add(`${at}.description`, 'must be a string');
    if (meta.deadline === undefined) return;
    const d = meta.deadline;
    if (!isObject(d)) return add(`${at}.deadline`, 'must be { event, term }');
    if (typeof d.term !== 'string' || !ctx.terms.includes(d.term as never)) add(`${at}.deadline.term`, `must be a policy term: ${ctx.terms.join(', ')}`);
    if (typeof d.event !== 'string' || !(d.event in events)) add(`${at}.deadline.event`, 'must name an event declared in events');
  }

  function checkGuard(guard: unknown, at: string): string[] {
    if (typeof guard === 'string') {
      if (!knownGuards.includes(guard)) {
        add(at, `${quote(guard)} is not a known guard (${knownGuards.join(', ')})`);
        return [];
      }
      return [guard];
    }
    if (isObject(guard) && Array.isArray(guard.and) && guard.and.length > 0 && Object.keys(guard).length === 1) {
      return guard.and.flatMap((g: unknown, i: number) => checkGuard(g, `${at}.and[${i}]`));
    }
    add(at, 'must be a guard name or { "and": [guard, …] }');
    return [];
  }

  walkStates(input.states, null, 'states');
  if (problems.length > 0) return problems; // the graph of a malformed document means nothing

  // Targets and the graph of leaves.
  const resolve = (source: Node, target: string): Node | undefined => {
    if (target.startsWith('#')) {
      const [id, ...rest] = target.slice(1).split('.');
      return id === ctx.name ? nodes.get(rest.join('.')) : undefined;
    }
    if (target.startsWith('.')) return nodes.get(`${source.path}${target}`);
    return nodes.get(source.parent ? `${source.parent.path}.${target}` : target);
  };
  const enter = (node: Node): Node => {
    let n = node;
    while (n.children.length > 0) n = nodes.get(`${n.path}.${n.doc.initial as string}`) ?? n.children[0]!;
    return n;
  };
  const chain = (leaf: Node): Node[] => {
    const out: Node[] = [];
    for (let n: Node | null = leaf; n; n = n.parent) out.push(n);
    return out;
  };
  const leaves = [...nodes.values()].filter((n) => n.children.length === 0);
  const under = (n: Node) => leaves.filter((l) => l.path === n.path || l.path.startsWith(`${n.path}.`));
  const edges: Edge[] = [];
  const handles = new Map<string, Set<string>>(); // leaf → events some transition of its chain handles
  for (const [node, list] of transitionsOf) {
    for (const { event, docPath, t } of list) {
      let targetLeaf: Node | undefined;
      if (typeof t.target === 'string') {
        const resolved = resolve(node, t.target);
        if (!resolved) {
          add(`${docPath}.target`, `${quote(t.target)} does not name a state (use a sibling name, .child, or #${ctx.name}.path)`);
          continue;
        }
        targetLeaf = enter(resolved);
      }
      for (const leaf of under(node)) {
        edges.push({ from: leaf.path, event, to: (targetLeaf ?? leaf).path });
        (handles.get(leaf.path) ?? handles.set(leaf.path, new Set()).get(leaf.path)!).add(event);
      }
    }
  }
  if (problems.length > 0) return problems;

  const initialNode = typeof input.initial === 'string' ? nodes.get(input.initial) : undefined;
  if (!initialNode || initialNode.parent) {
    add('initial', 'must name one of the top-level states');
    return problems;
  }
  const initialLeaf = enter(initialNode);
  if (initialLeaf.path !== ctx.invariants.initialState) {
    add('initial', `new instances must start in ${quote(ctx.invariants.initialState)} (the product relies on it); this document starts in ${quote(initialLeaf.path)}`);
  }

  const reach = (from: string[]): Map<string, Edge | null> => {
    const seen = new Map<string, Edge | null>(from.map((f) => [f, null]));
    const queue = [...from];
    while (queue.length > 0) {
      const at = queue.shift()!;
      for (const e of edges) if (e.from === at && !seen.has(e.to)) (seen.set(e.to, e), queue.push(e.to));
    }
    return seen;
  };
  const reachable = reach([initialLeaf.path]);
  for (const leaf of leaves) if (!reachable.has(leaf.path)) add(leaf.docPath, `${quote(leaf.path)} is not reachable from the initial state ${quote(initialLeaf.path)}`);

  // Timed states leave on their deadline event.
  for (const node of nodes.values()) {
    const deadline = (node.doc.meta as { deadline?: { event: string; term: string } }).deadline;
    if (!deadline) continue;
    for (const leaf of under(node)) {
      const exits = edges.some((e) => e.from === leaf.path && e.event === deadline.event && !under(node).some((l) => l.path === e.to));
      if (!exits) add(`${node.docPath}.meta.deadline`, `when the ${deadline.term} of ${quote(leaf.path)} passes, ${deadline.event} must leave ${quote(node.path)}; no transition does`);
    }
  }

  // What the product's code relies on.
  for (const state of ctx.invariants.requiredStates) {
    if (!nodes.has(state)) add('states', `the product relies on the state ${quote(state)}; it may not be removed or renamed`);
  }
  for (const [event, states] of Object.entries(ctx.invariants.requiredEvents)) {
    if (!(event in events)) {
      add('events', `the product sends ${quote(event)}; it must stay declared`);
      continue;
    }
    if (states.length === 0 && !edges.some((e) => e.event === event)) add('states', `the product sends ${quote(event)}; some state must accept it`);
    for (const state of states) {
      const node = nodes.get(state);
      if (!node) continue; // reported as a missing required state
      for (const leaf of under(node)) {
        if (!handles.get(leaf.path)?.has(event)) add(`${leaf.docPath}.on`, `the product sends ${quote(event)} in ${quote(leaf.path)}; it must stay accepted there`);
      }
    }
  }
  for (const { from, to, rule } of ctx.invariants.unreachable) {
    const fromNode = nodes.get(from);
    const toNode = nodes.get(to);
    if (!fromNode || !toNode) continue;
    const seen = reach(under(fromNode).map((l) => l.path));
    const hit = under(toNode).find((l) => seen.has(l.path));
    if (!hit) continue;
    const route: string[] = [];
    for (let e = seen.get(hit.path); e; e = seen.get(e.from)) route.unshift(`${e.from} —${e.event}→ ${e.to}`);
    add(fromNode.docPath, `${quote(from)} must never lead to ${quote(to)} (${rule}), but it does: ${route.join(', ')}`);
  }
  if (problems.length > 0) return problems;

  try {
    buildMachine(ctx.implementation, input as unknown as WorkflowDocument);
  } catch (err) {
    add('', `XState refuses the document: ${(err as Error).message}`);
  }
  return problems;
}

/**
 * States live instances occupy that a new document no longer has, unless the state mapping says
 * where they go; and mapping entries that name no state of the new document.
 */
export function occupancyProblems(doc: WorkflowDocument, occupied: { state: string; count: number }[], mapping: Record<string, string>): WorkflowProblem[] {
  const leaves = new Set(leafPaths(doc));
  const problems: WorkflowProblem[] = [];
  for (const [from, to] of Object.entries(mapping)) {
    if (typeof to !== 'string' || !leaves.has(to)) problems.push({ path: `stateMapping.${from}`, message: `${JSON.stringify(to)} is not a state of the new version (${[...leaves].join(', ')})` });
  }
  for (const { state, count } of occupied) {
    if (!leaves.has(state) && !(state in mapping)) {
      problems.push({ path: `stateMapping.${state}`, message: `${count} live instance(s) are in ${quote(state)}, which this version removes; map it to a state of the new version` });
    }
  }
  return problems;
}
