/**
 * P11: terms, cool-downs, caps, approval steps and the working-day calendar are a policy
 * document a designer changes without code. This module holds its type, its defaults
 * (`default-policy.json`, the numbers of domain.md) and its validation.
 */
import { readFileSync } from 'node:fs';

import { isLocalDate, isValidTimeZone, type WorkingCalendar } from './calendar.js';
import { DurationError, durationToMs, parseDuration } from './duration.js';
import defaults from './default-policy.json' with { type: 'json' };

/** The top-level sections; each workflow reads the sections it needs. */
export const POLICY_SECTIONS = ['customer', 'application', 'contract', 'calendar'] as const;
export type PolicySection = (typeof POLICY_SECTIONS)[number];

/** Roles an approval step may require. */
export const POLICY_ROLES = ['SALES', 'AUDITOR', 'AFTER_SALES', 'MANAGER', 'DESIGNER', 'ADMIN'] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

/** A1: the kinds of application that go to audit. */
export const APPLICATION_KINDS = ['PROTECTION', 'INTENT', 'EXTENSION'] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

/** `ANY`: one holder of the role decides the step; `ALL`: every holder must approve. */
export const APPROVAL_MODES = ['ANY', 'ALL'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** One step of an application's audit; steps run in order. */
export interface ApprovalStep {
  readonly role: PolicyRole;
  readonly mode: ApprovalMode;
}

/** Protection terms and caps. Durations are ISO-8601 strings (see `duration.ts`). */
export interface CustomerPolicy {
  /** P2: protection term of a prospect. */
  readonly prospectTerm: string;
  /** P4: protection term of an intent customer. */
  readonly intentTerm: string;
  /** P3: extension granted when the application does not ask for a length. */
  readonly extensionTerm: string;
  /** P3: the longest extension an application may ask for. */
  readonly maxExtensionTerm: string;
  /** P5: how long the person who abandoned a customer may not protect it again. */
  readonly abandonCoolDown: string;
  /** P1: working days a rejected customer stays in custody before going to the pool. */
  readonly rejectionReleaseWorkingDays: number;
  /** How long before a term ends the custodian is warned. */
  readonly warnBefore: string;
  /** P7: the most customers one salesperson may hold; `null` = no cap. */
  readonly maxCustomersPerSales: number | null;
  /** P7: whether formal customers count towards `maxCustomersPerSales`. */
  readonly capCountsFormal: boolean;
  /** P7: the most pool customers one salesperson may claim per local day; `null` = no limit. */
  readonly dailyClaimLimit: number | null;
}

/** Audit of applications (A1–A5). */
export interface ApplicationPolicy {
  /** A5: working days after which a pending application shows as overdue. */
  readonly auditSla: { readonly workingDays: number };
  /** The approval steps of each kind of application, in order; at least one each. */
  readonly steps: Readonly<Record<ApplicationKind, readonly ApprovalStep[]>>;
}

/** Contracts (C1–C4). */
export interface ContractPolicy {
  /** P6: username of the after-sales person a new formal customer goes to; `null` = unassigned. */
  readonly afterSalesAssignee: string | null;
  /** C2: prefix of reserved contract numbers, e.g. `HT`. */
  readonly numberPrefix: string;
}

/** The working-day calendar (P1, A5). */
export type CalendarPolicy = WorkingCalendar;

/** The whole policy document. Values returned by this module are deeply frozen. */
export interface Policy {
  readonly customer: CustomerPolicy;
  readonly application: ApplicationPolicy;
  readonly contract: ContractPolicy;
  readonly calendar: CalendarPolicy;
}

/** One thing wrong with a policy document. `path` is dotted (`calendar.holidays.3`); `''` is the document itself. */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
}

/** The outcome of {@link validatePolicy} and {@link mergePolicy}: the policy, or every problem found. */
export type PolicyValidation =
  | { readonly ok: true; readonly policy: Policy }
  | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

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
export function formatPolicyProblems(problems: readonly PolicyProblem[]): string {
  return problems.map((p) => `- ${p.path === '' ? '(document)' : p.path}: ${p.message}`).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Validation. Each reader records its problems and returns a placeholder when the value is
// wrong; the assembled policy is only handed out when no problem was recorded.

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOwn(value: Json, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

function at(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

class Checker {
  readonly problems: PolicyProblem[] = [];

  report(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /**
   * An object with exactly `keys` (missing keys are reported by the field readers). When it is
   * missing or not an object, `undefined`: its fields are then not reported one by one.
   */
  section(value: unknown, path: string, keys: readonly string[]): Json | undefined {
    if (!isRecord(value)) {
      this.report(path, value === undefined ? 'is required' : `must be an object, got ${show(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) this.report(at(path, key), `is not a known setting (expected one of: ${keys.join(', ')})`);
    }
    return value;
  }

  /** Whether `obj` has `key`; reports it missing unless `obj` itself is already reported. */
  present(obj: Json | undefined, key: string, path: string): obj is Json {
    if (obj === undefined) return false;
    if (hasOwn(obj, key) && obj[key] !== undefined) return true;
    this.report(at(path, key), 'is required');
    return false;
  }

  duration(obj: Json | undefined, key: string, path: string): string {
    if (!this.present(obj, key, path)) return '';
    const value = obj[key];
    const where = at(path, key);
    if (typeof value !== 'string') {
      this.report(where, `must be an ISO-8601 duration string such as "P30D", got ${show(value)}`);
      return '';
    }
    try {
      if (durationToMs(parseDuration(value)) <= 0) {
        this.report(where, `must be longer than zero, got "${value}"`);
        return '';
      }
    } catch (error) {
      if (!(error instanceof DurationError)) throw error;
      this.report(where, error.message);
      return '';
    }
    return value;
  }

  positiveInteger(obj: Json | undefined, key: string, path: string): number {
    if (!this.present(obj, key, path)) return 0;
    const value = obj[key];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
    this.report(at(path, key), `must be a positive integer, got ${show(value)}`);
    return 0;
  }

  positiveIntegerOrNull(obj: Json | undefined, key: string, path: string): number | null {
    if (!this.present(obj, key, path)) return null;
    const value = obj[key];
    if (value === null) return null;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
    this.report(at(path, key), `must be a positive integer or null (no limit), got ${show(value)}`);
    return null;
  }

  boolean(obj: Json | undefined, key: string, path: string): boolean {
    if (!this.present(obj, key, path)) return false;
    const value = obj[key];
    if (typeof value === 'boolean') return value;
    this.report(at(path, key), `must be true or false, got ${show(value)}`);
    return false;
  }

  oneOf<T extends string>(obj: Json | undefined, key: string, path: string, allowed: readonly T[]): T {
    const fallback = allowed[0];
    if (fallback === undefined) throw new TypeError('oneOf needs at least one allowed value');
    if (!this.present(obj, key, path)) return fallback;
    const value = obj[key];
    const found = allowed.find((candidate) => candidate === value);
    if (found !== undefined) return found;
    this.report(at(path, key), `must be one of ${allowed.join(', ')}, got ${show(value)}`);
    return fallback;
  }

  array(obj: Json | undefined, key: string, path: string): readonly unknown[] {
    if (!this.present(obj, key, path)) return [];
    const value = obj[key];
    if (Array.isArray(value)) return value;
    this.report(at(path, key), `must be a list, got ${show(value)}`);
    return [];
  }

  /** A list of distinct real `YYYY-MM-DD` dates. */
  dates(obj: Json | undefined, key: string, path: string): string[] {
    const where = at(path, key);
    const seen = new Set<string>();
    const result: string[] = [];
    this.array(obj, key, path).forEach((item, index) => {
      if (!isLocalDate(item) || typeof item !== 'string') {
        this.report(at(where, index), `must be a real date written YYYY-MM-DD, got ${show(item)}`);
      } else if (seen.has(item)) {
        this.report(at(where, index), `${item} is listed twice`);
      } else {
        seen.add(item);
        result.push(item);
      }
    });
    return result;
  }
}

function checkCustomer(check: Checker, value: unknown): CustomerPolicy {
  const path = 'customer';
  const obj = check.section(value, path, [
    'prospectTerm',
    'intentTerm',
    'extensionTerm',
    'maxExtensionTerm',
    'abandonCoolDown',
    'rejectionReleaseWorkingDays',
    'warnBefore',
    'maxCustomersPerSales',
    'capCountsFormal',
    'dailyClaimLimit',
  ]);
  const customer: CustomerPolicy = {
    prospectTerm: check.duration(obj, 'prospectTerm', path), // P2
    intentTerm: check.duration(obj, 'intentTerm', path), // P4
    extensionTerm: check.duration(obj, 'extensionTerm', path), // P3
    maxExtensionTerm: check.duration(obj, 'maxExtensionTerm', path), // P3
    abandonCoolDown: check.duration(obj, 'abandonCoolDown', path), // P5
    rejectionReleaseWorkingDays: check.positiveInteger(obj, 'rejectionReleaseWorkingDays', path), // P1
    warnBefore: check.duration(obj, 'warnBefore', path),
    maxCustomersPerSales: check.positiveIntegerOrNull(obj, 'maxCustomersPerSales', path), // P7
    capCountsFormal: check.boolean(obj, 'capCountsFormal', path), // P7
    dailyClaimLimit: check.positiveIntegerOrNull(obj, 'dailyClaimLimit', path), // P7
  };
  // P3: the default extension must itself be grantable.
  if (
    customer.extensionTerm !== '' &&
    customer.maxExtensionTerm !== '' &&
    durationToMs(customer.extensionTerm) > durationToMs(customer.maxExtensionTerm)
  ) {
    check.report(
      'customer.extensionTerm',
      `must not be longer than customer.maxExtensionTerm ("${customer.maxExtensionTerm}"), got "${customer.extensionTerm}"`,
    );
  }
  return customer;
}

function checkSteps(check: Checker, steps: Json | undefined, kind: ApplicationKind, stepsPath: string): readonly ApprovalStep[] {
  if (!check.present(steps, kind, stepsPath)) return [];
  const path = at(stepsPath, kind);
  const value = steps[kind];
  if (!Array.isArray(value)) {
    check.report(path, `must be a list of approval steps, got ${show(value)}`);
    return [];
  }
  if (value.length === 0) check.report(path, 'needs at least one approval step');
  return value.map((item: unknown, index) => {
    const where = at(path, index);
    const step = check.section(item, where, ['role', 'mode']);
    return {
      role: check.oneOf(step, 'role', where, POLICY_ROLES),
      mode: check.oneOf(step, 'mode', where, APPROVAL_MODES),
    };
  });
}

function checkApplication(check: Checker, value: unknown): ApplicationPolicy {
  const path = 'application';
  const obj = check.section(value, path, ['auditSla', 'steps']);
  const slaPath = at(path, 'auditSla');
  const sla = check.present(obj, 'auditSla', path) ? check.section(obj.auditSla, slaPath, ['workingDays']) : undefined;
  const stepsPath = at(path, 'steps');
  const steps = check.present(obj, 'steps', path) ? check.section(obj.steps, stepsPath, APPLICATION_KINDS) : undefined;
  return {
    auditSla: { workingDays: check.positiveInteger(sla, 'workingDays', slaPath) }, // A5
    // A1: every kind of application needs at least one step.
    steps: {
      PROTECTION: checkSteps(check, steps, 'PROTECTION', stepsPath),
      INTENT: checkSteps(check, steps, 'INTENT', stepsPath),
      EXTENSION: checkSteps(check, steps, 'EXTENSION', stepsPath),
    },
  };
}

function checkContract(check: Checker, value: unknown): ContractPolicy {
  const path = 'contract';
  const obj = check.section(value, path, ['afterSalesAssignee', 'numberPrefix']);
  let afterSalesAssignee: string | null = null;
  if (check.present(obj, 'afterSalesAssignee', path)) {
    const assignee = obj.afterSalesAssignee;
    if (typeof assignee === 'string' && /^\S(.*\S)?$/.test(assignee)) {
      afterSalesAssignee = assignee;
    } else if (assignee !== null) {
      check.report(
        at(path, 'afterSalesAssignee'),
        `must be a username (non-empty, no surrounding spaces) or null (unassigned), got ${show(assignee)}`,
      );
    }
  }
  let numberPrefix = '';
  if (check.present(obj, 'numberPrefix', path)) {
    if (typeof obj.numberPrefix === 'string' && /^[A-Za-z0-9_-]{1,16}$/.test(obj.numberPrefix)) {
      numberPrefix = obj.numberPrefix;
    } else {
      check.report(
        at(path, 'numberPrefix'),
        `must be 1 to 16 letters, digits, "-" or "_", got ${show(obj.numberPrefix)}`,
      );
    }
  }
  return { afterSalesAssignee, numberPrefix };
}

function checkCalendar(check: Checker, value: unknown): CalendarPolicy {
  const path = 'calendar';
  const obj = check.section(value, path, ['timeZone', 'weekend', 'holidays', 'workdays']);
  let timeZone = '';
  if (check.present(obj, 'timeZone', path)) {
    if (isValidTimeZone(obj.timeZone) && typeof obj.timeZone === 'string') {
      timeZone = obj.timeZone;
    } else {
      check.report(
        at(path, 'timeZone'),
        `must be an IANA time zone known to Intl, such as "Asia/Shanghai", got ${show(obj.timeZone)}`,
      );
    }
  }

  const weekendPath = at(path, 'weekend');
  const weekend: number[] = [];
  check.array(obj, 'weekend', path).forEach((item, index) => {
    if (typeof item !== 'number' || !Number.isInteger(item) || item < 1 || item > 7) {
      check.report(at(weekendPath, index), `must be an ISO weekday number from 1 (Monday) to 7 (Sunday), got ${show(item)}`);
    } else if (weekend.includes(item)) {
      check.report(at(weekendPath, index), `weekday ${item} is listed twice`);
    } else {
      weekend.push(item);
    }
  });
  if (weekend.length === 7) check.report(weekendPath, 'cannot make every day of the week a weekend day');

  const holidays = check.dates(obj, 'holidays', path);
  const workdaysPath = at(path, 'workdays');
  const workdays = check.dates(obj, 'workdays', path);
  workdays.forEach((day) => {
    if (holidays.includes(day)) {
      const index = Array.isArray(obj?.workdays) ? obj.workdays.indexOf(day) : -1;
      check.report(at(workdaysPath, index), `${day} is also listed in calendar.holidays`);
    }
  });
  return { timeZone, weekend, holidays, workdays };
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
  const check = new Checker();
  const root = check.section(input, '', POLICY_SECTIONS);
  if (root === undefined) return { ok: false, problems: check.problems };
  const policy: Policy = {
    customer: checkCustomer(check, root.customer),
    application: checkApplication(check, root.application),
    contract: checkContract(check, root.contract),
    calendar: checkCalendar(check, root.calendar),
  };
  if (check.problems.length > 0) return { ok: false, problems: check.problems };
  return { ok: true, policy: deepFreeze(policy) };
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
