// createApp(deps): the error handler, CORS and OpenAPI first, then the feature plugins.
import { Elysia } from 'elysia'
import { cors } from '@elysiajs/cors'
import type { Deps } from './deps'
import { AppError, errorBody, isUnavailable } from './errors'
import { newId } from './shared/ids'
import { authPlugin } from './auth/plugin'
import { linksPlugin } from './links/index'
import { analyticsPlugin } from './analytics/index'
import { opsPlugin } from './ops/index'
import { accountsPlugin } from './accounts/index'
import { keysPlugin } from './keys/index'
import { adminPlugin } from './admin/index'
import { domainsPlugin } from './domains/index'
import { webhooksPlugin } from './webhooks/index'
import { nulField } from './shared/nul'
import { isNonObjectBody } from './shared/json-body'
import { validationMessage, type ValueError } from './shared/validation-message'
import { qrPlugin } from './qr/index'
import { typedPagePlugin } from './typed/index'
import { cronPlugin } from './jobs/index'
import { allowedMethods } from './shared/allowed-methods'
import { bodyGuard } from './shared/body-guard'
import { docsPlugin } from './docs/index'
import { dashboardPlugin } from './dashboard/index'

export type AuthPlugin = ReturnType<typeof authPlugin>

export function createApp(deps: Deps) {
  const auth = authPlugin(deps)
  // The methods each path answers, read from the finished app on the first unrouted request.
  let allowOf: ((pathname: string) => string[] | null) | null = null
  let routesOf = (): readonly { method: string; path: string; hooks?: { body?: unknown } }[] => []
  const app = new Elysia({ name: 'kurz' })
    .onError({ as: 'global' }, ({ code, error, set, request }) => {
      const fail = (status: number, c: string, message: string, details: Record<string, unknown> = {}) => {
        set.status = status
        return errorBody(c, message, details)
      }
      if (error instanceof AppError) {
        if (error.code === 'RATE_LIMIT_EXCEEDED' && typeof error.details.retryAfter === 'number')
          set.headers['retry-after'] = String(error.details.retryAfter)
        return fail(error.status, error.code, error.message, error.details)
      }
      switch (code) {
        case 'VALIDATION': {
          // (a property's own error: Elysia says 'property' for where it was, the schema knows)
          const custom = error.customError as { field?: string; in?: string; message?: string } | undefined
          if (custom?.field) return fail(400, 'VALIDATION_ERROR', custom.message ?? `${custom.field} is invalid`, { field: custom.field, in: custom.in ?? error.type })
          const first = error.all[0] as (ValueError & { path?: string }) | undefined
          const field = first?.path?.replace(/^\//, '').replace(/\//g, '.') || error.type
          return fail(400, 'VALIDATION_ERROR', `${field}: ${validationMessage(first)}`, { field, in: error.type })
        }
        case 'PARSE':
          // Elysia wraps whatever a parser throws: the body guard's refusals arrive as the cause.
          if (error.cause instanceof AppError) return fail(error.cause.status, error.cause.code, error.cause.message, error.cause.details)
          return fail(400, 'VALIDATION_ERROR', 'The request body is not valid JSON', { field: 'body' })
        case 'NOT_FOUND': {
          const path = new URL(request.url).pathname
          const allow = (allowOf ??= allowedMethods(routesOf()))(path)
          if (!allow) return fail(404, 'NOT_FOUND', `No route ${request.method} ${path}`)
          set.headers.allow = allow.join(', ')
          return fail(405, 'METHOD_NOT_ALLOWED', `${path} does not answer ${request.method}; it answers ${allow.join(', ')}`, { allow })
        }
      }
      if (isUnavailable(error)) return fail(503, 'SERVICE_UNAVAILABLE', 'A storage dependency is unavailable; try again shortly')
      const requestId = newId('req')
      deps.log.error('unhandled error', { requestId, method: request.method, url: request.url, error: String(error), stack: (error as Error)?.stack })
      return fail(500, 'INTERNAL', 'Internal error', { requestId })
    })
    .onTransform({ as: 'global' }, ({ params, query, body, request }) => {
      if (isNonObjectBody(body, request.headers.get('content-type')))
        throw new AppError('VALIDATION_ERROR', 'The request body must be a JSON object', { field: 'body' })
      const field = nulField(params, '') ?? nulField(query, '') ?? nulField(body, '')
      if (field !== null) throw new AppError('VALIDATION_ERROR', `${field || 'body'} must not contain NUL characters`, { field: field || 'body' })
    })
    .use(cors({
      // The headers a preflight asks for are allowed by name: browsers never let `*` cover
      // Authorization. No credentials: the API takes keys and tokens, not cookies.
      origin: '*', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'], allowedHeaders: true,
      credentials: false, maxAge: 600,
      // So that browser code can read the rate-limit headers that every /api/v1 answer carries.
      exposeHeaders: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'],
    }))
    .use(bodyGuard(deps.config.requests, () => routesOf(), ['POST /api/v1/links/bulk']))
    .use(docsPlugin(() => routesOf()))
    .use(opsPlugin(deps))
    .use(linksPlugin(deps, auth))
    .use(analyticsPlugin(deps, auth))
    .use(accountsPlugin(deps, auth))
    .use(keysPlugin(deps, auth))
    .use(adminPlugin(deps, auth))
    .use(domainsPlugin(deps, auth))
    .use(webhooksPlugin(deps, auth))
    .use(qrPlugin(deps, auth))
    .use(typedPagePlugin(deps))
    .use(cronPlugin(deps))
    .use(dashboardPlugin(deps, auth))
  routesOf = () => app.routes
  return app
}

export type App = ReturnType<typeof createApp>
