/** The names a document may use that the code defines: guards, actions, and which guards say who may act. */
import type { ValidationContext } from './check.js';
import { isObject, quote } from './json.js';

/** Guards the code implements. */
export function knownGuards(ctx: ValidationContext): string[] {
  return Object.keys(ctx.reference.implementations.guards ?? {});
}

/** Actions the code implements. */
export function knownActions(ctx: ValidationContext): string[] {
  return Object.keys(ctx.reference.implementations.actions ?? {});
}

/** Guards whose refusal is FORBIDDEN: each says who may send an event. */
export function authorityGuards(ctx: ValidationContext): string[] {
  return Object.entries(ctx.guardRules)
    .filter(([, rule]) => rule.code === 'FORBIDDEN')
    .map(([guard]) => guard);
}

/**
 * The known guard names a guard expression (a name or `{ "and": [...] }`) combines, reporting
 * unknown names and malformed parts when given `report`. A malformed part contributes no name.
 */
export function guardNames(guard: unknown, at: string, known: readonly string[], report?: (path: string, message: string) => void): string[] {
  if (typeof guard === 'string') {
    if (!known.includes(guard)) {
      report?.(at, `${quote(guard)} is not a known guard (${known.join(', ')})`);
      return [];
    }
    return [guard];
  }
  if (isObject(guard) && Array.isArray(guard.and) && guard.and.length > 0 && Object.keys(guard).length === 1) {
    return guard.and.flatMap((g: unknown, i: number) => guardNames(g, `${at}.and[${i}]`, known, report));
  }
  report?.(at, 'must be a guard name or { "and": [guard, …] }');
  return [];
}
