/**
 * P11: terms, cool-downs, caps, approval steps and the working-day calendar are a policy
 * document a designer changes without code. This module holds its types (derived from the
 * schemas in `policy.schema.ts`, which hold the rules), its defaults (`default-policy.json`,
 * the numbers of domain.md), merging and loading.
 */
import { readFileSync } from 'node:fs';

import type { z } from 'zod';

import { show, validate, type Problem } from '../../platform/validation.js';
import defaults from './default-policy.json' with { type: 'json' };
import { POLICY_SECTIONS, policySchema } from './policy.schema.js';

export { POLICY_SECTIONS } from './policy.schema.js';

/** Deeply read-only: a policy handed out by this module is frozen. */
type Frozen<T> = T extends readonly (infer U)[] ? readonly Frozen<U>[] : T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

/** The whole policy document (its shape and rules: `policy.schema.ts`). */
export type Policy = Frozen<z.output<typeof policySchema>>;
/** A top-level section of the policy document. */
export type PolicySection = (typeof POLICY_SECTIONS)[number];

/** One thing wrong with a policy document. `path` is dotted (`calendar.holidays.3`); `''` is the document itself. */
export type PolicyProblem = Problem;

/** The outcome of {@link validatePolicy} and {@link mergePolicy}: the policy, or every problem found. */
export type PolicyValidation = { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

/** Thrown when a policy cannot be loaded; `problems` lists everything wrong, as does the message. */
export class PolicyError extends Error {
  readonly code = 'INVALID_POLICY' as const;

  constructor(
    readonly problems: readonly PolicyProblem[],
    readonly source?: string,
  ) {
    super(
      `Invalid policy${source === undefined ? '' : ` in ${source}`} (${problems.length} ${
        problems.length === 1 ? 'problem' : 'problems'
      }):\n${formatPolicyProblems(problems)}`,
    );
    this.name = 'PolicyError';
  }
}

/** One line per problem: `- customer.prospectTerm: must be …`. */
function formatPolicyProblems(problems: readonly PolicyProblem[]): string {
  return problems.map((p) => `- ${p.path === '' ? '(document)' : p.path}: ${p.message}`).join('\n');
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOwn(value: Json, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates a complete policy document and reports every problem at once, each with its
 * dotted path: malformed or non-positive durations, counts that are not positive integers,
 * `null` where it is not allowed, unreal dates, unknown time zones, weekdays outside 1..7,
 * unknown roles or modes, a kind without approval steps, and unknown keys.
 * On success the policy is a fresh, deeply frozen copy sharing nothing with `input`.
 */
export function validatePolicy(input: unknown): PolicyValidation {
  const result = validate(policySchema, upgrade(input));
  return result.ok ? { ok: true, policy: deepFreeze(result.value) } : result;
}

/**
 * Policy documents published before `contract.afterSales` named one `afterSalesAssignee`: such a
 * document reads as `{ mode: USER, username }` (null: the default, least loaded).
 */
function upgrade(input: unknown): unknown {
  if (!isRecord(input) || !isRecord(input.contract) || !('afterSalesAssignee' in input.contract)) return input;
  const { afterSalesAssignee, ...contract } = input.contract;
  const afterSales = typeof afterSalesAssignee === 'string' ? { mode: 'USER', username: afterSalesAssignee } : { mode: 'LEAST_LOADED', username: null };
  return { ...input, contract: { ...contract, afterSales } };
}

function setOwn(target: Json, key: string, value: unknown): void {
  // defineProperty keeps a `__proto__` key as data, so validation reports it as unknown.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function deepMerge(base: unknown, changes: unknown): unknown {
  if (changes === undefined) return base;
  if (!isRecord(base) || !isRecord(changes)) return changes;
  const merged: Json = {};
  for (const [key, value] of Object.entries(base)) setOwn(merged, key, value);
  for (const [key, value] of Object.entries(changes)) {
    setOwn(merged, key, hasOwn(base, key) ? deepMerge(base[key], value) : value);
  }
  return merged;
}

/**
 * Applies a partial policy document over `base` and validates the result (the basis of
 * `updatePolicies`). Objects merge key by key; lists and scalars replace (to add a holiday,
 * send the whole list); `null` is a value (e.g. "no cap"), not a deletion as in JSON Merge
 * Patch. Unknown keys in `changes` are reported as problems.
 */
export function mergePolicy(base: Policy, changes: unknown): PolicyValidation {
  if (!isRecord(changes)) {
    return { ok: false, problems: [{ path: '', message: `policy changes must be an object, got ${show(changes)}` }] };
  }
  return validatePolicy(deepMerge(base, changes));
}

function loadDefaults(): Policy {
  const result = validatePolicy(defaults);
  if (!result.ok) throw new PolicyError(result.problems, 'default-policy.json');
  return result.policy;
}

/**
 * The policy the product ships with: the numbers of domain.md (P1–P7, A5), audit by any
 * AUDITOR, contract numbers prefixed `HT`, and a calendar in Asia/Shanghai with Saturday and
 * Sunday off and China's public holidays. For 2026 it holds the State Council's published
 * arrangement (holidays and make-up working days, 调休); for 2027 only the statutory holiday
 * dates are listed, since the 2027 arrangement is published late in 2026 — a designer adds the
 * bridging days and make-up working days then (P11).
 */
export const DEFAULT_POLICY: Policy = loadDefaults();

/**
 * The policy to run with. `undefined` → {@link DEFAULT_POLICY}; a path → the JSON document in
 * that file (possibly partial) merged over the defaults with {@link mergePolicy}.
 * @throws PolicyError listing every problem, or why the file could not be read or parsed.
 */
export function loadPolicyFile(path: string | undefined): Policy {
  if (path === undefined) return DEFAULT_POLICY;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PolicyError([{ path: '', message: `cannot read the file: ${reason}` }], path);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PolicyError([{ path: '', message: `is not valid JSON: ${reason}` }], path);
  }
  const result = mergePolicy(DEFAULT_POLICY, document);
  if (!result.ok) throw new PolicyError(result.problems, path);
  return result.policy;
}
