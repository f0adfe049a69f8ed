// How a caller proves who it is, as the OpenAPI document names it. The auth plugin accepts an API
// key three ways and a JWT as a bearer token; an operation lists every form it takes, a public
// operation the empty list (OpenAPI's "no credentials needed").

type Requirement = { [scheme: string]: string[] }

export const securitySchemes = {
  apiKeyBearer: {
    type: 'http', scheme: 'bearer', bearerFormat: 'sk_live_…',
    description: 'An API key as `Authorization: Bearer sk_live_…`.',
  },
  apiKeyRaw: {
    type: 'apiKey', in: 'header', name: 'Authorization',
    description: 'An API key as the whole Authorization header, without a scheme: `Authorization: sk_live_…`.',
  },
  apiKeyHeader: {
    type: 'apiKey', in: 'header', name: 'X-API-Key',
    description: 'An API key in its own header: `X-API-Key: sk_live_…`.',
  },
  jwt: {
    type: 'http', scheme: 'bearer', bearerFormat: 'JWT',
    description: 'A JWT from POST /api/auth/login or /api/auth/token, as `Authorization: Bearer <JWT>`.',
  },
  sessionCookie: {
    type: 'apiKey', in: 'cookie', name: 'kurz_session',
    description: 'The dashboard\'s session, an httpOnly SameSite=Strict cookie set by POST /api/auth/session (`__Host-kurz_session` '
      + 'over https). Used only when no Authorization or X-API-Key header is sent; a request that changes state must come from the '
      + 'service\'s own origin.',
  },
  cronSecret: {
    type: 'apiKey', in: 'query', name: 'secret',
    description: 'The CRON_SECRET of the installation (scheduled jobs only).',
  },
} as const

/** An API key in any of its three forms, a JWT, or the dashboard's session cookie. */
export const callerSecurity: Requirement[] = [{ apiKeyBearer: [] }, { apiKeyRaw: [] }, { apiKeyHeader: [] }, { jwt: [] }, { sessionCookie: [] }]

/** No credentials. */
export const publicSecurity: Requirement[] = []

const AUTH_ERRORS = 'Authentication answers 401 UNAUTHORIZED, API_KEY_INVALID or TOKEN_EXPIRED, 403 ACCOUNT_BLOCKED, and '
  + '429 RATE_LIMIT_EXCEEDED past the plan\'s requests per minute (per key, or per account for a JWT).'

/** The `detail` of an operation that needs a key or JWT: its summary, its description, its security. */
export const callerOperation = (summary: string, description: string) =>
  ({ summary, description: `${description} ${AUTH_ERRORS}`, security: callerSecurity })

/** The `detail` of a public operation. */
export const publicOperation = (summary: string, description: string) =>
  ({ summary, description, security: publicSecurity })
