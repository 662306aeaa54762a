/**
 * One walk over a raw document for every `shape` check (graphql-js's `visitInParallel`). At each
 * place the walk calls every check's hook, in registry order, so problems come out in document
 * order. The walk descends only where the document has the shape to descend into; reporting a
 * wrong shape is the checks' job.
 */
import { isObject } from './json.js';

/** An entry of `events`. */
export interface EventSite {
  name: string;
  value: unknown;
  at: string;
}

/** A value somewhere in the document, at its path. */
export interface ValueSite {
  value: unknown;
  at: string;
}

/** An entry of a `states` object, before its meta, child states and transitions. */
export interface StateSite {
  key: string;
  value: unknown;
  at: string;
}

/** A state object again, after its child states have been walked. */
export interface StateExitSite {
  doc: Record<string, unknown>;
  at: string;
}

/** A state's `meta.deadline`, when it is an object. */
export interface DeadlineSite {
  deadline: Record<string, unknown>;
  /** The deadline's own path (`….meta.deadline`). */
  at: string;
  /** The document's `events` (empty when it is not an object). */
  events: Record<string, unknown>;
}

/** An entry of a state's `on`: an event name and its transition(s). */
export interface OnSite {
  event: string;
  value: unknown;
  at: string;
  /** The document's `events` (empty when it is not an object). */
  events: Record<string, unknown>;
}

/** What each hook receives. */
interface Sites {
  /** The whole input; the walk stops after it when it is not an object. */
  document: unknown;
  /** The document's `events`, whatever it holds. */
  events: unknown;
  event: EventSite;
  /** An item of an event's `inputs` list. */
  input: ValueSite;
  /** A `states` value: the document's, or a state's child states when it has the key. */
  states: ValueSite;
  state: StateSite;
  /** A state's `meta`, whatever it holds (`at` is `….meta`). */
  meta: ValueSite;
  deadline: DeadlineSite;
  stateExit: StateExitSite;
  on: OnSite;
  /** One transition of an `on` entry; a bare target string arrives as `{ target }`. */
  transition: ValueSite;
}

/** Hooks a `shape` check implements; the walk calls them in document order. */
export type DocumentVisitor = { [K in keyof Sites]?: (site: Sites[K]) => void };

type Emit = <K extends keyof Sites>(hook: K, site: Sites[K]) => void;

/** Walks `input`, calling the visitors' hooks at each place (each hook in the visitors' order). */
export function walkDocument(input: unknown, visitors: readonly DocumentVisitor[]): void {
  const emit: Emit = (hook, site) => {
    for (const visitor of visitors) visitor[hook]?.(site);
  };
  emit('document', input);
  if (!isObject(input)) return;
  emit('events', input.events);
  const events = isObject(input.events) ? input.events : {};
  for (const [name, value] of Object.entries(events)) {
    const at = `events.${name}`;
    emit('event', { name, value, at });
    if (!isObject(value) || !Array.isArray(value.inputs)) continue;
    value.inputs.forEach((item: unknown, i: number) => emit('input', { value: item, at: `${at}.inputs[${i}]` }));
  }
  walkStates(input.states, 'states', events, emit);
}

function walkStates(states: unknown, at: string, events: Record<string, unknown>, emit: Emit): void {
  emit('states', { value: states, at });
  if (!isObject(states) || Object.keys(states).length === 0) return;
  for (const [key, value] of Object.entries(states)) {
    const stateAt = `${at}.${key}`;
    emit('state', { key, value, at: stateAt });
    if (!isObject(value)) continue;
    emit('meta', { value: value.meta, at: `${stateAt}.meta` });
    if (isObject(value.meta) && isObject(value.meta.deadline)) emit('deadline', { deadline: value.meta.deadline, at: `${stateAt}.meta.deadline`, events });
    if (value.states !== undefined) walkStates(value.states, `${stateAt}.states`, events, emit);
    emit('stateExit', { doc: value, at: stateAt });
    if (isObject(value.on)) walkOn(value.on, stateAt, events, emit);
  }
}

function walkOn(on: Record<string, unknown>, stateAt: string, events: Record<string, unknown>, emit: Emit): void {
  for (const [event, spec] of Object.entries(on)) {
    const at = `${stateAt}.on.${event}`;
    emit('on', { event, value: spec, at, events });
    const items: unknown[] = Array.isArray(spec) ? spec : [spec];
    items.forEach((item, i) => emit('transition', { value: typeof item === 'string' ? { target: item } : item, at: Array.isArray(spec) ? `${at}[${i}]` : at }));
  }
}
