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
  ) {
    super(detail ?? title);
  }
}

export function problem(c: Context, body: Problem): Response {
  return c.newResponse(JSON.stringify(body), body.status as 400, { 'content-type': 'application/problem+json' });
}

export function invalidParams(c: Context, error: ZodError): Response {
  const errors = error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(request)', message: i.message }));
  return problem(c, { type: 'about:blank', title: 'Invalid request parameters', status: 400, detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors });
}

export function onError(log: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof HttpProblem) return problem(c, { type: 'about:blank', title: err.title, status: err.status, ...(err.detail ? { detail: err.detail } : {}) });
    const requestId = crypto.randomUUID();
    log.error('unhandled API error', { err, request_id: requestId, path: c.req.path });
    return problem(c, { type: 'about:blank', title: 'Internal Server Error', status: 500, request_id: requestId });
  };
}
