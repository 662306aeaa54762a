/**
 * Hostile requests generated from schema/schema.graphql (issue 15 §1): every argument of every
 * Query and Mutation field, and every field of every input object below it, gets each hostile
 * value of its type in turn while the rest of the arguments stay valid. New fields are covered
 * without touching this file.
 */
import {
  buildSchema,
  getNamedType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  isCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { readFileSync } from 'node:fs';

export interface FuzzCase {
  /** `Mutation.createCustomer(input.name)`: what is being tried. */
  label: string;
  query: string;
  /** The request body as sent: variables may be too deep for JSON.stringify, so it is text. */
  body: string;
}

export function loadSchema(): GraphQLSchema {
  return buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const FORGED_ID = '00000000-0000-4000-8000-000000000000';
/** Marks a value written into the body as raw JSON text rather than stringified. */
class Raw {
  constructor(readonly text: string) {}
}

/** Hostile values of a scalar, by type name (`String` also covers free text of every kind). */
export const HOSTILE: Record<string, unknown[]> = {
  String: [
    '',
    '   ',
    'x'.repeat(10_000),
    '中'.repeat(1_000_000 / 3),
    'a\u0000b',
    '\u0000',
    '\u0007bell',
    'line\nbreak',
    '\ud800',
    'abc\udfff',
    '\u202egnp.exe',
    "'; drop table customers; --",
    '<script>alert(1)</script>',
    '%_\\',
    'e\u0301',
  ],
  ID: ['', 'not-a-uuid', FORGED_ID, "' or 1=1 --", 'x'.repeat(10_000), 'a\u0000'],
  Int: [0, -1, 101, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 1e15, 1.5, '7'],
  Float: [0, -1, 1e308, -1e308],
  Boolean: ['true', 0],
  Decimal: ['0', '-1', '0.001', '1e309', 'NaN', 'Infinity', '99999999999999999999999.99', 'abc', '', ' 1 ', '1,000.00', 12.5],
  DateTime: ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1999-12-31T23:59:59Z', '2026-02-30T00:00:00Z', 'not a date', '', 1e20],
  JSON: [
    new Raw(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
    new Raw(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
    { '\u0000': 1 },
    'a\u0000',
    '\ud800',
    [],
    1e308,
    new Raw(`[${'0,'.repeat(50_000)}0]`),
  ],
};

/** Forged cursors: valid base64 JSON with the wrong things inside, and not base64 at all. */
export const CURSORS: unknown[] = [
  b64(['not-a-date', 'not-a-uuid']),
  b64(['0000-01-01T00:00:00Z', FORGED_ID]),
  b64([1, 2]),
  b64(['a\u0000', FORGED_ID]),
  b64(['\ud800', FORGED_ID]),
  b64({}),
  b64('null'),
  b64(['x'.repeat(600), FORGED_ID]),
  'garbage!',
];

/** A valid-looking value of a type, for the arguments not under attack. */
function sample(type: GraphQLInputType, ids: (name: string) => string, name: string, depth = 0): unknown {
  if (type instanceof GraphQLNonNull) return sample(type.ofType, ids, name, depth);
  if (type instanceof GraphQLList) return [sample(type.ofType, ids, name, depth)];
  if (type instanceof GraphQLEnumType) return type.getValues()[0]?.name;
  if (type instanceof GraphQLInputObjectType) {
    const out: Record<string, unknown> = {};
    if (depth > 3) return out;
    for (const field of Object.values(type.getFields())) {
      if (field.type instanceof GraphQLNonNull) out[field.name] = sample(field.type, ids, field.name, depth + 1);
    }
    return out;
  }
  switch ((type as GraphQLScalarType).name) {
    case 'ID':
      return ids(name);
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'Decimal':
      return '1.00';
    case 'DateTime':
      return '2026-11-30T08:00:00Z';
    case 'JSON':
      return {};
    default:
      return name === 'workflow' || name === 'name' ? 'customer' : '测试';
  }
}

/** Each path to a scalar or enum in an argument's type (input objects followed once). */
function* slots(type: GraphQLInputType, path: (string | number)[], seen: Set<string>): Generator<{ path: (string | number)[]; type: GraphQLInputType }> {
  const named = getNamedType(type);
  if (named instanceof GraphQLInputObjectType) {
    if (seen.has(named.name)) return;
    const inner = new Set(seen).add(named.name);
    const list = type instanceof GraphQLList || (type instanceof GraphQLNonNull && type.ofType instanceof GraphQLList);
    for (const field of Object.values(named.getFields())) yield* slots(field.type, [...path, ...(list ? [0] : []), field.name], inner);
    return;
  }
  yield { path, type };
}

function hostileFor(type: GraphQLInputType, name: string): unknown[] {
  const named = getNamedType(type);
  if (named instanceof GraphQLEnumType) return ['NOT_A_VALUE', ''];
  const values = name === 'after' ? [...CURSORS, ...HOSTILE.String!] : (HOSTILE[named.name] ?? HOSTILE.String!);
  return type instanceof GraphQLList || (type instanceof GraphQLNonNull && type.ofType instanceof GraphQLList) ? [...values.map((v) => [v]), []] : values;
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  path.slice(0, -1).forEach((key, i) => {
    const next = path[i + 1];
    if (node[key] === undefined || node[key] === null) node[key] = typeof next === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  node[path.at(-1)!] = value;
}

/** JSON text of a value that may hold Raw parts. */
function serialise(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Raw ? `\u0001raw${raws.push(v.text) - 1}\u0001` : v));
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!);
}

function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const vars = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `${kind}${vars ? `(${vars})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

/** Every hostile case of the schema; `ids` gives a real id for an ID argument or field by name. */
export function* fuzzCases(schema: GraphQLSchema, ids: (name: string, field: string) => string): Generator<FuzzCase> {
  for (const [kind, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (field.args.length === 0) continue;
      const query = operation(kind, field);
      const base = () =>
        Object.fromEntries(field.args.filter((a) => a.type instanceof GraphQLNonNull).map((a) => [a.name, sample(a.type, (n) => ids(n, field.name), a.name)]));
      for (const arg of field.args) {
        for (const slot of slots(arg.type, [arg.name], new Set())) {
          const leaf = String(slot.path.filter((p) => typeof p === 'string').at(-1));
          for (const value of hostileFor(slot.type, leaf)) {
            const variables = base();
            if (slot.path.length > 1 && variables[arg.name] === undefined) variables[arg.name] = sample(arg.type, (n) => ids(n, field.name), arg.name);
            setAt(variables, slot.path, value);
            yield { label: `${root!.name}.${field.name}(${slot.path.join('.')})`, query, body: serialise({ query, variables }) };
          }
        }
      }
    }
  }
}
