/**
 * Routes besides GraphQL (file import and export): each says which requests it answers and
 * answers them itself; http-server.ts tries them before GraphQL. Their errors are JSON in the
 * shape GraphQL errors have: `{ errors: [{ message, extensions: { code, … } }] }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpRoute {
  matches(method: string, pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** An error answer: HTTP `status`, and `code` with `details` in its extensions. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, details: Record<string, unknown> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { ...details, code } }] });
}

/** The HTTP status of a domain error's code. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  DUPLICATE: 409,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  TOO_MANY_ATTEMPTS: 429,
};
