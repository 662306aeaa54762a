/**
 * What the app must answer to an event the model refuses: the rule of the first failing named
 * guard, looked up in the machine's guard rules, walking the state's transitions leaf first and
 * `and` guards depth first (the engine's documented refusal); "not possible here" when no
 * transition of the state takes the event. A spec may override where a service refuses before
 * the machine is asked.
 */
import type { GuardDoc, StateDoc, TransitionDoc, WorkflowDocument } from './machines.js';
import { isLegal } from './machines.js';
import type { ModelEvent, ModelSpec, ModelState, Refusal } from './model.js';

/** The transition documents for an event in a state, leaf first (the order the engine explains a refusal in). */
function transitionDocs(document: WorkflowDocument, state: string, type: string): TransitionDoc[] {
  const chain: StateDoc[] = [];
  let states: Record<string, StateDoc> | undefined = document.states;
  for (const key of state.split('.')) {
    const node: StateDoc | undefined = states?.[key];
    if (!node) break;
    chain.push(node);
    states = node.states;
  }
  return chain.reverse().flatMap((node) => {
    const on = node.on?.[type];
    if (on === undefined) return [];
    return (Array.isArray(on) ? on : [on]).map((t) => (typeof t === 'string' ? { target: t } : t));
  });
}

/** The first named guard of `guard` that fails (depth first through `and`), or null. */
function firstFailing(guard: GuardDoc | undefined, passes: (name: string) => boolean): string | null {
  if (guard === undefined) return null;
  if (typeof guard === 'string') return passes(guard) ? null : guard;
  for (const part of guard.and) {
    const failed = firstFailing(part, passes);
    if (failed) return failed;
  }
  return null;
}

/** The error the app must answer to a refused event: the model's prediction, or the spec's override. */
export function predictRefusal<C, E extends ModelEvent, W>(spec: ModelSpec<C, E, W>, state: ModelState<C, W>, event: E): Refusal | null {
  if (isLegal(state.snapshot, event)) return null;
  const guards: Record<string, unknown> = spec.machine.implementations.guards;
  const passes = (name: string) => {
    const guard = guards[name];
    if (typeof guard !== 'function') throw new Error(`${spec.name}: no guard ${name}`);
    return Boolean(guard({ context: state.context, event }, undefined));
  };
  let predicted: Refusal = { code: 'ILLEGAL_TRANSITION', rule: undefined, message: `${event.type} is not possible while the ${spec.name} is ${state.state}` };
  for (const doc of transitionDocs(spec.document, state.state, event.type)) {
    const failed = firstFailing(doc.guard, passes);
    const info = failed ? spec.guardRules[failed] : undefined;
    if (!info) continue;
    predicted = { code: info.code, rule: info.rule, message: info.message };
    break;
  }
  return spec.refusalOverride ? spec.refusalOverride(state, event, predicted) : predicted;
}
