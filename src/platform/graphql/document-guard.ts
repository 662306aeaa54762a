/**
 * The first check of every GraphQL document, before Apollo validates it and before anyone is
 * authenticated: bounded size and shape. graphql-js's validation compares fields that share a
 * response name pairwise (OverlappingFieldsCanBeMerged), so its work grows with the square of a
 * document's fields; parsing stops at `maxTokens`, and one linear pass over the parsed document
 * (fragment spreads are counted, never expanded) caps what validation and the cost check may see.
 * Refusals are BAD_USER_INPUT with HTTP 400 and name the limit (README, Security).
 */
import { GraphQLError, parse, visit, type DocumentNode, type GraphQLFormattedError } from 'graphql';

export const DOCUMENT_LIMITS = {
  /** Lexical tokens in the document (graphql-js stops parsing beyond this). */
  tokens: 5_000,
  /** Field selections written in the document, fragments included. */
  fields: 1_000,
  /** Fields written with one response name (name or alias) anywhere in the document. */
  sameName: 100,
  aliases: 100,
  fragments: 100,
  fragmentSpreads: 500,
  directives: 50,
  /** `__schema` selections: one per document is what every tool sends. */
  schemaIntrospections: 1,
  /** `__type(name:)` selections. */
  typeIntrospections: 10,
} as const;

type Limit = keyof typeof DOCUMENT_LIMITS;

export function limitError(message: string, fields: Record<string, string>, extra: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', fields, ...extra, http: { status: 400 } } });
}

function overLimit(limit: Limit, count: number): GraphQLError {
  const max = DOCUMENT_LIMITS[limit];
  return limitError(`The document has more than ${max} ${limit}`, { query: `at most ${max} ${limit}` }, { limit, max, ...(count > 0 ? { count } : {}) });
}

/** Counts in one pass; the first limit exceeded, or undefined. */
function shapeProblem(document: DocumentNode): GraphQLError | undefined {
  const counts: Record<Exclude<Limit, 'tokens' | 'sameName'>, number> = {
    fields: 0,
    aliases: 0,
    fragments: 0,
    fragmentSpreads: 0,
    directives: 0,
    schemaIntrospections: 0,
    typeIntrospections: 0,
  };
  const names = new Map<string, number>();
  let sameName: { name: string; count: number } | undefined;
  visit(document, {
    Field(node) {
      counts.fields += 1;
      if (node.alias) counts.aliases += 1;
      if (node.name.value === '__schema') counts.schemaIntrospections += 1;
      if (node.name.value === '__type') counts.typeIntrospections += 1;
      const name = node.alias?.value ?? node.name.value;
      const n = (names.get(name) ?? 0) + 1;
      names.set(name, n);
      if (n > DOCUMENT_LIMITS.sameName && !sameName) sameName = { name, count: n };
    },
    FragmentDefinition() {
      counts.fragments += 1;
    },
    FragmentSpread() {
      counts.fragmentSpreads += 1;
    },
    Directive() {
      counts.directives += 1;
    },
  });
  for (const [limit, count] of Object.entries(counts) as [keyof typeof counts, number][]) {
    if (count > DOCUMENT_LIMITS[limit]) return overLimit(limit, count);
  }
  if (sameName) {
    return limitError(
      `The document selects "${sameName.name}" more than ${DOCUMENT_LIMITS.sameName} times`,
      { query: `at most ${DOCUMENT_LIMITS.sameName} fields named "${sameName.name}"` },
      { limit: 'sameName', max: DOCUMENT_LIMITS.sameName },
    );
  }
  return undefined;
}

/** Short documents already found within the limits, so a repeated query is not parsed twice. */
const accepted = new Set<string>();
const ACCEPTED_MAX = 2_000;
const ACCEPTED_LENGTH = 8_192;

/**
 * Undefined when `source` is within the limits or is not a document at all (Apollo then reports
 * the syntax error as it always does); the refusal otherwise.
 */
export function checkDocument(source: string): GraphQLError | undefined {
  if (accepted.has(source)) return undefined;
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: DOCUMENT_LIMITS.tokens, noLocation: true });
  } catch (err) {
    if (err instanceof GraphQLError && /more tha[nt] \d+ tokens/.test(err.message)) return overLimit('tokens', 0);
    return undefined;
  }
  const problem = shapeProblem(document);
  if (problem) return problem;
  if (source.length <= ACCEPTED_LENGTH) {
    if (accepted.size >= ACCEPTED_MAX) accepted.clear();
    accepted.add(source);
  }
  return undefined;
}

/** The refusal as a client sees it (the HTTP status travels in the response, not the body). */
export function refuseDocument(source: string): GraphQLFormattedError | undefined {
  const error = checkDocument(source);
  if (!error) return undefined;
  const { http: _http, ...extensions } = error.extensions;
  return { message: error.message, extensions };
}
