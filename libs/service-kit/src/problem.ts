import type { FieldIssue } from '@sva/kernel';
import type { FastifyReply } from 'fastify';

/**
 * An RFC 9457 problem document. `code` is the stable machine-readable error code
 * (`<SERVICE>_<WHAT>`); `errors` lists field-level problems for validation failures.
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code: string;
  readonly rule?: string;
  readonly errors?: readonly FieldIssue[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  417: 'Expectation Failed',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Build a problem document; `type` is a URN naming the code so clients can switch on it. A 400
 * always lists `errors[]` (the documented shape): when no field is to blame, one entry names the
 * whole `request`.
 */
export function problem(status: number, code: string, detail?: string, extra: Partial<Problem> = {}): Problem {
  const title = titles[status] ?? 'Error';
  return {
    type: `urn:sva:problem:${code}`,
    title,
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
    ...(status === 400 && !extra.errors?.length ? { errors: [{ path: 'request', message: detail ?? title }] } : {}),
  };
}

/** Send a problem document with the right content type. */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}
