/** Reading a machine: state paths, the nodes along a path, the deadline a state declares, legality. */
import type { AnyMachineSnapshot, AnyStateMachine, StateNode, StateValue } from 'xstate';
import type { StateMeta } from './document.js';

/** `{ prospect: 'protected' }` → `prospect.protected`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key !== undefined) {
      const leaf = child === undefined || (typeof child === 'object' && child !== null && Object.keys(child).length === 0);
      return leaf ? key : `${key}.${statePath(child)}`;
    }
  }
  throw new Error(`Unexpected state value ${JSON.stringify(value)}`);
}

/** `prospect.protected` → `{ prospect: 'protected' }` (the inverse of statePath). */
export function stateValue(path: string): StateValue {
  const [head = '', ...rest] = path.split('.');
  return rest.length === 0 ? head : { [head]: stateValue(rest.join('.')) };
}

/** The state nodes from the root's child down to the leaf for a path. */
export function nodeChain(machine: AnyStateMachine, path: string): StateNode[] {
  const chain: StateNode[] = [];
  let node: StateNode = machine.root;
  for (const key of path.split('.')) {
    const next: StateNode | undefined = node.states[key];
    if (!next) break;
    chain.push(next);
    node = next;
  }
  return chain;
}

/** Whether a state path names a final state of the machine. */
export function isFinalState(machine: AnyStateMachine, path: string): boolean {
  const chain = nodeChain(machine, path);
  return chain.length > 0 && chain[chain.length - 1]?.type === 'final';
}

/** The deadline a state declares, from its deepest node that has one. */
export function stateDeadline(machine: AnyStateMachine, path: string): StateMeta['deadline'] | undefined {
  for (const node of nodeChain(machine, path).reverse()) {
    const meta = node.meta as StateMeta | undefined;
    if (meta?.deadline) return meta.deadline;
  }
  return undefined;
}

/**
 * Whether an event is legal now: some transition for it is enabled (guards pass). Not
 * `snapshot.can`, which is false for a targetless transition without actions (a legal event
 * that changes only what the engine writes, such as UPDATE on a draft contract).
 */
export function isLegal<E extends { type: string }>(snapshot: AnyMachineSnapshot, event: E): boolean {
  const machine: AnyStateMachine = snapshot.machine;
  const data = machine.getTransitionData(snapshot, event);
  return Array.isArray(data) && data.length > 0;
}
