// One error path: services throw AppError; the app's onError turns it into the error envelope
// `{ success: false, data: null, error: { code, message, ...details }, timestamp }`.

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

export function errorResponse(status: number, body: ErrorBody, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
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
