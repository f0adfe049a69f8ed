// One error path: services throw AppError; the app's onError turns it into the error envelope
// `{ success: false, data: null, error: { code, message, ...details }, timestamp }`.
import type { Logger } from './shared/log'
import { newId } from './shared/ids'
import { validationMessage, type ValueError } from './shared/validation-message'

export const STATUS_BY_CODE = {
  VALIDATION_ERROR: 400,
  INVALID_URL: 400,
  INVALID_SLUG: 400,
  INVALID_2FA_CODE: 401,
  UNAUTHORIZED: 401,
  API_KEY_INVALID: 401,
  TOKEN_EXPIRED: 401,
  NEEDS_2FA: 401,
  PLAN_LIMIT_EXCEEDED: 402,
  FORBIDDEN: 403,
  ACCOUNT_BLOCKED: 403,
  LINK_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  SLUG_ALREADY_EXISTS: 409,
  EMAIL_TAKEN: 409,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  LINK_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const

export type ErrorCode = keyof typeof STATUS_BY_CODE

export class AppError extends Error {
  readonly status: number
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
    this.status = STATUS_BY_CODE[code]
  }
}

export type ErrorBody = {
  success: false
  data: null
  error: { code: string; message: string; [detail: string]: unknown }
  timestamp: string
}

export function errorBody(code: string, message: string, details: Record<string, unknown> = {}): ErrorBody {
  return { success: false, data: null, error: { ...details, code, message }, timestamp: new Date().toISOString() }
}

/** The error envelope as a Response, for the answers that do not pass through the app's onError. */
export function errorResponse(status: number, code: string, message: string, details: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(errorBody(code, message, details)), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

/** True for errors that mean the database (or another dependency) cannot be reached. */
export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; cause?: unknown } | null
  if (!e) return false
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED',
    'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P03', '08006', '08001',
    // A statement cancelled (statement_timeout), no answer from a connection, no pool connection.
    '57014', 'DB_NO_ANSWER', 'DB_POOL_TIMEOUT'].includes(e.code ?? ''))
    return true
  if (/ECONNREFUSED|connection (?:terminated|closed|refused)|Connection terminated|write CONNECTION_CLOSED/i.test(e.message ?? ''))
    return true
  return e.cause !== undefined && e.cause !== error && isUnavailable(e.cause)
}

/** What the app's onError hands on: the parts of Elysia's error context this handler reads. */
export type FailedRequest = {
  code: string | number
  error: unknown
  set: { status?: unknown; headers: Record<string, unknown> }
  request: Request
}

type ValidationFailure = { type: string; all: (ValueError & { path?: string })[]; customError?: unknown; cause?: unknown }

/**
 * The one mapping of every error to the envelope: AppError as it says, Elysia's validation and
 * parse errors as VALIDATION_ERROR, unrouted requests as 404 (or 405 with Allow when the path
 * answers other methods), unreachable storage as 503, anything else as 500 with a logged request id.
 */
export function handleError(log: Logger, allowOf: (path: string) => string[] | null, { code, error, set, request }: FailedRequest): ErrorBody {
  const fail = (status: number, c: string, message: string, details: Record<string, unknown> = {}) => {
    set.status = status
    return errorBody(c, message, details)
  }
  if (error instanceof AppError) {
    if (error.code === 'RATE_LIMIT_EXCEEDED' && typeof error.details.retryAfter === 'number')
      set.headers['retry-after'] = String(error.details.retryAfter)
    return fail(error.status, error.code, error.message, error.details)
  }
  const e = error as ValidationFailure
  switch (code) {
    case 'VALIDATION': {
      // (a property's own error: Elysia says 'property' for where it was, the schema knows)
      const custom = e.customError as { field?: string; in?: string; message?: string } | undefined
      if (custom?.field) return fail(400, 'VALIDATION_ERROR', custom.message ?? `${custom.field} is invalid`, { field: custom.field, in: custom.in ?? e.type })
      const first = e.all[0]
      const field = first?.path?.replace(/^\//, '').replace(/\//g, '.') || e.type
      return fail(400, 'VALIDATION_ERROR', `${field}: ${validationMessage(first)}`, { field, in: e.type })
    }
    case 'PARSE':
      // Elysia wraps whatever a parser throws: the body guard's refusals arrive as the cause.
      if (e.cause instanceof AppError) return fail(e.cause.status, e.cause.code, e.cause.message, e.cause.details)
      return fail(400, 'VALIDATION_ERROR', 'The request body is not valid JSON', { field: 'body' })
    case 'NOT_FOUND': {
      const path = new URL(request.url).pathname
      const allow = allowOf(path)
      if (!allow) return fail(404, 'NOT_FOUND', `No route ${request.method} ${path}`)
      set.headers.allow = allow.join(', ')
      return fail(405, 'METHOD_NOT_ALLOWED', `${path} does not answer ${request.method}; it answers ${allow.join(', ')}`, { allow })
    }
  }
  if (isUnavailable(error)) return fail(503, 'SERVICE_UNAVAILABLE', 'A storage dependency is unavailable; try again shortly')
  const requestId = newId('req')
  log.error('unhandled error', { requestId, method: request.method, url: request.url, error: String(error), stack: (error as Error)?.stack })
  return fail(500, 'INTERNAL', 'Internal error', { requestId })
}
