/**
 * Explaining the machine to people: which events a viewer may send now (availableActions), and
 * why an event was refused — the rule of the first failing guard, or not legal in this state.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { DomainError, ForbiddenError, IllegalTransitionError, ValidationError } from '../platform/errors.js';
import type { Actor } from './actor.js';
import type { EngineEvent, GuardRule } from './definition.js';
import type { EventInfo } from './document.js';
import { isLegal, nodeChain } from './machine-paths.js';

type GuardImpl = (args: { context: unknown; event: unknown }, params: unknown) => boolean;
type GuardLike = string | { type: string; params?: unknown } | (((...args: never[]) => unknown) & { guards?: GuardLike[] });

/** The first named guard that fails for this event, walking `and(...)` guards. */
function failingGuard(machine: AnyStateMachine, guard: GuardLike | undefined, snapshot: AnyMachineSnapshot, event: EngineEvent): string | null {
  if (guard === undefined) return null;
  if (typeof guard === 'function') {
    // Only and(...) can be explained by its first failing part; or/not name no single rule.
    if (guard.name !== 'and') return null;
    for (const g of guard.guards ?? []) {
      const failed = failingGuard(machine, g, snapshot, event);
      if (failed) return failed;
    }
    return null;
  }
  const name = typeof guard === 'string' ? guard : guard.type;
  const params = typeof guard === 'string' ? undefined : guard.params;
  const guards: Record<string, GuardImpl | undefined> = machine.implementations.guards;
  const impl = guards[name];
  if (!impl) return name;
  return impl({ context: snapshot.context, event }, params) ? null : name;
}

/**
 * The user events this actor could send now, guards evaluated with these facts and the
 * required inputs assumed given (what a front end should offer as buttons).
 */
export function allowedEvents(events: Record<string, EventInfo>, snapshot: AnyMachineSnapshot, actor: Actor, facts: unknown, at: string): string[] {
  return Object.entries(events)
    .filter(([, info]) => !info.internal)
    .filter(([type, info]) => {
      const probe: EngineEvent = { type, actor, facts, at, offering: true };
      for (const input of info.inputs) probe[input.name] = input.example ?? (input.type === 'Int' ? 1 : 'probe-value');
      return isLegal(snapshot, probe);
    })
    .map(([type]) => type);
}

export interface RefusalInput {
  entityType: string;
  guardRules: Readonly<Record<string, GuardRule>>;
  machine: AnyStateMachine;
  events: Record<string, EventInfo>;
  snapshot: AnyMachineSnapshot;
  state: string;
  /** The event as the machine saw it (with actor, facts and time). */
  event: EngineEvent & { actor: Actor; facts: unknown; at: string };
}

/** Why an event was refused: the rule of the first failing guard, or not legal here at all. */
export function refusal(r: RefusalInput): DomainError {
  const allowed = allowedEvents(r.events, r.snapshot, r.event.actor, r.event.facts, r.event.at);
  const candidates = nodeChain(r.machine, r.state)
    .reverse()
    .flatMap((node) => node.on[r.event.type] ?? []);
  const details = { state: r.state, event: r.event.type, allowedEvents: allowed };
  for (const candidate of candidates) {
    const failed = failingGuard(r.machine, candidate.guard as GuardLike | undefined, r.snapshot, r.event);
    const info = failed ? r.guardRules[failed] : undefined;
    if (!info) continue;
    Object.assign(details, info.details?.(r.event));
    if (info.code === 'FORBIDDEN') return new ForbiddenError(info.message, { ...details, rule: info.rule });
    if (info.code === 'BAD_USER_INPUT') {
      return new ValidationError({ [info.field ?? 'input']: info.message }, info.message, { ...details, rule: info.rule });
    }
    return new IllegalTransitionError(info.message, { ...details, rule: info.rule });
  }
  return new IllegalTransitionError(`${r.event.type} is not possible while the ${r.entityType} is ${r.state}`, details);
}
