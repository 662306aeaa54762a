/**
 * Every argument is checked once, at the GraphQL boundary, before its resolver runs (issue 15):
 * - `ID`: a UUID;
 * - `String`: at most its maximum length (TEXT_RULES, documented in the schema), no control
 *   characters (tab and line breaks only where several lines are allowed), no lone surrogates,
 *   no bidirectional overrides; stored in Unicode NFC;
 * - `DateTime`: within the years 2000–2100.
 * Problems are BAD_USER_INPUT naming each argument path (`input.name`), so nothing reaches the
 * database that it would refuse with an internal error. JSON arguments are checked by their
 * scalar (json.scalar.ts), with the same character rule.
 *
 * The check wraps only the fields that take such an argument (directly, in a list or inside an
 * input object), found once when the schema is built. A global middleware would wrap every field
 * of every row of every list, and cost nested lists a fifth of their time.
 */
import {
  defaultFieldResolver,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  isIntrospectionType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { FieldErrorCollector } from '../errors.js';
import { textProblem } from '../text.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TextRule {
  /** Characters (Unicode code points). */
  max: number;
  /** Whether line breaks and tabs are allowed. */
  lines?: boolean;
}

/** Every String without a rule of its own: one line of at most 200 characters. */
export const SINGLE_LINE: TextRule = { max: 200 };
const LONG: TextRule = { max: 2_000, lines: true };
const REMARK: TextRule = { max: 500, lines: true };
const CLAUSES: TextRule = { max: 5_000, lines: true };
const SEARCH: TextRule = { max: 100 };

/**
 * Rules by input field (`Type.field`) or by argument name (`(name)`, for every field's argument
 * of that name). Record fields follow the domain: names and addresses are one line, what a person
 * writes about a customer, a follow-up or a decision may take several.
 */
/** A customer's own fields, the same when it is created and when it is edited. */
const CUSTOMER_TEXT: Readonly<Record<string, TextRule>> = { introduction: LONG, name: { max: 100 }, phone: { max: 40 }, fax: { max: 40 }, email: { max: 254 } };
const customerRules = (input: string) => Object.fromEntries(Object.entries(CUSTOMER_TEXT).map(([field, rule]) => [`${input}.${field}`, rule]));

export const TEXT_RULES: Readonly<Record<string, TextRule>> = {
  ...customerRules('CreateCustomerInput'),
  ...customerRules('UpdateCustomerInput'),
  'ContactInput.email': { max: 254 },
  'ContactInput.mobile': { max: 40 },
  'ContactInput.landline': { max: 40 },
  'ContactInput.note': REMARK,
  'FollowUpInput.notes': LONG,
  'PaymentInput.note': REMARK,
  'ContractInput.terms': CLAUSES,
  'ContractInput.commitments': CLAUSES,
  'ContractLineInput.description': { max: 500 },
  'BuyerInput.phone': { max: 40 },
  'CustomerFilter.keyword': SEARCH,
  'PoolFilter.keyword': SEARCH,
  'ProductFilter.keyword': SEARCH,
  'CreateUserInput.username': { max: 64 },
  'CreateUserInput.password': { max: 256 },
  'UpdateUserInput.password': { max: 256 },
  '(reason)': REMARK,
  '(note)': REMARK,
  '(keyword)': SEARCH,
  '(after)': { max: 1_000 },
  '(phone)': { max: 40 },
  '(username)': { max: 64 },
  '(password)': { max: 256 },
  // Sign-in answers any password it cannot match alike, an over-long one too (the body limit bounds it).
  'Mutation.login(password)': { max: 1_048_576 },
};

/**
 * String filters holding a local date `YYYY-MM-DD`. (A contract's own dates are checked by its
 * validation with the rest of the record, so that every problem is reported at once.)
 */
export const LOCAL_DATES: ReadonlySet<string> = new Set(['ContractFilter.signedFrom', 'ContractFilter.signedTo']);

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
function isLocalDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** DateTime arguments and local dates fall within these years. */
export const DATE_YEARS = [2000, 2100] as const;
const EARLIEST = Date.UTC(DATE_YEARS[0], 0, 1);
const LATEST = Date.UTC(DATE_YEARS[1] + 1, 0, 1);

/** What a checked argument or input field holds, decided once per schema. */
type Check =
  | { kind: 'id' }
  | { kind: 'text'; rule: TextRule }
  | { kind: 'date' }
  | { kind: 'localDate' }
  | { kind: 'object'; fields: [string, Check][] }
  | { kind: 'list'; of: Check };

function ruleOf(key: string, argName: string | undefined): TextRule {
  return TEXT_RULES[key] ?? (argName !== undefined ? TEXT_RULES[`(${argName})`] : undefined) ?? SINGLE_LINE;
}

/** The check of a type, or undefined when nothing in it needs one. */
function checkOf(type: GraphQLInputType, key: string, argName: string | undefined, seen: Map<GraphQLInputObjectType, Check | undefined>): Check | undefined {
  if (type instanceof GraphQLNonNull) return checkOf(type.ofType, key, argName, seen);
  if (type instanceof GraphQLList) {
    const of = checkOf(type.ofType, key, argName, seen);
    return of && { kind: 'list', of };
  }
  if (type instanceof GraphQLInputObjectType) {
    if (seen.has(type)) return seen.get(type);
    const check: { kind: 'object'; fields: [string, Check][] } = { kind: 'object', fields: [] };
    seen.set(type, check);
    for (const field of Object.values(type.getFields())) {
      const inner = checkOf(field.type, `${type.name}.${field.name}`, undefined, seen);
      if (inner) check.fields.push([field.name, inner]);
    }
    return check.fields.length > 0 ? check : undefined;
  }
  if (type === GraphQLID) return { kind: 'id' };
  if (type === GraphQLString) return LOCAL_DATES.has(key) ? { kind: 'localDate' } : { kind: 'text', rule: ruleOf(key, argName) };
  if (type.name === 'DateTime') return { kind: 'date' };
  return undefined;
}

/** Checks `value`; `store` puts a text's NFC form back where it came from. */
function run(check: Check, value: unknown, store: (text: string) => void, path: string, errors: FieldErrorCollector): void {
  if (value === null || value === undefined) return;
  switch (check.kind) {
    case 'id':
      if (!(typeof value === 'string' && UUID.test(value))) errors.add(path, 'is not a valid id');
      return;
    case 'text': {
      if (typeof value !== 'string') return;
      // Measured as sent and as stored: NFC can make a text up to three times longer (U+FB2C).
      const problem = textProblem(value, check.rule.max, check.rule.lines ?? false);
      const stored = problem ? value : value.normalize('NFC');
      const storedProblem = problem ?? (stored === value ? undefined : textProblem(stored, check.rule.max, check.rule.lines ?? false));
      if (storedProblem) errors.add(path, storedProblem);
      else store(stored);
      return;
    }
    case 'date': {
      const time = value instanceof Date ? value.getTime() : Number.NaN;
      if (!(time >= EARLIEST && time < LATEST)) errors.add(path, `must be a time in the years ${DATE_YEARS[0]} to ${DATE_YEARS[1]}`);
      return;
    }
    case 'localDate': {
      const year = Number(String(value).slice(0, 4));
      if (value !== '' && !(typeof value === 'string' && isLocalDate(value) && year >= DATE_YEARS[0] && year <= DATE_YEARS[1]))
        errors.add(path, `must be a date written YYYY-MM-DD in the years ${DATE_YEARS[0]} to ${DATE_YEARS[1]}`);
      return;
    }
    case 'list':
      if (Array.isArray(value)) value.forEach((item: unknown, i) => run(check.of, item, (text) => (value[i] = text), `${path}.${i}`, errors));
      return;
    case 'object':
      // Coerced by graphql-js: a plain object of this input type's fields.
      if (typeof value === 'object') {
        const fields = value as Record<string, unknown>;
        for (const [field, inner] of check.fields) run(inner, fields[field], (text) => (fields[field] = text), `${path}.${field}`, errors);
      }
  }
}

/** The description's sentence stating a text rule. */
export function describeRule(rule: TextRule): string {
  return `At most ${rule.max} characters${rule.lines ? '; line breaks allowed' : ', one line'}.`;
}

function document(item: GraphQLArgument | GraphQLInputField, check: Check | undefined): void {
  if (check?.kind === 'localDate') {
    const sentence = `A date written YYYY-MM-DD in the years ${DATE_YEARS[0]} to ${DATE_YEARS[1]}.`;
    if (!item.description?.includes(sentence)) item.description = item.description ? `${item.description} ${sentence}` : sentence;
    return;
  }
  if (check?.kind !== 'text' && !(check?.kind === 'list' && check.of.kind === 'text')) return;
  const rule = check.kind === 'text' ? check.rule : (check.of as { rule: TextRule }).rule;
  const sentence = describeRule(rule);
  if (!item.description?.includes(sentence)) item.description = item.description ? `${item.description} ${sentence}` : sentence;
}

/**
 * Wraps the resolver of every field with a checked argument, and writes each text rule into its
 * argument's or input field's description. Returns how many fields it wrapped.
 */
export function checkArguments(schema: GraphQLSchema): number {
  const seen = new Map<GraphQLInputObjectType, Check | undefined>();
  let wrapped = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (type instanceof GraphQLInputObjectType && !isIntrospectionType(type)) {
      for (const field of Object.values(type.getFields())) document(field, checkOf(field.type, `${type.name}.${field.name}`, undefined, new Map()));
    }
    if (!(type instanceof GraphQLObjectType) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const checks: [string, Check][] = [];
      for (const arg of field.args) {
        const check = checkOf(arg.type, `${type.name}.${field.name}(${arg.name})`, arg.name, seen);
        document(arg, check);
        if (check) checks.push([arg.name, check]);
      }
      if (checks.length === 0) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args: Record<string, unknown>, context, info) => {
        // Nothing is allocated for arguments not given (a nested list's field runs per row).
        let errors: FieldErrorCollector | undefined;
        for (const [name, check] of checks) {
          if (args[name] === null || args[name] === undefined) continue;
          errors ??= new FieldErrorCollector();
          run(check, args[name], (text) => (args[name] = text), name, errors);
        }
        errors?.throwIfAny('Invalid input');
        return resolve(root, args, context, info);
      };
      wrapped += 1;
    }
  }
  return wrapped;
}
