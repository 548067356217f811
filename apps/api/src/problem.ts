// The one error mapper: zod errors become 400 problem+json naming the field; anything unknown is a logged 500.
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import type { Logger } from '@rollcall/core/log';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
  request_id?: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: Problem['errors'],
  ) {
    super(detail ?? title);
  }
}

export const notFound = (what: string): HttpProblem => new HttpProblem(404, 'Not Found', what);

export function problem(c: Context, body: Problem): Response {
  return c.newResponse(JSON.stringify(body), body.status as 400, { 'content-type': 'application/problem+json' });
}

/** `in` says where the field was: query, path or body, so "query.since" and "body.comment" read unambiguously. */
export function invalid(error: ZodError, where: 'query' | 'path' | 'body'): HttpProblem {
  return invalidFields(
    error.issues.map((i) => ({ field: [where, ...i.path.map(String)].join('.'), message: i.message })),
  );
}

/** A 400 for problems found past the schema (a time that must be in the future, a range too long to replay). */
export function invalidFields(errors: { field: string; message: string }[]): HttpProblem {
  return new HttpProblem(
    400,
    'Invalid request parameters',
    errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  );
}

export function onError(log: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof HttpProblem) {
      return problem(c, {
        type: 'about:blank',
        title: err.title,
        status: err.status,
        ...(err.detail ? { detail: err.detail } : {}),
        ...(err.errors ? { errors: err.errors } : {}),
      });
    }
    // Hono's own errors (e.g. the body limit) carry a status and a response of their own.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500)
      return problem(c, { type: 'about:blank', title: err.message || 'Bad Request', status });
    // The client went away (a Cancel button, a closed tab) and its work was stopped for that: nobody reads this
    // answer, and it is not the server's error.
    if (c.req.raw.signal.aborted) {
      log.debug('request cancelled by the client', { path: c.req.path });
      return problem(c, { type: 'about:blank', title: 'Client Closed Request', status: 499 });
    }
    const requestId = crypto.randomUUID();
    log.error('unhandled API error', { err, request_id: requestId, path: c.req.path });
    return problem(c, { type: 'about:blank', title: 'Internal Server Error', status: 500, request_id: requestId });
  };
}
