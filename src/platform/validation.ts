/**
 * Shape validation with zod: one way to check policy documents, configuration and mutation
 * inputs. A feature writes a schema beside its service and calls {@link parseInput} (throws the
 * project's {@link ValidationError}) or {@link validate} (returns the problems). Every problem
 * is reported at once, keyed by its dotted input path (`input.contacts.0.mobile`), first
 * message per path, in the order a person reads the input.
 *
 * Messages: give specific ones in the schema (`.min(6, 'must be …')`, `{ error }`); issues a
 * schema leaves without one get {@link humanError}'s (`is required`, `must be one of …`).
 */
import { z } from 'zod';

import { ValidationError, type FieldErrorCollector, type FieldErrors } from './errors.js';

/** One thing wrong with a value: its dotted path (`''` is the value itself) and what is wrong. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** The outcome of {@link validate}: the parsed value, or every problem found. */
export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] };

/** Where the value sits in the request: `'input'` gives `input.name`; `''` (default) gives `name`. */
export interface ValidateOptions {
  readonly root?: string;
}

/** {@link ValidateOptions} plus the ValidationError's message (default `Invalid input`). */
export interface ParseInputOptions extends ValidateOptions {
  readonly message?: string;
}

/** A value as a message quotes it: JSON, cut at 60 characters; `nothing` for undefined. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  date: 'a date and time',
  array: 'a list',
  object: 'an object',
};

function plural(n: number | bigint, one: string): string {
  return `${n} ${one}${n === 1 || n === 1n ? '' : 's'}`;
}

/**
 * Messages for issues a schema gave none: a missing or null value `is required`; otherwise
 * what was expected and what came (`must be one of SALES, ADMIN, got "KING"`).
 */
const humanError: z.core.$ZodErrorMap = (issue) => {
  const missing = issue.input === undefined || issue.input === null;
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return 'is required';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${show(issue.input)}`;
    case 'invalid_value':
      if (missing) return 'is required';
      return `must be one of ${issue.values.map(String).join(', ')}, got ${show(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'string') return `must be at least ${plural(issue.minimum, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `needs at least ${plural(issue.minimum, 'item')}`;
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}, got ${show(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${plural(issue.maximum, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `may have at most ${plural(issue.maximum, 'item')}`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}, got ${show(issue.input)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'is not in the expected format' : `is not a valid ${issue.format}`;
    case 'unrecognized_keys':
      return 'is not a known field';
    default:
      return undefined;
  }
};

function joinPath(root: string, path: readonly PropertyKey[]): string {
  return [root, ...path.map(String)].filter((part) => part !== '').join('.');
}

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return prefix.every((key, index) => path[index] === key);
}

/**
 * zod reports an object's unknown keys after its fields; a reader expects them first (they are
 * often the typo behind a "missing" field). The issues of one object are contiguous and the
 * unknown-keys issue closes them, so it moves back to the start of that run.
 */
function unknownKeysFirst(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const ordered: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    let at = ordered.length;
    if (issue.code === 'unrecognized_keys') {
      while (at > 0 && startsWith(ordered[at - 1]?.path ?? [], issue.path)) at -= 1;
    }
    ordered.splice(at, 0, issue);
  }
  return ordered;
}

/**
 * zod issues as {@link Problem}s under `root`, ordered, with one problem per unknown key
 * (`input.custodianId`) rather than one for the object holding it.
 */
function problemsOf(issues: readonly z.core.$ZodIssue[], root = ''): Problem[] {
  return unknownKeysFirst(issues).flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: joinPath(root, [...issue.path, key]), message: issue.message }))
      : [{ path: joinPath(root, issue.path), message: issue.message }],
  );
}

/** Problems as a ValidationError's `fields`: the first message for each path. */
export function toFieldErrors(problems: readonly Problem[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const { path, message } of problems) if (!(path in fields)) fields[path] = message;
  return fields;
}

/** Parses `value` with `schema`: the parsed (transformed) value, or every problem, never a throw. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, options: ValidateOptions = {}): Validated<z.output<S>> {
  const result = schema.safeParse(value, { error: humanError });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: problemsOf(result.error.issues, options.root) };
}

/**
 * Parses a mutation's input with `schema`.
 * @throws ValidationError (`BAD_USER_INPUT`) with `fields` keyed by input path, e.g.
 *   `parseInput(contactInput, input, { root: 'input' })` → `{ 'input.mobile': '…' }`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, options: ParseInputOptions = {}): z.output<S> {
  const result = validate(schema, value, options);
  if (result.ok) return result.value;
  throw new ValidationError(toFieldErrors(result.problems), options.message);
}

/**
 * For a service that also collects problems of its own: adds a failed result's problems to
 * `errors` (which keeps the first message per path) and returns the value when it parsed.
 */
export function collect<T>(errors: FieldErrorCollector, result: Validated<T>): T | undefined {
  if (result.ok) return result.value;
  for (const { path, message } of result.problems) errors.add(path, message);
  return undefined;
}

/**
 * For checks that must run even when other fields already failed, so that every problem is
 * reported at once (zod skips refinements after a failed field by default). The check then
 * sees the value as far as it parsed, so it must read it defensively.
 */
export function evenAfterOtherProblems(payload: z.core.ParsePayload): boolean {
  return typeof payload.value === 'object' && payload.value !== null;
}
