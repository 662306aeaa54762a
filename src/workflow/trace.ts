/**
 * Tracing what a transition does with the machine context, so that the sweeper can compute a
 * deadline's transition once for a whole group of rows (same version, state and event) and
 * apply it with set-based SQL. A transition whose guards and context updates never read the
 * context is the same for every row of the group: its context updates are constants.
 *
 * Rule code never sees this: `defineWorkflow` wraps guards and updates with `watched` and
 * `assigned`, which do nothing unless a trace is running (synchronously, in `traceContext`).
 */

/** What a traced run did with the context. */
export interface ContextTrace {
  /** Some guard or context update read a context key. */
  read: boolean;
  /** The keys context updates assigned, with their values (last wins). */
  assigned: Record<string, unknown>;
}

let running: ContextTrace | undefined;

/** Runs `run` (synchronous) and reports whether it read the context and what it assigned. */
export function traceContext<T>(run: () => T): { result: T; trace: ContextTrace } {
  const trace: ContextTrace = { read: false, assigned: {} };
  running = trace;
  try {
    return { result: run(), trace };
  } finally {
    running = undefined;
  }
}

/** The context as a rule function sees it: while tracing, reads are recorded. */
export function watched<T extends object>(context: T): T {
  const trace = running;
  if (!trace) return context;
  const mark = () => {
    trace.read = true;
  };
  return new Proxy(context, {
    get(target, key, receiver) {
      mark();
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      mark();
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      mark();
      return Reflect.ownKeys(target);
    },
  });
}

/** Records a context update's result while tracing; returns it unchanged. */
export function assigned<T extends object>(partial: T): T {
  if (running) Object.assign(running.assigned, partial);
  return partial;
}

/** The keys `read` touches on `value` (for derived columns: do they read only what a patch sets?). */
export function keysRead<T extends object, R>(value: T, read: (value: T) => R): { result: R; keys: Set<string> } {
  const keys = new Set<string>();
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      keys.add(String(key));
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { result: read(proxy), keys };
}
