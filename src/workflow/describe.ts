/**
 * A workflow as designers read it: states, events, transitions (with guards and who may send
 * them) and a Mermaid state diagram — all derived from the machine itself, never hand-listed.
 */
import type { AnyStateMachine, StateNode } from 'xstate';
import type { GuardRule } from './definition.js';
import type { EventInfo, EventInput, StateMeta } from './document.js';
import type { MachineVersion } from './registry.js';

export interface StateDescription {
  path: string;
  label: string;
  description: string | null;
  terminal: boolean;
  /** The policy term a timed state starts, and the event fired when it passes. */
  deadline: { term: string; event: string } | null;
}

export interface EventDescription {
  name: string;
  label: string;
  inputs: EventInput[];
  internal: boolean;
}

export interface TransitionDescription {
  from: string;
  event: string;
  to: string;
  guards: string[];
  who: string[];
  rules: string[];
}

export interface WorkflowDescription {
  name: string;
  version: number;
  /** The repository document, when not `src/<name>s/<name>.machine.json` (generated docs). */
  source?: string;
  states: StateDescription[];
  events: EventDescription[];
  transitions: TransitionDescription[];
  mermaid: string;
}

type GuardLike = string | { type: string } | (((...args: never[]) => unknown) & { guards?: GuardLike[] });

function guardNames(guard: unknown): string[] {
  const g = guard as GuardLike | undefined;
  if (g === undefined) return [];
  if (typeof g === 'string') return [g];
  if (typeof g === 'function') return (g.guards ?? []).flatMap(guardNames);
  return [g.type];
}

function pathOf(node: StateNode): string {
  return node.path.join('.');
}

function allNodes(machine: AnyStateMachine): StateNode[] {
  const out: StateNode[] = [];
  const walk = (node: StateNode) => {
    for (const child of Object.values(node.states)) {
      out.push(child);
      walk(child);
    }
  };
  walk(machine.root);
  return out;
}

/** The leaf a target state resolves to (following `initial` of compound states). */
function leafOf(node: StateNode): StateNode {
  let n = node;
  while (Object.keys(n.states).length > 0) {
    const initial = n.initial?.target?.[0];
    if (!initial) break;
    n = initial as StateNode;
  }
  return n;
}

function leavesUnder(node: StateNode): StateNode[] {
  const children = Object.values(node.states);
  return children.length === 0 ? [node] : children.flatMap(leavesUnder);
}

/** A workflow version as designers read it; `guardRules` say who passes each guard and under which rule. */
export function describeWorkflow(def: { name: string; guardRules: Readonly<Record<string, GuardRule>> }, mv: MachineVersion): WorkflowDescription {
  const nodes = allNodes(mv.machine);
  const states: StateDescription[] = nodes.map((node) => {
    const meta = (node.meta ?? {}) as Partial<StateMeta>;
    return {
      path: pathOf(node),
      label: meta.label ?? pathOf(node),
      description: meta.description ?? null,
      terminal: node.type === 'final',
      deadline: meta.deadline ? { term: meta.deadline.term, event: meta.deadline.event } : null,
    };
  });
  const events: EventDescription[] = Object.entries(mv.events).map(([name, info]: [string, EventInfo]) => ({
    name,
    label: info.label,
    inputs: info.inputs,
    internal: info.internal ?? false,
  }));
  const transitions: TransitionDescription[] = [];
  for (const node of nodes) {
    for (const [event, defs] of Object.entries(node.on ?? {})) {
      for (const t of defs) {
        const guards = guardNames(t.guard);
        const rules: GuardRule[] = guards.map((g) => def.guardRules[g]).filter((r): r is GuardRule => r !== undefined);
        const target = t.target?.[0] as StateNode | undefined;
        // A transition declared on a compound state applies to each of its leaves.
        for (const leaf of leavesUnder(node)) {
          transitions.push({
            from: pathOf(leaf),
            event,
            to: target ? pathOf(leafOf(target)) : pathOf(leaf),
            guards,
            who: [...new Set(rules.flatMap((r) => r.who ?? []))],
            rules: [...new Set(rules.map((r) => r.rule))],
          });
        }
      }
    }
  }
  return { name: def.name, version: mv.version, states, events, transitions, mermaid: mermaidOf(mv.machine, transitions) };
}

const id = (path: string) => path.replace(/\./g, '_');

/** A `stateDiagram-v2` of the machine: leaves as nodes, labelled with their paths. */
function mermaidOf(machine: AnyStateMachine, transitions: TransitionDescription[]): string {
  const lines = ['stateDiagram-v2'];
  const leaves = leavesUnder(machine.root);
  for (const leaf of leaves) {
    const meta = (leaf.meta ?? {}) as Partial<StateMeta>;
    lines.push(`  state "${pathOf(leaf)}${meta.deadline ? ` (${meta.deadline.term})` : ''}" as ${id(pathOf(leaf))}`);
  }
  const initial = machine.root.initial?.target?.[0] as StateNode | undefined;
  if (initial) lines.push(`  [*] --> ${id(pathOf(leafOf(initial)))}`);
  const seen = new Set<string>();
  for (const t of transitions) {
    const line = `  ${id(t.from)} --> ${id(t.to)}: ${t.event}`;
    if (!seen.has(line)) lines.push(line);
    seen.add(line);
  }
  for (const leaf of leaves) if (leaf.type === 'final') lines.push(`  ${id(pathOf(leaf))} --> [*]`);
  return lines.join('\n') + '\n';
}

/** The Markdown page `npm run docs` writes for one workflow. */
export function workflowMarkdown(d: WorkflowDescription): string {
  const rows = d.transitions.map(
    (t) =>
      `| \`${t.from}\` | \`${t.event}\` | \`${t.to}\` | ${t.guards.map((g) => `\`${g}\``).join(', ') || '—'} | ${t.who.join(', ') || 'anyone allowed by the guards'} | ${t.rules.join(', ')} |`,
  );
  const states = d.states.map(
    (s) =>
      `| \`${s.path}\` | ${s.label} | ${s.terminal ? 'yes' : ''} | ${s.deadline ? `\`${s.deadline.term}\` → \`${s.deadline.event}\`` : ''} | ${s.description ?? ''} |`,
  );
  return [
    `# The \`${d.name}\` workflow (version ${d.version})`,
    '',
    'Generated by `npm run docs` from the repository document `' +
      (d.source ?? `src/${d.name}s/${d.name}.machine.json`) +
      '` (version 1; designers publish later versions, see `workflow(name) { versions }`); a test fails when this page is stale.',
    '',
    '```mermaid',
    d.mermaid.trimEnd(),
    '```',
    '',
    '## States',
    '',
    '| state | label | terminal | deadline (policy term → event) | description |',
    '| --- | --- | --- | --- | --- |',
    ...states,
    '',
    '## Transitions',
    '',
    '| from | event | to | guards | who | rules |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
