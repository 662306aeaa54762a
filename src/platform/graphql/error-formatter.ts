/**
 * The one mapper from errors to what a client sees. Domain errors keep their code and details;
 * GraphQL's own request errors (parse, validation, variable coercion, limits) become
 * BAD_USER_INPUT; anything else is an INTERNAL_SERVER_ERROR with a generic message, logged with
 * its stack.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from '../errors.js';
import { databaseUnavailable } from '../db/errors.js';

/** Apollo's request-level codes that all mean "your request is wrong". */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** The error a resolver or plugin threw, below graphql-js's and Apollo's wrappers. */
function rootCause(error: unknown): unknown {
  let e = error;
  while (e instanceof GraphQLError && e.originalError) e = e.originalError;
  return e;
}

export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    const cause = rootCause(error);
    if (cause instanceof DomainError) {
      return { ...base, message: cause.message, extensions: { ...cause.details, code: cause.code } };
    }
    const code = formatted.extensions?.code;
    const requestCode = code === undefined || (typeof code === 'string' && REQUEST_ERROR_CODES.has(code));
    // A scalar's parser may throw a plain error for a bad variable: Apollo still marks it BAD_USER_INPUT.
    if (formatted.path === undefined && (cause instanceof GraphQLError ? requestCode : code === 'BAD_USER_INPUT')) {
      // The request itself is wrong: syntax, validation, variables, limits.
      return {
        ...base,
        extensions: { fields: {}, ...(cause instanceof GraphQLError ? cause.extensions : {}), ...formatted.extensions, code: 'BAD_USER_INPUT' },
      };
    }
    if (databaseUnavailable(cause)) {
      logger.warn({ err: cause, path: formatted.path }, 'database unavailable');
      return { ...base, message: 'The database is unavailable; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    logger.error({ err: cause, path: formatted.path }, 'unexpected error');
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** HTTP 503 for an answer whose errors include SERVICE_UNAVAILABLE, so proxies and clients retry. */
export function serviceUnavailableStatus(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          if (errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) response.http.status = 503;
        },
      };
    },
  };
}
