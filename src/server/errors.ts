import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Issue, UserError } from '../errors.js';

/** The one error shape every route answers with. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly path?: string;
    readonly issues?: readonly Issue[];
  };
}

/** A user-fixable HTTP error: `UserError` with the status chosen here rather than the 422 default. */
export function httpError(status: number, code: string, message: string, issues?: readonly Issue[]): UserError {
  return new UserError(code, message, '', status, issues);
}

/** The body for a user error; `issues` only when they add something to the code and message. */
export function userErrorBody(error: UserError): ErrorBody {
  const [only] = error.issues;
  const redundant =
    error.issues.length === 1 &&
    only?.code === error.code &&
    only.path === error.path &&
    only.message === error.message;
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.path ? { path: error.path } : {}),
      ...(redundant || error.issues.length === 0 ? {} : { issues: error.issues }),
    },
  };
}

const statusOf = (status: number): ContentfulStatusCode =>
  (status >= 400 && status <= 599 ? status : 500) as ContentfulStatusCode;

/**
 * Hono's error hook: user errors become their status and shape; anything else is a bug, logged with its stack on
 * stderr under a reference the client can quote, and answered without details (they may hold SQL or paths).
 */
export function onError(error: Error, c: Context): Response {
  if (error instanceof UserError) {
    const response = c.json(userErrorBody(error), statusOf(error.status));
    if (error.status === 401) response.headers.set('WWW-Authenticate', authChallenge(c.req.path));
    return response;
  }
  const ref = randomUUID().slice(0, 8);
  console.error(`[strata] internal error ${ref} on ${c.req.method} ${c.req.path}:`, error);
  const body: ErrorBody = {
    error: { code: 'internal', message: `internal error (ref ${ref}); the server log has the details` },
  };
  return c.json(body, 500);
}

/** `/v1` speaks Segment's Basic scheme; `/api` wants a bearer token. */
export function authChallenge(path: string): string {
  return path.startsWith('/v1/') ? 'Basic realm="strata"' : 'Bearer realm="strata"';
}

export function notFound(c: Context): Response {
  const body: ErrorBody = { error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } };
  return c.json(body, 404);
}
