import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ConflictError, ValidationError } from '../../src/platform/errors.js';
import { createErrorFormatter } from '../../src/platform/graphql/error-formatter.js';

describe('error mapping at the GraphQL edge', () => {
  const setup = () => {
    const logger = pino({ level: 'silent' });
    const spy = vi.spyOn(logger, 'error');
    return { format: createErrorFormatter(logger), spy };
  };
  const located = (original: Error) => new GraphQLError(original.message, { path: ['x'], originalError: original });

  it('should keep a domain error code and details and not log it', () => {
    const { format, spy } = setup();
    const out = format({ message: 'm', path: ['x'] }, located(new ValidationError({ 'input.name': 'is required' })));
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { 'input.name': 'is required' } });
    expect(format({ message: 'm', path: ['x'] }, located(new ConflictError('stale'))).extensions?.code).toBe('CONFLICT');
    expect(spy).not.toHaveBeenCalled();
  });

  it('should hide an unexpected error behind a generic message and log its stack', () => {
    const { format, spy } = setup();
    const boom = new Error('password=hunter2 at db');
    const out = format({ message: boom.message, path: ['x'] }, located(boom));
    expect(out).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(out)).not.toContain('hunter2');
    expect(spy).toHaveBeenCalledWith(expect.objectContaining({ err: boom }), 'unexpected error');
  });

  it('should map request errors (parse, validation) to BAD_USER_INPUT', () => {
    const { format } = setup();
    const out = format({ message: 'Syntax Error', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, new GraphQLError('Syntax Error'));
    expect(out.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
