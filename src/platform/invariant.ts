/** Asserts a condition that cannot fail unless the code itself is wrong (graphql-js style). */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Invariant violation: ${message}`);
}
